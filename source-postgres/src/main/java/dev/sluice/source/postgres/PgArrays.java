package dev.sluice.source.postgres;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses a one-dimensional PostgreSQL array literal such as {@code {1,NULL,"a b","x\"y"}}: elements are separated
 * by commas, quoted with double quotes when they contain special characters (with backslash escapes inside), and
 * an unquoted {@code NULL} is a null element. Multi-dimensional arrays and arrays with explicit bounds
 * ({@code [0:1]={...}}) have no faithful core representation and are refused.
 */
final class PgArrays {

    private PgArrays() {}

    static List<Object> parse(String text, String column, ValueParser element) {
        if (text.isEmpty() || text.charAt(0) != '{' || text.charAt(text.length() - 1) != '}') {
            throw new IllegalArgumentException("column '" + column + "': only one-dimensional arrays with the default"
                    + " lower bound 1 can be captured, got '" + abbreviate(text) + "'");
        }
        List<Object> values = new ArrayList<>();
        int i = 1;
        int end = text.length() - 1;
        if (i == end) {
            return Collections.unmodifiableList(values);
        }
        StringBuilder current = new StringBuilder();
        while (i <= end) {
            char c = text.charAt(i);
            if (c == '{') {
                throw new IllegalArgumentException("column '" + column + "': multi-dimensional arrays cannot be"
                        + " captured, got '" + abbreviate(text) + "'");
            }
            current.setLength(0);
            boolean quoted = c == '"';
            if (quoted) {
                i++;
                while (text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\') {
                        i++;
                    }
                    current.append(text.charAt(i++));
                }
                i++; // the closing quote
            } else {
                while (i < end && text.charAt(i) != ',') {
                    current.append(text.charAt(i++));
                }
            }
            String item = current.toString();
            values.add(!quoted && item.equals("NULL") ? null : element.parse(item, column));
            if (i < end && text.charAt(i) != ',') {
                throw new IllegalArgumentException("column '" + column + "': malformed array '" + abbreviate(text) + "'");
            }
            i++; // the comma, or past the end
        }
        return Collections.unmodifiableList(values);
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "…";
    }
}
