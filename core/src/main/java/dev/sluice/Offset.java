package dev.sluice;

/**
 * A position in a source's stream of changes: an LSN, a binlog file and position, a resume token, a timestamp
 * cursor, a snapshot's progress. Each source has its own offset type.
 *
 * <p>An offset names a point <em>after</em> an event: resuming a source from offset {@code o} delivers exactly the
 * changes after {@code o}, none at or before it. This is what lets a pipeline restart without loss and without
 * redoing committed work.
 *
 * <p>Implementations are immutable values, thread-safe, with value-based {@code equals} and {@code hashCode}.
 *
 * <h2>Text form</h2>
 * Offsets are stored as text by an {@link OffsetStore}. {@link #encode()} gives that text and the source's
 * {@link Source#decodeOffset(String)} reads it back: {@code source.decodeOffset(o.encode()).equals(o)} holds. The
 * text should start with a short tag naming the source (for example {@code pg:}) so that an offset written by
 * another source is recognised and refused, never misread; it must stay readable by later versions.
 */
public interface Offset {

    /**
     * The stable text form of this offset, for storage.
     *
     * @return the text {@link Source#decodeOffset(String)} reads back into an equal offset; never null
     */
    String encode();

    /**
     * True if every change at or before {@code other} is at or before this offset: once this offset is committed,
     * nothing up to {@code other} is left to capture. Used to decide when a pipeline has caught up.
     *
     * @return true if this offset is at or after {@code other}
     * @param other an offset of the same source
     * @throws IllegalArgumentException if {@code other} belongs to another kind of source
     */
    boolean covers(Offset other);
}
