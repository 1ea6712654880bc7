package dev.sluice.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
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

    @Test
    void offsetsKeepTableShapesAndOlderOffsetsWithoutThemStillDecode() {
        TableId odd = TableId.of("My Schema;,!", "Tab \"le\" %:");
        TableShape shape = new TableShape("0123456789abcdef", 2, 77);
        TriggerOffset trigger = new TriggerOffset(42, Map.of(odd, shape, TableId.of("s", "t"),
                new TableShape("ffffffffffffffff", 0, 0)));
        assertThat(TriggerOffset.decode(trigger.encode())).isEqualTo(trigger);
        assertThat(TriggerOffset.decode("trg:42")).isEqualTo(new TriggerOffset(42));
        TimestampOffset empty = TimestampOffset.empty().withShape(odd, shape);
        assertThat(TimestampOffset.decode(empty.encode())).isEqualTo(empty);
        TimestampOffset both = new TimestampOffset(Map.of(odd, List.of(Instant.parse("2024-01-01T00:00:00Z"), 5L)))
                .withShape(odd, shape);
        TimestampOffset back = TimestampOffset.decode(both.encode());
        assertThat(back).isEqualTo(both);
        assertThat(back.shape(odd)).isEqualTo(shape);
        assertThat(back.without(odd).shape(odd)).isEqualTo(shape);
    }

    @Test
    void aTargetThatAsksForAReReadIsCoveredOnlyOnceItIsDone() {
        TableId a = TableId.of("s", "a");
        TriggerOffset target = new TriggerOffset(10, Map.of(a, new TableShape("", 1, 0)));
        assertThat(new TriggerOffset(12, Map.of(a, new TableShape("x", 0, 0))).covers(target)).isFalse();
        assertThat(new TriggerOffset(12).covers(target)).isFalse();
        assertThat(new TriggerOffset(9, Map.of(a, new TableShape("x", 1, 9))).covers(target)).isFalse();
        assertThat(new TriggerOffset(10, Map.of(a, new TableShape("x", 2, 9))).covers(target)).isTrue();
        TimestampOffset head = new TimestampOffset(Map.of(), Map.of(a, new TableShape("", 3, 0)));
        assertThat(TimestampOffset.empty().withShape(a, new TableShape("x", 2, 0)).covers(head)).isFalse();
        assertThat(TimestampOffset.empty().withShape(a, new TableShape("x", 3, 0)).covers(head)).isTrue();
    }

    @Test
    void aFingerprintChangesWithNamesTypesAndKeyButNotColumnOrder() {
        Schema base = Schema.builder().column("id", Type.INT64).column("a", Type.STRING).key("id").build();
        String print = TableShape.fingerprint(base);
        assertThat(TableShape.fingerprint(Schema.builder().column("a", Type.STRING).column("id", Type.INT64)
                .key("id").build())).isEqualTo(print);
        assertThat(TableShape.fingerprint(Schema.builder().column("id", Type.INT64).column("b", Type.STRING)
                .key("id").build())).isNotEqualTo(print);
        assertThat(TableShape.fingerprint(Schema.builder().column("id", Type.INT64).column("a", Type.INT32)
                .key("id").build())).isNotEqualTo(print);
        assertThat(TableShape.fingerprint(Schema.builder().column("id", Type.INT64).column("a", Type.STRING)
                .key("id", "a").build())).isNotEqualTo(print);
    }
}
