package dev.sluice.source.postgres;

import static dev.sluice.source.postgres.PgTests.context;
import static dev.sluice.source.postgres.PgTests.poll;
import static dev.sluice.source.postgres.PgTests.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.FatalException;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.Schema;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.capture.Capture;
import dev.sluice.capture.JdbcCaptureSource;
import dev.sluice.testing.CaptureStreams;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every PostgreSQL type under the capture triggers, at its extremes, with NULLs, {@code infinity} and NaN: trigger
 * capture gives the same schema and the same values as the log source's snapshot of the same rows.
 */
@ExtendWith(PostgresExtension.class)
class PostgresTriggerTypesIT {

    private static final PipelineContext CONTEXT = PipelineContext.of("trg-types", Clock.systemUTC());

    private static final String TABLE = "CREATE TABLE all_types (id int PRIMARY KEY, c_smallint smallint, "
            + "c_int int, c_bigint bigint, c_numeric numeric(38,10), c_numeric_any numeric, c_real real, "
            + "c_double double precision, c_bool boolean, c_text text, c_varchar varchar(20), c_char char(5), "
            + "c_bytea bytea, c_date date, c_time time, c_timetz timetz, c_ts timestamp, c_tstz timestamptz, "
            + "c_interval interval, c_uuid uuid, c_jsonb jsonb, c_enum mood, c_int_array int[], "
            + "c_text_array text[], c_numeric_array numeric(10,2)[], c_inet inet, c_domain positive, "
            + "c_enum_array mood[], c_ts_array timestamp[], c_oid oid, c_money money, c_bit bit(3), "
            + "c_json json, c_comp pair, c_range int4range)";

    private static final String[] ROWS = {
        "(1, 1, 2, 3, 12345678901234567890123456.0123456789, 0.1, 1.5, 2.25, true, 'plain', 'v', 'ab',"
                + " '\\x00ff10', '2024-02-29', '13:45:00.123456', '13:45:00.5+02', '2024-03-31 02:30:00',"
                + " '2024-03-31 00:59:59.999999+00', '1 year 2 mons 3 days 04:05:06.000007',"
                + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"b\": {\"c\": null}}',"
                + " 'happy', '{1,NULL,3}', '{\"a b\",NULL,\"q\\\"uote\",\"NULL\",\"\"}', '{1.50,-2.25}',"
                + " '192.168.0.1/24', 7, '{sad,happy}', '{\"2024-01-01 00:00:00\",infinity}', 4294967295, 12.34,"
                + " B'101',"
                + " '{\"b\": 1,  \"b\": 2}', ROW(1, 'a b'), '[1,5)')",
        "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                + " NULL, NULL, NULL)",
        "(3, -32768, -2147483648, -9223372036854775808, -0.0000000001, -123.456e-20, 'NaN', '-Infinity', false,"
                + " 'ünïcödé 🦆 日本語 𝄞', 'emoji 😀', 'x', '', '0044-03-15 BC', '00:00:00', '23:59:59.999999-03:30',"
                + " '0044-03-15 12:00:00 BC', '1900-01-01 00:00:00+00', '-1 days -00:00:00.5',"
                + " '00000000-0000-0000-0000-000000000000', '\"🦆\"', 'sad', '{}', '{}', '{}', '::1', 1, '{}',"
                + " '{}', 0, -92233720368547758.08, B'000',"
                + " 'null', ROW(NULL, NULL), 'empty')",
        "(4, 0, 0, 0, 0, 0, 'Infinity', 1e308, true, '', '', '', '\\x', 'infinity', '24:00:00', '00:00:00+00',"
                + " 'infinity', '-infinity', '0', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', 'null', 'ok',"
                + " '{-1}', '{\"\\\\back\"}', '{0.00}', '10.0.0.1', 2147483647, '{ok}', '{-infinity}', 1, 0, B'111',"
                + " '[]', ROW(-1, ''), '(,)')",
        "(5, NULL, NULL, NULL, NULL, 1e-100, 3.4028235e38, 4.9e-324, NULL, repeat('x😀', 50000),"
                + " E'a\\tb\\nc\\\\d', NULL, decode(repeat('ff00', 100000), 'hex'), '-infinity', NULL, NULL,"
                + " '294246-12-31 23:59:59.999999', 'infinity', NULL, NULL, '{\"k\": \"x\\\\ty 😀\", \"n\": 1.50}',"
                + " NULL, NULL, E'{\"t\\tab\"}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                + " '\"x\\\\ty 😀\"', ROW(2, E'q\"\\\\'), NULL)",
    };

    @Test
    void everyTypeReadsTheSameFromTriggerCaptureAsFromTheLogSourcesSnapshot(PostgresDatabase db) throws Exception {
        db.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE DOMAIN positive AS int CHECK (VALUE > 0)",
                "CREATE TYPE pair AS (n int, t text)", TABLE);
        JdbcCaptureSource triggers = JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource())
                .tables(TableFilter.include("public.all_types"))
                .mode(Capture.TRIGGER)
                .pollInterval(Duration.ofMillis(5))
                .build();
        triggers.install();
        db.execute("INSERT INTO all_types VALUES " + String.join(", ", ROWS));
        db.execute("UPDATE all_types SET c_text = 'changed' WHERE id = 1", "DELETE FROM all_types WHERE id = 2");
        List<ChangeEvent> captured;
        try (ChangeStream stream = triggers.open(null, CONTEXT)) {
            captured = CaptureStreams.pollCount(stream, ROWS.length + 2, Duration.ofSeconds(60));
        }
        assertThat(captured.subList(0, ROWS.length)).extracting(ChangeEvent::op).containsOnly(Op.INSERT);
        db.execute("UPDATE all_types SET c_text = 'plain' WHERE id = 1",
                "INSERT INTO all_types (id) VALUES (2)");

        List<ChangeEvent> snapshot;
        try (ChangeStream stream = source(db).tables(TableFilter.include("public.all_types")).build()
                .open(null, context(PgTests.uniqueName()))) {
            snapshot = poll(stream, ROWS.length);
        }
        snapshot = snapshot.stream().sorted(Comparator.comparing(e -> (Integer) e.after().get(0))).toList();
        Schema schema = snapshot.get(0).schema();
        assertThat(captured.get(0).schema()).isEqualTo(schema);
        for (int row = 0; row < ROWS.length; row++) {
            List<Object> log = snapshot.get(row).after().values();
            List<Object> trigger = captured.get(row).after().values();
            for (int i = 0; i < log.size(); i++) {
                assertThat(trigger.get(i)).as("row %d column %s", row + 1, schema.column(i).name())
                        .isEqualTo(log.get(i));
            }
        }
        // the documented mapping of infinity, which the log source shares
        Schema s = captured.get(3).schema();
        assertThat(captured.get(3).after().get(s, "c_date")).isEqualTo(PgText.DATE_INFINITY);
        assertThat(captured.get(3).after().get(s, "c_ts")).isEqualTo(PgText.TIMESTAMP_INFINITY);
        assertThat(captured.get(3).after().get(s, "c_tstz")).isEqualTo(PgText.INSTANT_MINUS_INFINITY);
        assertThat(captured.get(4).after().get(s, "c_date")).isEqualTo(PgText.DATE_MINUS_INFINITY);
        assertThat(captured.get(4).after().get(s, "c_text")).isEqualTo("x😀".repeat(50000));
        // json exactly as written; a JSON null, an all-NULL composite and SQL NULL kept apart
        assertThat(captured.get(0).after().get(s, "c_json")).isEqualTo("{\"b\": 1,  \"b\": 2}");
        assertThat(captured.get(3).after().get(s, "c_jsonb")).isEqualTo("null");
        assertThat(captured.get(2).after().get(s, "c_json")).isEqualTo("null");
        assertThat(captured.get(2).after().get(s, "c_comp")).isEqualTo("(,)");
        assertThat(captured.get(1).after().get(s, "c_comp")).isNull();
        assertThat(captured.get(0).after().get(s, "c_char")).isEqualTo("ab   ");
        assertThat(captured.get(0).after().get(s, "c_bool")).isEqualTo(true);

        ChangeEvent update = captured.get(ROWS.length);
        assertThat(update.before()).isEqualTo(captured.get(0).after());
        assertThat(update.after().get(s, "c_text")).isEqualTo("changed");
        assertThat(captured.get(ROWS.length + 1).before().get(s, "id")).isEqualTo(2);
        assertThat(captured.get(0).table()).isEqualTo(TableId.of("public", "all_types"));
    }

    @Test
    void numericNanStopsCaptureNamingTheColumnAsLogCaptureDoes(PostgresDatabase db) throws Exception {
        db.execute("CREATE TABLE n (id int PRIMARY KEY, amount numeric)");
        JdbcCaptureSource triggers = JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource())
                .tables(TableFilter.include("public.n"))
                .mode(Capture.TRIGGER)
                .pollInterval(Duration.ofMillis(5))
                .build();
        triggers.install();
        db.execute("INSERT INTO n VALUES (1, 'NaN')");
        try (ChangeStream stream = triggers.open(null, CONTEXT)) {
            assertThatThrownBy(() -> CaptureStreams.pollCount(stream, 1, Duration.ofSeconds(30)))
                    .isInstanceOf(FatalException.class).hasMessageContaining("amount")
                    .hasMessageContaining("NaN").hasMessageContaining("NumericMode.TEXT");
        }
    }

    @Test
    void aTimestampBeyondSixtyFourBitMicrosecondsStopsTriggerCaptureNamingTheColumn(PostgresDatabase db)
            throws Exception {
        db.execute("CREATE TABLE far (id int PRIMARY KEY, at timestamp)");
        JdbcCaptureSource triggers = JdbcCaptureSource.builder(new PostgresCaptureDialect())
                .connections(db.dataSource()).tables(TableFilter.include("public.far")).mode(Capture.TRIGGER)
                .pollInterval(Duration.ofMillis(5)).build();
        triggers.install();
        db.execute("INSERT INTO far VALUES (1, '294276-12-31 23:59:59.999999')");
        try (ChangeStream stream = triggers.open(null, CONTEXT)) {
            assertThatThrownBy(() -> CaptureStreams.pollCount(stream, 1, Duration.ofSeconds(30)))
                    .isInstanceOf(FatalException.class).hasMessageContaining("public.far column at")
                    .hasMessageContaining("294276-12-31");
        }
    }
}
