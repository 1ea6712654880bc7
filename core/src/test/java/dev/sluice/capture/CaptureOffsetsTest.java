package dev.sluice.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.TableId;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CaptureOffsetsTest {

    @Test
    void timestampOffsetRoundTripsOddNamesAndEveryCursorType() {
        TableId odd = TableId.of("My Schema;,", "Tab \"le\" %:");
        TimestampOffset offset = new TimestampOffset(Map.of(
                odd, List.of(Instant.parse("2024-01-01T00:00:00.000001Z"), "k,;:é", 5L),
                TableId.of("s", "t"), Arrays.asList(LocalDateTime.parse("2024-01-01T00:00:00"), (short) 1, 2,
                        new BigDecimal("1.50"), UUID.fromString("6f1c1a2e-9c9b-4c1e-8a55-0f7d4bb4a001"), true,
                        null, 1.5d, 2.5f)));
        TimestampOffset back = TimestampOffset.decode(offset.encode());
        assertThat(back).isEqualTo(offset);
        assertThat(back.cursor(odd)).containsExactly(Instant.parse("2024-01-01T00:00:00.000001Z"), "k,;:é", 5L);
        assertThat(TimestampOffset.decode("ts:")).isEqualTo(TimestampOffset.empty());
    }

    @Test
    void timestampOffsetRaisedToAHeadKeepsCursorsAlreadyPastItAndCoversIt() {
        TableId a = TableId.of("s", "a");
        TableId b = TableId.of("s", "b");
        TableId c = TableId.of("s", "c");
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        TimestampOffset head = new TimestampOffset(Map.of(a, List.of(t, 5L), b, List.of(t, 5L)));
        TimestampOffset read = new TimestampOffset(Map.of(a, List.of(t, 3L), b, List.of(t, 9L), c, List.of(t, 1L)));
        TimestampOffset raised = read.atLeast(head);
        assertThat(raised).isEqualTo(new TimestampOffset(Map.of(a, List.of(t, 5L), b, List.of(t, 9L),
                c, List.of(t, 1L))));
        assertThat(raised.covers(head)).isTrue();
        assertThat(TimestampOffset.empty().atLeast(head)).isEqualTo(head);
    }

    @Test
    void timestampOffsetCoversTableByTable() {
        TableId a = TableId.of("s", "a");
        TableId b = TableId.of("s", "b");
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        TimestampOffset head = new TimestampOffset(Map.of(a, List.of(t, 5L)));
        assertThat(new TimestampOffset(Map.of(a, List.of(t, 5L), b, List.of(t, 1L))).covers(head)).isTrue();
        assertThat(new TimestampOffset(Map.of(a, List.of(t, 4L))).covers(head)).isFalse();
        assertThat(new TimestampOffset(Map.of(a, List.of(t.plusMillis(1), 1L))).covers(head)).isTrue();
        assertThat(new TimestampOffset(Map.of(b, List.of(t, 9L))).covers(head)).isFalse();
    }

    @Test
    void triggerOffsetRoundTripsAndRefusesOtherOffsets() {
        assertThat(TriggerOffset.decode(new TriggerOffset(42).encode())).isEqualTo(new TriggerOffset(42));
        assertThat(new TriggerOffset(5).covers(new TriggerOffset(5))).isTrue();
        assertThatThrownBy(() -> TriggerOffset.decode("ts:")).hasMessageContaining("another source");
        assertThatThrownBy(() -> TimestampOffset.decode("trg:5")).hasMessageContaining("another source");
    }
}
