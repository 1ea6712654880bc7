package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Column;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.PipelineContext;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.Source;
import dev.sluice.TableId;
import dev.sluice.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic stream of {@code total} changes over three tables: event {@code n} (offset {@code gen:n}) is a pure
 * function of {@code n}, so a stream resumed from any offset continues with exactly the same events. Table
 * {@code gen.t0} changes its schema half-way. Throttled to {@code perPoll} events per {@code pause}, so a killed
 * child stops somewhere in the middle.
 */
final class GeneratorSource implements Source {

    static final Instant START = Instant.parse("2024-01-01T22:00:00Z");
    private static final Schema V1 = Schema.builder().column(Column.of("id", Type.INT64).notNull())
            .column("v", Type.STRING).column("amount", Type.decimal(12, 2)).key("id").build();
    private static final Schema V2 = Schema.builder().column(Column.of("id", Type.INT64).notNull())
            .column("v", Type.STRING).column("amount", Type.decimal(12, 2)).column("note", Type.STRING)
            .key("id").build();

    private final long total;
    private final int perPoll;
    private final long pauseMillis;

    GeneratorSource(long total, int perPoll, long pauseMillis) {
        this.total = total;
        this.perPoll = perPoll;
        this.pauseMillis = pauseMillis;
    }

    record GenOffset(long n) implements Offset {
        @Override
        public String encode() {
            return "gen:" + n;
        }

        @Override
        public boolean covers(Offset other) {
            return n >= ((GenOffset) other).n;
        }
    }

    /** Event {@code n}, 1-based. */
    static ChangeEvent event(long n, long total) {
        TableId table = TableId.of("gen", "t" + n % 3);
        boolean v2 = n % 3 == 0 && n > total / 2;
        Schema schema = v2 ? V2 : V1;
        Op op = n % 10 == 7 ? Op.UPDATE : n % 10 == 9 ? Op.DELETE : Op.INSERT;
        Object[] values = v2 ? new Object[4] : new Object[3];
        values[0] = n;
        if (op != Op.DELETE) {
            values[1] = "value-" + n;
            values[2] = BigDecimal.valueOf(n * 7, 2);
            if (v2) {
                values[3] = "note " + n;
            }
        }
        ChangeEvent.Builder b = ChangeEvent.builder(op, table, schema).offset(new GenOffset(n))
                .commitTime(START.plusSeconds(n * 10)).transactionId("tx" + n / 4);
        return op == Op.DELETE ? b.before(Row.of(values)).build() : b.after(Row.of(values)).build();
    }

    @Override
    public ChangeStream open(Offset from, PipelineContext context) {
        long start = from == null ? 0 : ((GenOffset) from).n();
        return new ChangeStream() {
            private long read = start;

            @Override
            public Offset head() {
                return new GenOffset(total);
            }

            @Override
            public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
                if (read >= total) {
                    Thread.sleep(Math.min(timeout.toMillis(), 50));
                    return List.of();
                }
                Thread.sleep(pauseMillis);
                List<ChangeEvent> events = new ArrayList<>(perPoll);
                for (long n = read + 1; n <= Math.min(total, read + perPoll); n++) {
                    events.add(event(n, total));
                }
                read += events.size();
                return events;
            }

            @Override
            public Offset position() {
                return read == 0 ? null : new GenOffset(read);
            }

            @Override
            public void committed(Offset offset) {}

            @Override
            public void close() {}
        };
    }

    @Override
    public Offset decodeOffset(String encoded) {
        if (!encoded.startsWith("gen:")) {
            throw new IllegalArgumentException("expected gen:<n>, got " + encoded);
        }
        return new GenOffset(Long.parseLong(encoded.substring(4)));
    }

    @Override
    public String toString() {
        return "generator of " + total + " events";
    }
}
