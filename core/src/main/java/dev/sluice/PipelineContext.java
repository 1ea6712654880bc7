package dev.sluice;

import java.time.Clock;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a pipeline tells its source and sink when it opens them: its name (which keys its stored offset and from
 * which sources derive names of their own, such as a replication slot), its clock, and whether it commits its
 * offsets with the sink's data ({@link ExactlyOnceSink}).
 *
 * <p>Immutable and thread-safe.
 */
public final class PipelineContext {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private final String pipelineName;
    private final Clock clock;
    private final boolean exactlyOnce;

    private PipelineContext(String pipelineName, Clock clock, boolean exactlyOnce) {
        this.pipelineName = checkName(pipelineName);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.exactlyOnce = exactlyOnce;
    }

    /**
     * A context for a pipeline of this name and clock that keeps its offsets in a store of its own; mainly for tests
     * that open a source or sink directly.
     *
     * @param pipelineName the pipeline's name, not null: 1 to 63 letters, digits, {@code _}, {@code .} or {@code -}
     * @param clock the clock for wall-clock times, not null
     * @return a context with {@link #exactlyOnce()} false
     * @throws IllegalArgumentException if the name is not valid
     */
    public static PipelineContext of(String pipelineName, Clock clock) {
        return new PipelineContext(pipelineName, clock, false);
    }

    /**
     * This context, for a pipeline that saves its offsets through the sink's own offset store.
     *
     * @return a copy of this context with {@link #exactlyOnce()} true
     */
    public PipelineContext withExactlyOnce() {
        return new PipelineContext(pipelineName, clock, true);
    }

    /**
     * True if the pipeline keeps its offsets in its {@link ExactlyOnceSink}: it calls
     * {@link ExactlyOnceSink#commit(String, String)} after each {@link Sink#flush()}, which commits data and offset
     * together (exactly once). False if the offsets go to an offset store: the sink must make its data durable in
     * {@code flush()} (at least once).
     *
     * @return true if offsets are committed with the sink's data
     */
    public boolean exactlyOnce() {
        return exactlyOnce;
    }

    /**
     * The pipeline's name: 1 to 63 letters, digits, {@code _}, {@code .} or {@code -}, starting with a letter or digit.
     *
     * @return the name, never null
     */
    public String pipelineName() {
        return pipelineName;
    }

    /**
     * The clock for every wall-clock time the pipeline records.
     *
     * @return the clock, never null
     */
    public Clock clock() {
        return clock;
    }

    static String checkName(String name) {
        Objects.requireNonNull(name, "pipeline name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("pipeline name '" + name + "' is not allowed: use 1 to 63 letters,"
                    + " digits, '_', '.' or '-', starting with a letter or digit (it names files, rows and slots)");
        }
        return name;
    }

    @Override
    public String toString() {
        return "pipeline " + pipelineName + (exactlyOnce ? " (offsets in the sink, exactly once)" : "");
    }
}
