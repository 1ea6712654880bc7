package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.OffsetStore;
import dev.sluice.PipelineContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Drives a sink the way the engine does: load, open, write, flush, commit. */
final class Runs {

    private Runs() {}

    static PipelineContext context(String name) {
        return PipelineContext.of(name, Clock.systemUTC()).withExactlyOnce();
    }

    /** Loads the offset (as the engine does before opening) and opens the sink; returns the stored offset. */
    static String open(ParquetSink sink, String name) {
        String offset = store(sink).load(name).orElse(null);
        sink.open(context(name));
        return offset;
    }

    /** Writes the events, flushes, and saves the last event's offset: one commit cycle. */
    static void commit(ParquetSink sink, String name, List<ChangeEvent> events) {
        sink.write(events);
        sink.flush();
        store(sink).save(name, events.get(events.size() - 1).offset().encode());
    }

    /** The sink's committed offsets seen as an offset store, as the engine sees them. */
    static OffsetStore store(ParquetSink sink) {
        return new OffsetStore() {
            @Override
            public Optional<String> load(String pipelineName) {
                return sink.committedOffset(pipelineName);
            }

            @Override
            public void save(String pipelineName, String encodedOffset) {
                sink.commit(pipelineName, encodedOffset);
            }

            @Override
            public void delete(String pipelineName) {
                sink.deleteOffset(pipelineName);
            }
        };
    }
}
