package dev.sluice;

import static dev.sluice.PipelineDeliveryTest.awaitCommitted;
import static dev.sluice.PipelineDeliveryTest.fastPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.offset.FileOffsetStore;
import dev.sluice.testing.MemorySink;
import dev.sluice.testing.MemorySource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineFencingTest {

    @Test
    void aSecondRunOfThePipelineStopsBeforeItOpensItsSinkOrSource(@TempDir Path offsets) throws Exception {
        MemorySink firstSink = new MemorySink();
        try (Pipeline first = fastPipeline(MemorySource.withEvents(100), firstSink, FileOffsetStore.in(offsets))
                .build()) {
            first.start();
            awaitCommitted(first, 100);

            MemorySource secondSource = MemorySource.withEvents(100);
            MemorySink secondSink = new MemorySink();
            Pipeline second = fastPipeline(secondSource, secondSink, FileOffsetStore.in(offsets)).build();

            assertThatThrownBy(second::runUntilCaughtUp)
                    .isInstanceOf(PipelineAlreadyRunningException.class)
                    .hasMessageStartingWith("pipeline test is already running (in this process)");
            assertThat(second.status().state()).isEqualTo(PipelineState.FAILED);
            assertThat(secondSink.opens()).isZero();
            assertThat(secondSource.opens()).isZero();
            assertThat(first.status().state()).isEqualTo(PipelineState.RUNNING);
        }

        // closed, the first let go: the next run takes over where it stopped
        MemorySink thirdSink = new MemorySink();
        CatchUpReport third = fastPipeline(MemorySource.withEvents(120), thirdSink, FileOffsetStore.in(offsets))
                .build().runUntilCaughtUp();
        assertThat(third.caughtUp()).isTrue();
        assertThat(thirdSink.durableSeqs()).first().isEqualTo(101L);
    }
}
