package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.testkit.SeqOffset;
import java.time.Instant;
import java.util.List;

/** Key changes mixed with other changes of the same keys in one batch, also with unchanged (TOASTed) columns. */
final class KeyChangeScenarios {

    private KeyChangeScenarios() {}

    /** An update from key {@code from} to {@code to} whose column 2 (qty) is unchanged, as PostgreSQL sends TOAST. */
    private static ChangeEvent moveLeavingQty(long seq, long from, long to, String name) {
        return ChangeEvent.builder(Op.UPDATE, ApplyScenarios.ORDERS, ApplyScenarios.ORDER)
                .before(Row.of(from, null, null)).after(Row.of(to, name, null)).unchanged(2)
                .offset(new SeqOffset(seq)).commitTime(Instant.EPOCH).build();
    }

    static void keyChangesMixedWithOtherChangesOfThoseKeysEndInTheSourceState(Db db, boolean softDelete)
            throws Exception {
        JdbcSink sink = (softDelete ? db.sink().softDelete("_deleted") : db.sink()).build();
        Events e = new Events(ApplyScenarios.ORDERS, ApplyScenarios.ORDER);
        String live = softDelete ? " WHERE NOT _deleted" : "";
        sink.open(ApplyScenarios.context("keys"));
        try {
            sink.write(List.of(e.insert(1L, "a", 10), e.insert(2L, "b", 20), e.insert(3L, "c", 30),
                    e.insert(4L, "d", 40)));
            sink.flush();
            sink.write(List.of(
                    // swap 1 and 2 through 9, with qty unchanged (its value only in the target)
                    moveLeavingQty(100, 1, 9, "a1"), moveLeavingQty(101, 2, 1, "b1"), moveLeavingQty(102, 9, 2, "a2"),
                    // 3 -> 5 with qty unchanged, after an update of 3 in the same batch, then 5 updated again
                    e.update(3L, "c1", 31), moveLeavingQty(103, 3, 5, "c2"),
                    e.updateLeaving(new int[] {2}, 5L, "c3", null),
                    // 4 deleted, then 6 moved into... a key freed in the same batch: 4 again
                    e.delete(4L, "d", 40), e.insert(6L, "f", 60), moveLeavingQty(104, 6, 4, "f1")));
            sink.flush();
        } finally {
            sink.close();
        }
        assertThat(db.rows("SELECT id, name, qty FROM orders" + live + " ORDER BY id"))
                .containsExactly("1|b1|20", "2|a2|10", "4|f1|60", "5|c3|31");
    }
}
