package dev.sluice.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.OffsetStore;
import dev.sluice.offset.FileOffsetStore;
import dev.sluice.sink.s3.ParquetSink;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice backfill}: a signal left in the offset store the pipeline's run uses. */
class BackfillCommandTest {

    @Test
    void leavesABackfillSignalInAnOffsetFolder(@TempDir Path offsets) {
        Run run = Run.of("backfill", "--pipeline", "shop", "--offsets", offsets.toString(), "--table",
                "public.orders", "--where", "updated_at > '2026-01-01'");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("backfill of public.orders where updated_at > '2026-01-01' asked of pipeline"
                + " shop");
        assertThat(FileOffsetStore.in(offsets).signals("shop")).singleElement()
                .extracting(OffsetStore.Signal::text).asString()
                .startsWith("backfill\n").contains("namespace=public", "name=orders", "condition=updated_at");
    }

    @Test
    void leavesItInTheSinksOwnStoreByDefault(@TempDir Path lake) {
        Run run = Run.of("backfill", "--pipeline", "shop", "--out", lake.toString(), "--table", "shop.orders");
        assertThat(run.exit()).as(run.err()).isZero();
        ParquetSink sink = ParquetSink.builder().localFolder(lake).build();
        assertThat(sink.signals("shop")).singleElement().extracting(OffsetStore.Signal::text).asString()
                .doesNotContain("condition=");
    }

    @Test
    void badArgumentsAreUsageErrors(@TempDir Path offsets) {
        assertThat(Run.of("backfill", "--pipeline", "shop", "--offsets", offsets.toString()).error())
                .contains("--table is required");
        assertThat(Run.of("backfill", "--offsets", offsets.toString(), "--table", "orders").error())
                .contains("--table must be schema.table");
        Run semicolon = Run.of("backfill", "--offsets", offsets.toString(), "--table", "s.t", "--where", "a=1; drop");
        assertThat(semicolon.exit()).isEqualTo(2);
        assertThat(semicolon.error()).contains("';'");
        assertThat(Run.of("replicate", "--table", "s.t").error()).contains("go with sluice backfill");
    }
}
