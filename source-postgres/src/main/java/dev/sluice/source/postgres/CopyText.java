package dev.sluice.source.postgres;

import dev.sluice.TableId;
import java.nio.charset.StandardCharsets;

/**
 * Splits one row of {@code COPY … TO STDOUT} text format into its fields: tab-separated, {@code \N} for NULL, and
 * backslash escapes ({@code \\}, {@code \t}, {@code \n}, {@code \r}, {@code \b}, {@code \f}, {@code \v}, octal
 * {@code \NNN} and hex {@code \xHH}) undone, so each field is exactly the text the type's output function wrote.
 * The escapes are all ASCII and UTF-8 continuation bytes never are, so unescaping works on bytes.
 */
final class CopyText {

    private CopyText() {}

    /**
     * The fields of a row (with or without its final newline) as strings, null for NULL.
     *
     * @throws IllegalStateException if the row does not have {@code columns} fields
     */
    static Object[] fields(byte[] line, int columns, TableId table) {
        int end = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
        Object[] fields = new Object[columns];
        if (columns == 0) {
            if (end != 0) {
                throw mismatch(table, columns, line);
            }
            return fields;
        }
        int start = 0;
        for (int i = 0; i < columns; i++) {
            int stop = start;
            boolean escaped = false;
            while (stop < end && line[stop] != '\t') {
                if (line[stop] == '\\') {
                    escaped = true;
                    stop++; // the escaped byte is never a separator
                }
                stop++;
            }
            stop = Math.min(stop, end);
            if (i < columns - 1 ? stop >= end : stop != end) {
                throw mismatch(table, columns, line);
            }
            if (stop - start == 2 && line[start] == '\\' && line[start + 1] == 'N') {
                fields[i] = null;
            } else {
                fields[i] = escaped ? unescape(line, start, stop)
                        : new String(line, start, stop - start, StandardCharsets.UTF_8);
            }
            start = stop + 1;
        }
        return fields;
    }

    private static String unescape(byte[] line, int start, int stop) {
        byte[] out = new byte[stop - start];
        int n = 0;
        for (int i = start; i < stop; i++) {
            byte b = line[i];
            if (b != '\\' || i + 1 >= stop) {
                out[n++] = b;
                continue;
            }
            byte c = line[++i];
            switch (c) {
                case 'b' -> out[n++] = '\b';
                case 'f' -> out[n++] = '\f';
                case 'n' -> out[n++] = '\n';
                case 'r' -> out[n++] = '\r';
                case 't' -> out[n++] = '\t';
                case 'v' -> out[n++] = 0x0b;
                case 'x' -> {
                    int value = 0;
                    int digits = 0;
                    while (digits < 2 && i + 1 < stop && Character.digit(line[i + 1], 16) >= 0) {
                        value = value * 16 + Character.digit(line[++i], 16);
                        digits++;
                    }
                    out[n++] = digits == 0 ? (byte) 'x' : (byte) value;
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int value = c - '0';
                        for (int digits = 1; digits < 3 && i + 1 < stop && line[i + 1] >= '0' && line[i + 1] <= '7'; digits++) {
                            value = value * 8 + (line[++i] - '0');
                        }
                        out[n++] = (byte) value;
                    } else {
                        out[n++] = c; // \\ and any other escaped byte stand for themselves
                    }
                }
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static IllegalStateException mismatch(TableId table, int columns, byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8).strip();
        return new IllegalStateException("a COPY row of " + table + " does not have its " + columns + " columns: '"
                + (text.length() > 200 ? text.substring(0, 200) + "…" : text) + "'");
    }
}
