package dev.sluice.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.TableId;
import org.junit.jupiter.api.Test;

class SignalTextTest {

    @Test
    void backfillSignalsRoundTrip() {
        TableId table = TableId.of("my schema", "orders=2\n");
        String condition = "updated_at > '2026-01-01'\nAND note <> 'x=y'";
        SignalText.Backfill parsed = SignalText.parse(SignalText.backfill(table, condition));
        assertEquals(table, parsed.table());
        assertEquals(condition, parsed.condition());
        assertNull(SignalText.parse(SignalText.backfill(table, null)).condition());
        assertTrue(SignalText.backfill(TableId.of("public", "orders"), null).startsWith("backfill\n"));
    }

    @Test
    void refusesWhatItCannotRead() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SignalText.parse("resnapshot\n"))
                .getMessage().contains("'resnapshot'"));
        assertThrows(IllegalArgumentException.class, () -> SignalText.parse("backfill\nname=orders\n"));
        assertThrows(IllegalArgumentException.class,
                () -> SignalText.parse("backfill\nnamespace=a\nname=b\ncolour=red\n"));
        assertThrows(IllegalArgumentException.class,
                () -> SignalText.parse("backfill\nnamespace=a\nname=b\ncondition=x%3D1%3B+drop\n"));
    }
}
