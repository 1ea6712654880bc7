package dev.sluice.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Debezium records of W4's table as Parquet rows: the JSON column, and the placeholder of an unchanged TOAST value. */
class DebeziumRowsTest {

    private static final Schema ROW = SchemaBuilder.struct().name("bench.Value")
            .field("id", Schema.INT64_SCHEMA)
            .field("counter", Schema.INT64_SCHEMA)
            .field("doc", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .optional().build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("source")
            .field("ts_ms", Schema.INT64_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("bench.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();

    private static SourceRecord record(String op, String doc) {
        Struct after = new Struct(ROW).put("id", 7L).put("counter", 1L).put("doc", doc);
        Struct source = new Struct(SOURCE).put("ts_ms", 1_000L).put("lsn", 42L).put("txId", 9L);
        Struct envelope = new Struct(ENVELOPE).put("after", after).put("source", source).put("op", op);
        return new SourceRecord(null, null, "bench.public.bench", ENVELOPE, envelope);
    }

    @Test
    void jsonIsWrittenAsJsonTextAndTheUnavailableValuePlaceholderAsNull() {
        SourceRecord insert = record("c", "{\"id\": 7}");
        DebeziumRows rows = new DebeziumRows(insert);

        assertThat(rows.columns().get(2)).isEqualTo(RowColumn.of("doc", RowColumn.Kind.JSON));
        assertThat(rows.row(insert, 1)).containsExactly(7L, 1L, "{\"id\": 7}", "c", 1_000_000L, "lsn=42", 1L, "9");
        assertThat(rows.row(record("u", DebeziumRows.UNAVAILABLE), 2))
                .containsExactly(7L, 1L, null, "u", 1_000_000L, "lsn=42", 2L, "9");
    }
}
