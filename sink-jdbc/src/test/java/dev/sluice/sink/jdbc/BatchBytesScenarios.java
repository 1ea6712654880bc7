package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.Column;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** MB-sized values: JDBC batches are bounded in bytes, not only in rows. */
final class BatchBytesScenarios {

    private static final Schema BLOBS = Schema.builder()
            .column(Column.of("id", Type.INT32).notNull())
            .column("payload", Type.BYTES)
            .key("id")
            .build();

    private BatchBytesScenarios() {}

    static void megabyteValuesAreSentInBatchesBoundedInBytes(Db db) throws Exception {
        BatchRecorder recorder = new BatchRecorder(db.database);
        JdbcSink sink = JdbcSink.builder().dataSource(recorder).batchBytes(4L << 20).build();
        Events e = new Events(TableId.of("src", "blobs"), BLOBS);
        Random random = new Random(7);
        List<ChangeEvent> events = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            byte[] payload = new byte[id == 20 ? 6 << 20 : 1 << 20]; // the last one alone exceeds the bound
            random.nextBytes(payload);
            events.add(e.insert(id, payload));
            expected.add(id + "|" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(payload)));
        }
        sink.open(ApplyScenarios.context("blobs"));
        try {
            sink.write(events);
            sink.flush();
        } finally {
            sink.close();
        }
        assertThat(recorder.batches).as("rows per JDBC batch").isNotEmpty().allMatch(rows -> rows <= 4);
        assertThat(recorder.batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
        assertThat(db.rows("SELECT id, md5(payload) FROM blobs ORDER BY id")).isEqualTo(expected);
    }
}
