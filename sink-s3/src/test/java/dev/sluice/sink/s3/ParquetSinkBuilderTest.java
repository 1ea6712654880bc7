package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ExactlyOnceSink;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ParquetSinkBuilderTest {

    @Test
    void badValuesAreRefusedAtOnceAndNamed() {
        ParquetSink.Builder b = ParquetSink.builder();
        assertThatThrownBy(() -> b.s3("My_Bucket", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'My_Bucket'");
        assertThatThrownBy(() -> b.s3("bucket", "/lake/")).hasMessageContaining("'/lake/'");
        assertThatThrownBy(() -> b.endpoint(URI.create("ftp://host"))).hasMessageContaining("ftp://host");
        assertThatThrownBy(() -> b.rowGroupSize(10)).hasMessageContaining("rowGroupSize").hasMessageContaining("10");
        assertThatThrownBy(() -> b.maxFileRows(0)).hasMessageContaining("maxFileRows");
        assertThatThrownBy(() -> b.maxFileBytes(6L << 30)).hasMessageContaining("5 GiB");
        assertThatThrownBy(() -> b.maxFileAge(Duration.ZERO)).hasMessageContaining("maxFileAge");
        assertThatThrownBy(() -> b.memoryBudget(1000)).hasMessageContaining("memoryBudget");
        assertThatThrownBy(() -> b.multipartThreshold(6L << 30)).hasMessageContaining("5 GiB");
        assertThatThrownBy(() -> b.writerLease(Duration.ofMillis(500))).hasMessageContaining("writerLease")
                .hasMessageContaining("PT0.5S");
        assertThatThrownBy(() -> b.writerLease(Duration.ofHours(2))).hasMessageContaining("writerLease");
        assertThatThrownBy(() -> b.partSize(1 << 20)).hasMessageContaining("partSize");
        assertThatThrownBy(() -> b.maxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> b.credentials("", "x")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> b.commitRecordsRetained(1)).hasMessageContaining("commitRecordsRetained");
        assertThatThrownBy(() -> Partitioning.column("")).hasMessageContaining("must not be empty");
    }

    @Test
    void theDefaultMemoryBudgetIsAQuarterOfTheHeapUpTo128MiB() {
        assertThat(ParquetSink.Builder.defaultMemoryBudget(256L << 20)).isEqualTo(64L << 20);
        assertThat(ParquetSink.Builder.defaultMemoryBudget(4L << 30)).isEqualTo(128L << 20);
        assertThat(ParquetSink.Builder.defaultMemoryBudget(Long.MAX_VALUE)).isEqualTo(128L << 20); // no -Xmx limit
        assertThat(ParquetSink.Builder.defaultMemoryBudget(2L << 20)).isEqualTo(1L << 20);
    }

    @Test
    void exactlyOneDestinationIsNeeded() {
        assertThatThrownBy(() -> ParquetSink.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("s3(bucket, prefix) or localFolder(path)");
        assertThatThrownBy(() -> ParquetSink.builder().s3("lake", "x").localFolder(Path.of("lake")).build())
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> ParquetSink.builder().localFolder(Path.of("lake")).region("eu-west-1").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("apply to s3(…) only");
    }

    @Test
    void theSecretKeyNeverShows() {
        ParquetSink.Builder builder = ParquetSink.builder().s3("lake", "cdc").credentials("AKIAEXAMPLE", "s3cr3t!");
        ParquetSink sink = builder.build();
        assertThat(builder.toString()).contains("AKIAEXAMPLE").doesNotContain("s3cr3t!");
        assertThat(sink.toString()).contains("s3://lake/cdc").contains("AKIAEXAMPLE").doesNotContain("s3cr3t!");
    }

    @Test
    void theSinkCommitsOffsetsWithItsData() {
        assertThat(ParquetSink.builder().localFolder(Path.of("lake")).build()).isInstanceOf(ExactlyOnceSink.class);
    }
}
