package dev.sluice.source.postgres;

import dev.sluice.Column;
import dev.sluice.Schema;
import dev.sluice.Type;
import dev.sluice.capture.JsonValues;
import java.util.List;
import java.util.UUID;

/**
 * The row images of PostgreSQL timestamp and trigger capture: a JSON object of every column's <em>text form</em>
 * ({@code col::text}, under the log source's output settings), decoded with the log source's own parsers. The text
 * form is what pgoutput sends, so every type reads exactly as the log source reads it: {@code infinity}, BC and
 * far-future dates, NaN floats, composites and ranges as their literals, {@code json} as written, and a JSON
 * {@code null} apart from SQL NULL. Stateless.
 */
final class PostgresCaptureValues {

    /** The session settings the text forms are written under (the log source's, see {@link Connector}). */
    static final List<String> SETTINGS = List.of("intervalstyle = 'iso_8601'", "bytea_output = 'hex'",
            "extra_float_digits = 3", "datestyle = 'ISO, MDY'");

    /** {@code jsonb_build_object} takes at most 100 arguments: 50 columns per call. */
    private static final int COLUMNS_PER_CALL = 50;

    private PostgresCaptureValues() {}

    /** A {@code jsonb} expression of the row's text forms; {@code alias} reaches the columns (a table alias, NEW). */
    static String image(PostgresCaptureDialect d, Schema schema, String alias) {
        if (schema.size() == 0) {
            return "jsonb_build_object()";
        }
        StringBuilder sql = new StringBuilder("(");
        for (int i = 0; i < schema.size(); i++) {
            if (i % COLUMNS_PER_CALL == 0) {
                sql.append(i == 0 ? "" : ") || ").append("jsonb_build_object(");
            } else {
                sql.append(", ");
            }
            String name = schema.column(i).name();
            // format's %L writes the type's output (a ::text cast may differ: true, unpadded char(n), inet) as a
            // literal, and NULL as NULL, so SQL NULL stays apart from a JSON null or an all-NULL composite
            sql.append(PostgresCaptureDialect.literal(name)).append(", format('%L', ").append(alias).append('.')
                    .append(d.quote(name)).append(')');
        }
        return sql.append("))").toString();
    }

    /** The value of one column's text form (or, for images written before text forms, its JSON value). */
    static Object decode(Object json, Column column) {
        if (json == null) {
            return null;
        }
        if (!(json instanceof String literal)) {
            return JsonValues.decode(json, column);
        }
        String text = unquote(literal);
        return text == null ? null : parser(column.type()).parse(text, column.name());
    }

    /** The text of a literal {@code format('%L', ...)} wrote: {@code NULL}, {@code 'it''s'} or {@code E'a\\b'}. */
    static String unquote(String literal) {
        if (literal.equals("NULL")) {
            return null;
        }
        boolean escaped = literal.startsWith("E'");
        int start = escaped ? 2 : 1;
        if (literal.length() < start + 1 || literal.charAt(start - 1) != '\'' || !literal.endsWith("'")) {
            // images written before text forms held to_jsonb's strings
            return literal;
        }
        StringBuilder text = new StringBuilder(literal.length());
        for (int i = start; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            text.append(c);
            if ((c == '\'' || escaped && c == '\\') && i + 1 < literal.length() - 1 && literal.charAt(i + 1) == c) {
                i++;
            }
        }
        return text.toString();
    }

    private static ValueParser parser(Type type) {
        switch (type.kind()) {
            case BOOLEAN: return (t, c) -> PgText.parseBoolean(t);
            case BYTES: return (t, c) -> PgText.parseBytea(t);
            case INT16: return (t, c) -> Short.valueOf(t);
            case INT32: return (t, c) -> Integer.valueOf(t);
            case INT64: return (t, c) -> Long.valueOf(t);
            case FLOAT32: return (t, c) -> Float.valueOf(t);
            case FLOAT64: return (t, c) -> Double.valueOf(t);
            case DECIMAL: return TypeResolver::parseNumeric;
            case UUID: return (t, c) -> UUID.fromString(t);
            case DATE: return (t, c) -> PgText.parseDate(t);
            case TIME: return (t, c) -> PgText.parseTime(t);
            case TIMESTAMP: return (t, c) -> PgText.parseTimestamp(iso(t));
            case TIMESTAMP_TZ: return (t, c) -> PgText.parseTimestampTz(iso(t));
            case INTERVAL: return (t, c) -> PgText.parseInterval(t);
            case ARRAY: {
                ValueParser element = parser(type.elementType());
                return (t, c) -> PgArrays.parse(t, c, element);
            }
            default:
                // text, json, enum, and what has no logical type: the text form itself, as the log source has it
                return (t, c) -> t;
        }
    }

    /** Images written before text forms held {@code to_jsonb}'s {@code 2024-01-01T10:00:00}. */
    private static String iso(String text) {
        return text.length() > 10 && text.charAt(10) == 'T' ? text.substring(0, 10) + ' ' + text.substring(11)
                : text;
    }
}
