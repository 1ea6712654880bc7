package dev.sluice.source.mysql;

import dev.sluice.FatalException;
import dev.sluice.Interval;
import dev.sluice.TableId;
import dev.sluice.capture.SnapshotMode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The primary key of a table read in chunks: the text form of each key value (kept in the snapshot's progress), and
 * the keyset condition {@code (k1,..,kn) > (last key)} with the text forms bound back as typed parameters, so the
 * comparison is the server's own and exact for every key type.
 *
 * <p>Why typed: MySQL compares an integer or DECIMAL column with a string parameter as doubles (inexact past 2^53
 * and for most decimals); a DECIMAL is bound as {@code CAST(? AS DECIMAL(p,s))}, integers as integers, binary
 * strings as bytes (hex in the text), temporal values as the server's own text with all six fraction digits (a
 * TIMESTAMP in UTC, the session's zone). A string parameter takes the column's collation (the column's coercibility
 * wins), so a case- or accent-insensitive key compares as {@code ORDER BY} sorts it. ENUM and SET sort by their
 * numbers, so they are compared as {@code col+0} with the number. Immutable.
 */
final class ChunkKeys {

    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    private final TableId table;
    private final List<ColumnSpec> columns;

    ChunkKeys(TableId table, List<ColumnSpec> columns) {
        this.table = table;
        this.columns = List.copyOf(columns);
        for (ColumnSpec column : columns) {
            if (column.type() == MySqlType.GEOMETRY) {
                throw new FatalException("the primary key of " + table + " has the geometry column '" + column.name()
                        + "', which an incremental snapshot cannot page by. Fix: use SnapshotMode.INITIAL, or leave"
                        + " the table out of the filter");
            }
        }
    }

    /** The key columns of {@code def}, in key order. */
    static ChunkKeys of(InfoSchema.TableDef def) {
        List<ColumnSpec> key = new ArrayList<>();
        for (String name : def.key()) {
            key.add(def.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow());
        }
        return new ChunkKeys(def.id(), key);
    }

    /** {@code ORDER BY} of the key. */
    String orderBy() {
        StringBuilder sql = new StringBuilder();
        for (ColumnSpec column : columns) {
            sql.append(sql.length() == 0 ? "" : ", ").append(SnapshotReader.quote(column.name()));
        }
        return sql.toString();
    }

    /**
     * The condition "key after the bound one", as {@code k1 >= ?} (so the server ranges over the index) {@code AND
     * (k1 > ? OR k1 = ? AND k2 > ? OR ...)}; {@link #bind} fills its parameters from index 1.
     */
    String after() {
        StringBuilder any = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            StringBuilder term = new StringBuilder();
            for (int j = 0; j < i; j++) {
                term.append(expression(columns.get(j))).append(" = ").append(parameter(columns.get(j))).append(" AND ");
            }
            term.append(expression(columns.get(i))).append(" > ").append(parameter(columns.get(i)));
            any.append(i == 0 ? "" : " OR ").append(term);
        }
        ColumnSpec first = columns.get(0);
        return expression(first) + " >= " + parameter(first) + " AND (" + any + ")";
    }

    /**
     * The condition "key at most the bound one", as {@code k1 <= ?} {@code AND (k1 < ? OR k1 = ? AND k2 < ? OR ...
     * OR k1 = ? AND ... AND kn = ?)}; {@link #bindThrough} fills its parameters.
     */
    String through() {
        StringBuilder any = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            StringBuilder term = new StringBuilder();
            for (int j = 0; j < i; j++) {
                term.append(expression(columns.get(j))).append(" = ").append(parameter(columns.get(j))).append(" AND ");
            }
            term.append(expression(columns.get(i))).append(" < ").append(parameter(columns.get(i)));
            any.append(i == 0 ? "" : " OR ").append(term);
        }
        StringBuilder equal = new StringBuilder();
        for (ColumnSpec column : columns) {
            equal.append(equal.length() == 0 ? "" : " AND ").append(expression(column)).append(" = ")
                    .append(parameter(column));
        }
        ColumnSpec first = columns.get(0);
        return expression(first) + " <= " + parameter(first) + " AND (" + any + " OR " + equal + ")";
    }

    /**
     * Binds the parameters of {@link #through()} for the key whose text forms are {@code key}, from index
     * {@code index}; returns the index after them.
     */
    int bindThrough(PreparedStatement ps, List<String> key, int index) throws SQLException {
        checkSize(key);
        int next = bindRanges(ps, key, index);
        for (int i = 0; i < columns.size(); i++) {
            bindOne(ps, next++, i, key);
        }
        return next;
    }

    /** The key columns, in key order. */
    List<ColumnSpec> columns() {
        return columns;
    }

    /** How many parameters {@link #after()} has. */
    int afterParameters() {
        return 1 + columns.size() * (columns.size() + 1) / 2;
    }

    /** Binds the parameters of {@link #after()} for the key whose text forms are {@code key}. */
    void bind(PreparedStatement ps, List<String> key) throws SQLException {
        checkSize(key);
        bindRanges(ps, key, 1);
    }

    /** The parameters {@link #after()} and {@link #through()} share: the first column, then each term's. */
    private int bindRanges(PreparedStatement ps, List<String> key, int first) throws SQLException {
        int index = first;
        bindOne(ps, index++, 0, key);
        for (int i = 0; i < columns.size(); i++) {
            for (int j = 0; j <= i; j++) {
                bindOne(ps, index++, j, key);
            }
        }
        return index;
    }

    private void checkSize(List<String> key) {
        if (key.size() != columns.size()) {
            throw new FatalException("the snapshot progress of " + table + " holds a key of " + key.size()
                    + " values, but its primary key now has " + columns.size() + " columns (it changed while the"
                    + " pipeline was stopped). Fix: delete this pipeline's stored offset to take a new snapshot");
        }
    }

    private void bindOne(PreparedStatement ps, int index, int column, List<String> key) throws SQLException {
        ColumnSpec spec = columns.get(column);
        String text = key.get(column);
        try {
            switch (spec.type()) {
                case TINYINT, SMALLINT, MEDIUMINT, INT, YEAR -> ps.setLong(index, Long.parseLong(text));
                case BIGINT -> {
                    if (spec.unsigned()) {
                        ps.setBigDecimal(index, new BigDecimal(text));
                    } else {
                        ps.setLong(index, Long.parseLong(text));
                    }
                }
                case DECIMAL, BIT -> ps.setBigDecimal(index, new BigDecimal(text));
                case FLOAT, DOUBLE -> ps.setDouble(index, Double.parseDouble(text));
                case BINARY, VARBINARY, TINYBLOB, BLOB, MEDIUMBLOB, LONGBLOB -> ps.setBytes(index,
                        HexFormat.of().parseHex(text));
                case ENUM -> ps.setLong(index, enumIndex(spec, text));
                case SET -> ps.setLong(index, setMask(spec, text));
                default -> ps.setString(index, text); // strings (the column's collation), temporal text
            }
        } catch (IllegalArgumentException e) {
            throw new FatalException("the snapshot progress of " + table + " holds '" + text + "' for key column '"
                    + spec.name() + "' (" + spec.sourceType() + "), which is not a value of it (the column changed"
                    + " while the pipeline was stopped). Fix: delete this pipeline's stored offset to take a new"
                    + " snapshot", e);
        }
    }

    private String expression(ColumnSpec spec) {
        String quoted = SnapshotReader.quote(spec.name());
        return spec.type() == MySqlType.ENUM || spec.type() == MySqlType.SET ? "(" + quoted + " + 0)" : quoted;
    }

    private static String parameter(ColumnSpec spec) {
        return spec.type() == MySqlType.DECIMAL
                ? "CAST(? AS DECIMAL(" + spec.precision() + "," + spec.scale() + "))" : "?";
    }

    /**
     * The text forms of a row's key values (as the snapshot reader and the binlog give them).
     *
     * @param values the key values, in key order
     */
    List<String> text(Object[] values) {
        List<String> texts = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            ColumnSpec spec = columns.get(i);
            Object value = values[i];
            if (value == null) {
                throw new FatalException("key column '" + spec.name() + "' of " + table + " holds a value that has"
                        + " no Java value (a zero date), which an incremental snapshot cannot page by. Fix: update"
                        + " the zero dates, or use SnapshotMode.INITIAL");
            }
            texts.add(text(spec, value));
        }
        return texts;
    }

    private static String text(ColumnSpec spec, Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof byte[] bytes) {
            return spec.type() == MySqlType.BIT ? new BigInteger(1, bytes).toString() : HexFormat.of().formatHex(bytes);
        }
        if (value instanceof Boolean bool) {
            return bool ? "1" : "0";
        }
        if (value instanceof LocalDateTime time) {
            return MICROS.format(time);
        }
        if (value instanceof Instant instant) {
            return MICROS.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
        if (value instanceof Interval interval) {
            return time(interval.micros());
        }
        if (value instanceof Float f) {
            return Double.toString(f.doubleValue());
        }
        return value.toString(); // integers, doubles, dates (ISO), strings, enum and set labels
    }

    private static String time(long micros) {
        long abs = Math.abs(micros);
        long seconds = abs / 1_000_000;
        return String.format("%s%d:%02d:%02d.%06d", micros < 0 ? "-" : "", seconds / 3600, seconds / 60 % 60,
                seconds % 60, abs % 1_000_000);
    }

    private static long enumIndex(ColumnSpec spec, String text) {
        int index = spec.labels().indexOf(text);
        if (index < 0 && !text.isEmpty()) {
            throw new IllegalArgumentException("no label " + text);
        }
        return index + 1; // the error value '' is 0
    }

    private static long setMask(ColumnSpec spec, String text) {
        long mask = 0;
        if (!text.isEmpty()) {
            for (String label : text.split(",", -1)) {
                int index = spec.labels().indexOf(label);
                if (index < 0) {
                    throw new IllegalArgumentException("no label " + label);
                }
                mask |= 1L << index;
            }
        }
        return mask;
    }
}
