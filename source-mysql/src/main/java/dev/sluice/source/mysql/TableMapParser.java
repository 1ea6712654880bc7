package dev.sluice.source.mysql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reads the body of a TABLE_MAP event by the server's layout (MySQL's {@code Table_map_event}, which MariaDB
 * follows), optional metadata included, without the connector library's parser: that one decodes names with the
 * JVM's default charset and hands back the per-kind lists unassigned.
 *
 * <p>Optional metadata fields are lists over one kind of column each, in column order: SIGNEDNESS over numeric
 * columns, DEFAULT_CHARSET and COLUMN_CHARSET over character columns, ENUM_STR_VALUE and SET_STR_VALUE over ENUM
 * and SET columns, ENUM_AND_SET_*_CHARSET over both together, GEOMETRY_TYPE over GEOMETRY columns. The kinds are
 * the server's own ({@code is_numeric_type}, {@code is_character_type}, {@code is_enum_or_set_type} of
 * {@code log_event}): numeric = TINY, SHORT, INT24, LONG, LONGLONG, FLOAT, DOUBLE, NEWDECIMAL, and on MariaDB also
 * YEAR (seen on MariaDB 10.11: its signedness bit is there, set); character = STRING
 * (a CHAR or BINARY, not an ENUM or SET in disguise), VARCHAR, VAR_STRING, BLOB (every TEXT and BLOB) and
 * GEOMETRY (whose base class is BLOB: it has the charset {@code binary}). Each list's length is checked against its
 * kind's count, so a walk that counts the wrong kind fails loudly instead of shifting values onto other columns.
 * Fields of unknown type are skipped by their length. Stateless.
 */
final class TableMapParser {

    // binlog column type codes (MySQL's enum_field_types)
    static final int TINY = 1;
    static final int SHORT = 2;
    static final int LONG = 3;
    static final int FLOAT = 4;
    static final int DOUBLE = 5;
    static final int LONGLONG = 8;
    static final int INT24 = 9;
    static final int YEAR = 13;
    static final int VARCHAR = 15;
    static final int BIT = 16;
    static final int TIMESTAMP2 = 17;
    static final int DATETIME2 = 18;
    static final int TIME2 = 19;
    static final int JSON = 245;
    static final int NEWDECIMAL = 246;
    static final int ENUM = 247;
    static final int SET = 248;
    static final int BLOB = 252;
    static final int VAR_STRING = 253;
    static final int STRING = 254;
    static final int GEOMETRY = 255;

    // optional metadata field types
    private static final int SIGNEDNESS = 1;
    private static final int DEFAULT_CHARSET = 2;
    private static final int COLUMN_CHARSET = 3;
    private static final int COLUMN_NAME = 4;
    private static final int SET_STR_VALUE = 5;
    private static final int ENUM_STR_VALUE = 6;
    private static final int GEOMETRY_TYPE = 7;
    private static final int SIMPLE_PRIMARY_KEY = 8;
    private static final int PRIMARY_KEY_WITH_PREFIX = 9;
    private static final int ENUM_AND_SET_DEFAULT_CHARSET = 10;
    private static final int ENUM_AND_SET_COLUMN_CHARSET = 11;
    private static final int COLUMN_VISIBILITY = 12;

    private enum Kind { NUMERIC, CHARACTER, ENUM, SET, GEOMETRY, OTHER }

    private TableMapParser() {}

    /**
     * Parses a TABLE_MAP event's body (post-header and payload, without the checksum).
     *
     * @throws IOException if the body is shorter than its layout, or a metadata list does not match its columns
     */
    static TableMap parse(byte[] body, boolean mariaDb) throws IOException {
        Reader in = new Reader(body);
        long tableId = in.fixed(6);
        in.fixed(2); // flags
        String database = in.name();
        String table = in.name();
        int count = (int) in.packed();
        byte[] types = in.bytes(count);
        int metadataLength = (int) in.packed();
        int metadataEnd = in.pos + metadataLength;
        int[] metadata = new int[count];
        for (int i = 0; i < count; i++) {
            metadata[i] = switch (types[i] & 0xFF) {
                case FLOAT, DOUBLE, BLOB, GEOMETRY, JSON, TIME2, DATETIME2, TIMESTAMP2 -> (int) in.fixed(1);
                case VARCHAR, VAR_STRING, BIT, NEWDECIMAL -> (int) in.fixed(2);
                case STRING, ENUM, SET -> (int) in.bigEndian2();
                default -> 0;
            };
        }
        if (in.pos != metadataEnd) {
            throw new IOException("TABLE_MAP of " + database + "." + table + ": column metadata is " + metadataLength
                    + " bytes, the column types account for " + (in.pos - metadataEnd + metadataLength));
        }
        BitSet nullable = in.bitmap(count, false);
        Kind[] kinds = new Kind[count];
        for (int i = 0; i < count; i++) {
            kinds[i] = kind(types[i] & 0xFF, metadata[i], mariaDb);
        }
        TableMap map = new TableMap(optional(in, kinds, database + "." + table));
        map.setTableId(tableId);
        map.setDatabase(database);
        map.setTable(table);
        map.setColumnTypes(types);
        map.setColumnMetadata(metadata);
        map.setColumnNullability(nullable);
        return map;
    }

    private static Kind kind(int type, int meta, boolean mariaDb) {
        int real = type;
        if (type == STRING && meta >= 256) {
            real = meta >> 8;
        }
        return switch (real) {
            case TINY, SHORT, INT24, LONG, LONGLONG, FLOAT, DOUBLE, NEWDECIMAL -> Kind.NUMERIC;
            case ENUM -> Kind.ENUM;
            case SET -> Kind.SET;
            case GEOMETRY -> Kind.GEOMETRY;
            // MariaDB gives signedness to every integer field class, and YEAR is one (always UNSIGNED); MySQL's
            // is_numeric_type leaves it out
            case YEAR -> mariaDb ? Kind.NUMERIC : Kind.OTHER;
            case BLOB, VARCHAR, VAR_STRING -> Kind.CHARACTER;
            // a CHAR longer than 255 bytes keeps length bits in the real type byte: still a CHAR
            default -> type == STRING ? Kind.CHARACTER : Kind.OTHER;
        };
    }

    private static TableMap.Columns optional(Reader in, Kind[] kinds, String table) throws IOException {
        int count = kinds.length;
        int[] numeric = indexes(kinds, Kind.NUMERIC);
        // GEOMETRY counts as a character column (charset binary): the server's is_character_type includes it
        int[] character = indexes(kinds, Kind.CHARACTER, Kind.GEOMETRY);
        int[] enums = indexes(kinds, Kind.ENUM);
        int[] sets = indexes(kinds, Kind.SET);
        int[] enumsAndSets = indexes(kinds, Kind.ENUM, Kind.SET);
        int[] geometries = indexes(kinds, Kind.GEOMETRY);
        List<String> names = null;
        boolean[] unsigned = new boolean[count];
        int[] collations = filled(count);
        int[] enumSetCollations = filled(count);
        byte[][][] labels = new byte[count][][];
        int[] geometryTypes = filled(count);
        List<Integer> key = List.of();
        boolean[] hidden = new boolean[count];
        while (in.remaining() > 0) {
            int field = (int) in.fixed(1);
            int length = (int) in.packed();
            Reader value = in.slice(length);
            switch (field) {
                case SIGNEDNESS -> {
                    BitSet bits = value.bitmap(numeric.length, true);
                    for (int n = 0; n < numeric.length; n++) {
                        unsigned[numeric[n]] = bits.get(n);
                    }
                }
                case DEFAULT_CHARSET -> charsets(value, character, collations, true, "DEFAULT_CHARSET", table);
                case COLUMN_CHARSET -> charsets(value, character, collations, false, "COLUMN_CHARSET", table);
                case ENUM_AND_SET_DEFAULT_CHARSET -> charsets(value, enumsAndSets, enumSetCollations, true,
                        "ENUM_AND_SET_DEFAULT_CHARSET", table);
                case ENUM_AND_SET_COLUMN_CHARSET -> charsets(value, enumsAndSets, enumSetCollations, false,
                        "ENUM_AND_SET_COLUMN_CHARSET", table);
                case COLUMN_NAME -> {
                    names = new ArrayList<>(count);
                    while (value.remaining() > 0) {
                        names.add(new String(value.bytes((int) value.packed()), StandardCharsets.UTF_8));
                    }
                    expect(names.size(), count, "COLUMN_NAME", "columns", table);
                }
                case SET_STR_VALUE -> labels(value, sets, labels, "SET_STR_VALUE", table);
                case ENUM_STR_VALUE -> labels(value, enums, labels, "ENUM_STR_VALUE", table);
                case GEOMETRY_TYPE -> {
                    int n = 0;
                    while (value.remaining() > 0) {
                        int code = (int) value.packed();
                        if (n < geometries.length) {
                            geometryTypes[geometries[n]] = code;
                        }
                        n++;
                    }
                    expect(n, geometries.length, "GEOMETRY_TYPE", "GEOMETRY columns", table);
                }
                case SIMPLE_PRIMARY_KEY -> {
                    List<Integer> k = new ArrayList<>();
                    while (value.remaining() > 0) {
                        k.add(column((int) value.packed(), count, "SIMPLE_PRIMARY_KEY", table));
                    }
                    key = List.copyOf(k);
                }
                case PRIMARY_KEY_WITH_PREFIX -> {
                    List<Integer> k = new ArrayList<>();
                    while (value.remaining() > 0) {
                        k.add(column((int) value.packed(), count, "PRIMARY_KEY_WITH_PREFIX", table));
                        value.packed(); // the prefix length: the whole column is still the key's value
                    }
                    key = List.copyOf(k);
                }
                case COLUMN_VISIBILITY -> {
                    BitSet bits = value.bitmap(count, true);
                    for (int i = 0; i < count; i++) {
                        hidden[i] = !bits.get(i);
                    }
                }
                default -> {
                    // a field of a later server version: its length lets us step over it
                }
            }
        }
        return new TableMap.Columns(names, unsigned, collations, enumSetCollations, labels, geometryTypes, key,
                hidden);
    }

    /** DEFAULT_CHARSET (a default and exceptions by position in the kind) or COLUMN_CHARSET (one per column). */
    private static void charsets(Reader value, int[] columns, int[] out, boolean withDefault, String field,
            String table) throws IOException {
        if (withDefault) {
            int fallback = (int) value.packed();
            for (int column : columns) {
                out[column] = fallback;
            }
            while (value.remaining() > 0) {
                int n = (int) value.packed();
                int collation = (int) value.packed();
                if (n >= columns.length) {
                    throw new IOException("TABLE_MAP of " + table + ": " + field + " names the " + (n + 1)
                            + "th column of its kind, but the table has " + columns.length);
                }
                out[columns[n]] = collation;
            }
            return;
        }
        int n = 0;
        while (value.remaining() > 0) {
            int collation = (int) value.packed();
            if (n < columns.length) {
                out[columns[n]] = collation;
            }
            n++;
        }
        expect(n, columns.length, field, "columns of its kind", table);
    }

    private static void labels(Reader value, int[] columns, byte[][][] out, String field, String table)
            throws IOException {
        int n = 0;
        while (value.remaining() > 0) {
            byte[][] list = new byte[(int) value.packed()][];
            for (int j = 0; j < list.length; j++) {
                list[j] = value.bytes((int) value.packed());
            }
            if (n < columns.length) {
                out[columns[n]] = list;
            }
            n++;
        }
        expect(n, columns.length, field, "columns of its kind", table);
    }

    private static int column(int index, int count, String field, String table) throws IOException {
        if (index >= count) {
            throw new IOException("TABLE_MAP of " + table + ": " + field + " names column " + index + " of " + count);
        }
        return index;
    }

    private static void expect(int found, int wanted, String field, String what, String table) throws IOException {
        if (found != wanted) {
            throw new IOException("TABLE_MAP of " + table + ": " + field + " has " + found + " entries for " + wanted
                    + " " + what);
        }
    }

    private static int[] indexes(Kind[] kinds, Kind... wanted) {
        List<Kind> set = Arrays.asList(wanted);
        return IntStream.range(0, kinds.length).filter(i -> set.contains(kinds[i])).toArray();
    }

    private static int[] filled(int count) {
        int[] values = new int[count];
        Arrays.fill(values, TableMap.NONE);
        return values;
    }

    /** Little-endian reads over a part of the body. */
    private static final class Reader {
        private final byte[] body;
        private final int end;
        private int pos;

        Reader(byte[] body) {
            this(body, 0, body.length);
        }

        private Reader(byte[] body, int pos, int end) {
            this.body = body;
            this.pos = pos;
            this.end = end;
        }

        int remaining() {
            return end - pos;
        }

        private void need(int n) throws IOException {
            if (n < 0 || n > end - pos) {
                throw new IOException("TABLE_MAP event ends early: " + n + " more bytes expected at " + pos
                        + ", " + (end - pos) + " left");
            }
        }

        long fixed(int n) throws IOException {
            need(n);
            long value = 0;
            for (int i = n - 1; i >= 0; i--) {
                value = value << 8 | (body[pos + i] & 0xFF);
            }
            pos += n;
            return value;
        }

        long bigEndian2() throws IOException {
            need(2);
            long value = (body[pos] & 0xFF) << 8 | (body[pos + 1] & 0xFF);
            pos += 2;
            return value;
        }

        /** A length-encoded integer. */
        long packed() throws IOException {
            int first = (int) fixed(1);
            return switch (first) {
                case 252 -> fixed(2);
                case 253 -> fixed(3);
                case 254 -> fixed(8);
                default -> {
                    if (first > 250) {
                        throw new IOException("bad length-encoded integer " + first + " in a TABLE_MAP event");
                    }
                    yield first;
                }
            };
        }

        byte[] bytes(int n) throws IOException {
            need(n);
            byte[] value = Arrays.copyOfRange(body, pos, pos + n);
            pos += n;
            return value;
        }

        /** A name: its length byte, its UTF-8 bytes (identifiers are utf8 on the server), a zero byte. */
        String name() throws IOException {
            int length = (int) fixed(1);
            String name = new String(bytes(length), StandardCharsets.UTF_8);
            fixed(1);
            return name;
        }

        /** A bitmap of {@code bits} bits; optional metadata puts bit 0 in the high bit, the null bitmap in the low. */
        BitSet bitmap(int bits, boolean highBitFirst) throws IOException {
            byte[] bytes = bytes((bits + 7) / 8);
            BitSet set = new BitSet(bits);
            for (int i = 0; i < bits; i++) {
                int b = bytes[i / 8] & 0xFF;
                if ((b & (highBitFirst ? 0x80 >> (i % 8) : 1 << (i % 8))) != 0) {
                    set.set(i);
                }
            }
            return set;
        }

        Reader slice(int n) throws IOException {
            need(n);
            Reader slice = new Reader(body, pos, pos + n);
            pos += n;
            return slice;
        }
    }
}
