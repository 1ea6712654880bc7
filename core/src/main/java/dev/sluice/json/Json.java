package dev.sluice.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sluice's one JSON codec: a small, strict reader and writer of the JSON model, for the capture of row images, the
 * sinks' own records and custom sinks ({@link ChangeEventJson} builds on it). Not a general-purpose library: no
 * streaming, no binding, no options.
 *
 * <h2>The JSON model</h2>
 * {@link #parse(String)} returns, for each JSON value: a {@link Map Map&lt;String, Object&gt;} for an object (keys
 * in their order, a duplicate key refused), a {@link List} for an array, a {@link String}, a {@link BigDecimal}
 * for a number (exactly as written: {@code 2.50} keeps its scale, {@code 1e400} is not an infinity), a
 * {@link Boolean}, or {@code null}. The writers take the same, plus any other {@link Number} of the JDK
 * ({@code Short}, {@code Integer}, {@code Long}, {@code BigInteger}, finite {@code Float} and {@code Double}).
 *
 * <h2>Rules at the edges</h2>
 * <ul>
 *   <li>Numbers: JSON has no NaN or infinity, so a {@code Float} or {@code Double} that is not finite is refused
 *       with {@link IllegalArgumentException} (write it as a string, as {@link ChangeEventJson} does). A
 *       {@code BigDecimal} is written in plain notation ({@code toPlainString}), exactly.</li>
 *   <li>Strings: {@code "} and <code>&#92;</code> are escaped, control characters below U+0020 are written
 *       as <code>&#92;n</code>, <code>&#92;t</code>, … or <code>&#92;u00XX</code>; every other character is written as itself, so text is
 *       meant to be encoded as UTF-8, and characters beyond U+FFFF (4 bytes in UTF-8, a surrogate pair in Java)
 *       stay one character. A lone surrogate, which no character has and UTF-8 cannot encode, is written as a
 *       <code>&#92;uXXXX</code> escape so that the text stays valid UTF-8.</li>
 *   <li>Reading numbers: RFC 8259's grammar, except that leading zeros are accepted ({@code 0000} is 0), since
 *       MariaDB writes them.</li>
 *   <li>Reading: escaped surrogate pairs (<code>&#92;uD83D&#92;uDE00</code>) are joined into their character; a lone
 *       surrogate, escaped or not, is refused: read on, it would become a replacement character downstream.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class Json {

    /**
     * RFC 8259's number (no bare dot, no plus sign), except that leading zeros are read: MariaDB's
     * {@code JSON_OBJECT} writes a {@code YEAR} of 0 as {@code 0000}, and trigger capture reads what it writes.
     */
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON document into the JSON model (see the class description).
     *
     * @param text the JSON text, not null; whitespace around the value is allowed
     * @return a {@code Map}, {@code List}, {@code String}, {@code BigDecimal}, {@code Boolean}, or {@code null} for the
     *     JSON {@code null}
     * @throws IllegalArgumentException if the text is not exactly one JSON value; the message says where
     */
    public static Object parse(String text) {
        Json json = new Json(text);
        json.skipSpace();
        Object value = json.value();
        json.skipSpace();
        if (json.pos != text.length()) {
            throw json.error("unexpected text after the value");
        }
        return value;
    }

    /**
     * Writes a value of the JSON model as compact text: no space between tokens, numbers in plain notation.
     *
     * @param value a value of the JSON model; may be null (written as {@code null})
     * @return the compact JSON text
     * @throws IllegalArgumentException if the value holds anything but the JSON model (see the class description)
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, ",", ":");
        return out.toString();
    }

    /**
     * Writes a value of the JSON model as text in PostgreSQL's {@code jsonb} output style: {@code ": "} after keys,
     * {@code ", "} between elements, numbers in plain notation. Sources use it for JSON columns, so that a value
     * reads the same whichever way it was captured.
     *
     * @param value a value of the JSON model; may be null (written as {@code null})
     * @return the JSON text in {@code jsonb} style
     * @throws IllegalArgumentException if the value holds anything but the JSON model
     */
    public static String writeJsonbStyle(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, ", ", ": ");
        return out.toString();
    }

    /**
     * The JSON string literal of {@code text}, quotes included, escaped as the class description says.
     *
     * @param text any string, not null; lone surrogates are escaped
     * @return the quoted, escaped literal, e.g. {@code "a\"b"} for {@code a"b}
     */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        quote(text, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out, String comma, String colon) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(s, out);
        } else if (value instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON has no number " + value + ": write it as a string");
            }
            out.append(value);
        } else if (value instanceof Short || value instanceof Integer || value instanceof Long
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : comma);
                write(list.get(i), out, comma, colon);
            }
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("a JSON object's keys are strings, not " + e.getKey());
                }
                out.append(first ? "" : comma);
                first = false;
                quote(key, out);
                out.append(colon);
                write(e.getValue(), out, comma, colon);
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("not a JSON model value: " + value.getClass().getName());
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i)); // a character beyond U+FFFF: kept whole
                    } else if (Character.isSurrogate(c)) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("unexpected end of text");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || c >= '0' && c <= '9') {
                    return number();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> object() {
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a key");
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            if (map.put(key, value()) != null) {
                throw error("duplicate key '" + key + "'");
            }
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array() {
        pos++;
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return checkedSurrogates(out);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    int unit = 0;
                    for (int i = pos; i < pos + 4; i++) {
                        int digit = Character.digit(text.charAt(i), 16);
                        if (digit < 0) {
                            // Integer.parseInt would take a sign
                            throw error("bad \\u escape");
                        }
                        unit = unit * 16 + digit;
                    }
                    out.append((char) unit);
                    pos += 4;
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    /**
     * The string, if every surrogate in it is half of a pair. {@code \\uD83D\\uDE00} escapes (how some writers
     * spell a character beyond U+FFFF) are already joined, being two UTF-16 units in a row; a lone half has no
     * character to stand for, and writing it on would put a replacement character in the sinks, so it is refused.
     */
    private String checkedSurrogates(StringBuilder out) {
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < out.length() && Character.isLowSurrogate(out.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error(String.format("lone UTF-16 surrogate \\u%04X in a string (no character has it alone)",
                        (int) c));
            }
        }
        return out.toString();
    }

    private BigDecimal number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        while (pos < text.length() && "0123456789.eE+-".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        String token = text.substring(start, pos);
        if (!NUMBER.matcher(token).matches()) {
            throw error("bad number '" + token + "'");
        }
        return new BigDecimal(token);
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected word");
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String problem) {
        String near = text.substring(Math.max(0, pos - 20), Math.min(text.length(), pos + 20));
        return new IllegalArgumentException("bad JSON at character " + pos + ": " + problem + " (near '" + near + "')");
    }
}
