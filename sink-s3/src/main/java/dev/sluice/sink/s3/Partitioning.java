package dev.sluice.sink.s3;

import dev.sluice.ChangeEvent;
import dev.sluice.Row;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * How the {@link ParquetSink} splits a table's files into Hive-style partition folders.
 *
 * <ul>
 *   <li>{@link #DAY} (the default): {@code _date=2024-05-31}, the UTC date of the event's source commit time;</li>
 *   <li>{@link #HOUR}: {@code _date=2024-05-31/_hour=07}, likewise;</li>
 *   <li>{@link #NONE}: no partition folder;</li>
 *   <li>{@link #column(String)}: {@code _<column>=<value>}, the value of a column of the row (the after image, or
 *       the before image of a delete). A null value, or a table without that column, goes to
 *       {@code _<column>=__HIVE_DEFAULT_PARTITION__}, as Hive writes it.</li>
 * </ul>
 *
 * <p>Partition names start with {@code _}, as the metadata columns do, so that a reader with Hive partitioning (DuckDB,
 * Spark) never shadows a table column by a partition of the same name: a table column named like a partition
 * ({@code _date}, {@code _hour}, {@code _<column>}) is refused with a fix. Values are written as text, with characters other than letters, digits, {@code .}, {@code _} and {@code -}
 * escaped as {@code %XX} (UTF-8), so every value makes one safe path segment. Immutable and thread-safe.
 */
public final class Partitioning {

    /** By the UTC date of the source commit time: {@code _date=YYYY-MM-DD}. */
    public static final Partitioning DAY = new Partitioning(Kind.DAY, null);
    /** By the UTC date and hour of the source commit time: {@code _date=YYYY-MM-DD/_hour=HH}. */
    public static final Partitioning HOUR = new Partitioning(Kind.HOUR, null);
    /** No partitions: every file of a table lies in the table's folder. */
    public static final Partitioning NONE = new Partitioning(Kind.NONE, null);

    static final String DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";
    static final String DATE = "_date";
    static final String HOUR_NAME = "_hour";

    private enum Kind { DAY, HOUR, NONE, COLUMN }

    private final Kind kind;
    private final String column;

    private Partitioning(Kind kind, String column) {
        this.kind = kind;
        this.column = column;
    }

    /**
     * By the value of the named column.
     *
     * @param name the column's name as the source reports it, not null or empty
     * @return the partitioning by that column
     * @throws IllegalArgumentException if the name is empty
     */
    public static Partitioning column(String name) {
        Objects.requireNonNull(name, "column name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a partition column name must not be empty");
        }
        return new Partitioning(Kind.COLUMN, name);
    }

    /** What {@link #bucket} returns when only {@link #path} can tell an event's partition. */
    static final long NO_BUCKET = Long.MIN_VALUE;

    /**
     * A number that is equal for two events of one table exactly when their partition paths are equal, computed
     * without building the path; {@link #NO_BUCKET} for column partitioning.
     */
    long bucket(ChangeEvent event) {
        return switch (kind) {
            case NONE -> 0;
            case DAY -> Math.floorDiv(event.commitTime().getEpochSecond(), 86_400);
            case HOUR -> Math.floorDiv(event.commitTime().getEpochSecond(), 3_600);
            case COLUMN -> NO_BUCKET;
        };
    }

    /** The partition path of an event (empty for {@link #NONE}), without leading or trailing slash. */
    String path(ChangeEvent event) {
        switch (kind) {
            case NONE:
                return "";
            case DAY:
            case HOUR:
                ZonedDateTime time = event.commitTime().atZone(ZoneOffset.UTC);
                String date = DATE + "=" + time.toLocalDate();
                return kind == Kind.DAY ? date : date + "/" + HOUR_NAME + String.format("=%02d", time.getHour());
            default:
                int index = event.schema().indexOf(column);
                Row row = event.row();
                Object value = index < 0 || row == null ? null : row.get(index);
                return names().get(0) + "=" + (value == null ? DEFAULT_PARTITION : Keys.segment(text(value)));
        }
    }

    /**
     * The names of the partition folders' keys, which readers with Hive partitioning see as columns: a table
     * column must not have one of these names.
     */
    List<String> names() {
        return switch (kind) {
            case NONE -> List.of();
            case DAY -> List.of(DATE);
            case HOUR -> List.of(DATE, HOUR_NAME);
            // the leading '_' is ours, not part of the name: Keys.segment would escape it
            case COLUMN -> List.of("_" + Keys.segment(column));
        };
    }

    private static String text(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        return value.toString();
    }

    @Override
    public String toString() {
        return kind == Kind.COLUMN ? "column(" + column + ")" : kind.name();
    }
}
