package dev.sluice.internal;

import dev.sluice.TableId;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The text of the signals a pipeline reads from its offset store. One kind so far, a backfill:
 *
 * <pre>
 * backfill
 * namespace=public
 * name=orders
 * condition=updated_at+%3E+%272026-01-01%27
 * </pre>
 *
 * The first line names the kind; then {@code key=value} lines, values URL-encoded; {@code condition} is optional.
 * Also checks a backfill's arguments, for requests made in process and by signal alike.
 */
public final class SignalText {

    /** The first line of a backfill signal. */
    static final String BACKFILL = "backfill";

    private SignalText() {}

    /** A backfill request: the table, and its condition or null. */
    record Backfill(TableId table, String condition) {}

    /**
     * The text of a backfill signal; checks the arguments as {@link #checkBackfill} does.
     *
     * @param table the table to backfill, not null
     * @param condition the row condition, or null for every row
     * @return the signal's text, which the engine parses back
     */
    public static String backfill(TableId table, String condition) {
        checkBackfill(table, condition);
        StringBuilder text = new StringBuilder(BACKFILL).append('\n')
                .append("namespace=").append(encode(table.namespace())).append('\n')
                .append("name=").append(encode(table.name())).append('\n');
        if (condition != null) {
            text.append("condition=").append(encode(condition)).append('\n');
        }
        return text.toString();
    }

    /**
     * Checks a backfill's arguments: a table, and a condition that is null or not blank and has no {@code ;}
     * outside a quoted string (the condition is put inside a query; it must not end it).
     *
     * @param table the table to backfill, not null
     * @param condition the row condition, or null for every row
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void checkBackfill(TableId table, String condition) {
        Objects.requireNonNull(table, "table");
        if (condition == null) {
            return;
        }
        if (condition.isBlank()) {
            throw new IllegalArgumentException("the backfill condition of " + table + " is blank: pass null (or leave"
                    + " --where out) to backfill every row");
        }
        char quote = 0;
        for (int i = 0; i < condition.length(); i++) {
            char c = condition.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == ';') {
                throw new IllegalArgumentException("the backfill condition '" + condition + "' holds a ';': it"
                        + " must be one boolean expression over the columns of " + table + ", such as"
                        + " \"updated_at > '2026-01-01'\"");
            }
        }
    }

    /**
     * Reads a signal's text.
     *
     * @return the backfill it asks for
     * @throws IllegalArgumentException if it is not a signal this version reads, saying why
     */
    static Backfill parse(String text) {
        String[] lines = text.strip().split("\r?\n");
        if (!lines[0].strip().equals(BACKFILL)) {
            throw new IllegalArgumentException("its first line is '" + lines[0].strip() + "', and the only kind of"
                    + " signal this version reads is '" + BACKFILL + "'");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("line '" + line + "' is not key=value");
            }
            values.put(line.substring(0, eq), URLDecoder.decode(line.substring(eq + 1), StandardCharsets.UTF_8));
        }
        String namespace = values.remove("namespace");
        String name = values.remove("name");
        if (namespace == null || name == null) {
            throw new IllegalArgumentException("a backfill signal needs a namespace= and a name= line");
        }
        String condition = values.remove("condition");
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("it has keys this version does not read: " + values.keySet());
        }
        TableId table = TableId.of(namespace, name);
        checkBackfill(table, condition);
        return new Backfill(table, condition);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
