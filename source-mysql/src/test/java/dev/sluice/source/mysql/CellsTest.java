package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CellsTest {

    @Test
    void dateTimesParseExactlyWithEveryFractionLength() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            LocalDateTime expected = LocalDateTime.of(random.nextInt(1000, 10_000), 1, 1, 0, 0)
                    .plusSeconds(random.nextLong(366L * 86_400)).withNano(0);
            int digits = random.nextInt(7); // DATETIME(0) … DATETIME(6): MariaDB prints exactly that many
            String text = expected.toString().replace('T', ' ');
            if (expected.getSecond() == 0 && text.length() == 16) {
                text += ":00";
            }
            if (digits > 0) {
                int fraction = random.nextInt((int) Math.pow(10, digits));
                text += "." + String.format("%0" + digits + "d", fraction);
                expected = expected.withNano(fraction * (int) Math.pow(10, 9 - digits));
            }
            assertThat(Cells.dateTime(text)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void unusualDateTimesGoToTheFormatterAsBefore() {
        // the formatter resolves smartly: the 30th of February becomes its last day
        assertThat(Cells.dateTime("2024-02-30 10:00:00")).isEqualTo(LocalDateTime.of(2024, 2, 29, 10, 0));
        assertThat(Cells.dateTime("2023-02-29 10:00:00.5")).isEqualTo(LocalDateTime.of(2023, 2, 28, 10, 0, 0, 500_000_000));
        for (String bad : new String[] {"2024-13-01 00:00:00",
            "2024-01-01T00:00:00", "2024-01-01 00:00:00.1234567", "2024-1-01 00:00:00"}) {
            assertThatThrownBy(() -> Cells.dateTime(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
        }
    }
}
