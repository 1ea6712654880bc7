package dev.sluice.capture;

import dev.sluice.Column;
import dev.sluice.Schema;
import dev.sluice.TableId;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What an offset of trigger or timestamp capture remembers of one table's columns: a fingerprint of the columns
 * the targets last received rows in, how many times the table was read again because they changed, and (trigger
 * capture) the sequence value up to which the last re-read covers the table's changes. Kept in the offset, so a
 * column change made while no pipeline ran is seen when the next one opens. Immutable.
 *
 * @param fingerprint {@link #fingerprint(Schema)} of the columns
 * @param rereads re-reads for column changes so far; a catch-up target asks for one more when one is owed
 * @param coveredTo trigger capture: the table's changes with a sequence value up to this are in the last re-read
 *     (0 for none)
 */
record TableShape(String fingerprint, long rereads, long coveredTo) {

    /**
     * The columns' names, logical and declared types, and the primary key, in a short stable form. Column order
     * does not count (it changes no value); everything else that can change a value the targets hold does: a name
     * (renamed, added, dropped), a type or its modifiers ({@code numeric(10,2)} to {@code numeric(10,1)}), the key.
     */
    static String fingerprint(Schema schema) {
        List<String> columns = new ArrayList<>();
        for (Column c : schema.columns()) {
            columns.add(c.name() + "\u0000" + c.type() + "\u0000" + c.sourceType());
        }
        columns.sort(null);
        StringBuilder text = new StringBuilder(String.join("\u0001", columns)).append('\u0002');
        schema.keyColumns().forEach(k -> text.append(k.name()).append('\u0001'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The columns of a schema for messages: {@code [id int64 key, name string]}. */
    static String describe(Schema schema) {
        List<String> columns = new ArrayList<>();
        for (Column c : schema.columns()) {
            columns.add(c.name() + " " + (c.sourceType() != null ? c.sourceType() : c.type().toString())
                    + (schema.keyColumns().contains(c) ? " key" : ""));
        }
        return columns.toString();
    }

    /** A table seen for the first time: its columns now are what the targets get. */
    static TableShape first(Schema schema) {
        return new TableShape(fingerprint(schema), 0, 0);
    }

    /** After a re-read of the table with these columns, covering its changes up to {@code coveredTo}. */
    TableShape reread(Schema schema, long coveredTo) {
        return new TableShape(fingerprint(schema), rereads + 1, Math.max(this.coveredTo, coveredTo));
    }

    /** Whether the targets have the table in these columns. */
    boolean fits(Schema schema) {
        return fingerprint.equals(fingerprint(schema));
    }

    /** One table's entry in an offset's text: {@code !namespace,name,fingerprint,rereads,coveredTo}. */
    static void encode(StringBuilder text, Map<TableId, TableShape> shapes) {
        shapes.entrySet().stream().sorted(Map.Entry.comparingByKey(
                (a, b) -> a.namespace().equals(b.namespace()) ? a.name().compareTo(b.name())
                        : a.namespace().compareTo(b.namespace())))
                .forEach(e -> text.append(";!").append(escape(e.getKey().namespace())).append(',')
                        .append(escape(e.getKey().name())).append(',').append(e.getValue().fingerprint).append(',')
                        .append(e.getValue().rereads).append(',').append(e.getValue().coveredTo));
    }

    /** True if {@code entry} (after its {@code ;}) is a table shape; then it is added to {@code shapes}. */
    static boolean decode(String entry, Map<TableId, TableShape> shapes) {
        if (!entry.startsWith("!")) {
            return false;
        }
        String[] parts = entry.substring(1).split(",", -1);
        if (parts.length != 5) {
            throw new IllegalArgumentException("damaged table entry '" + entry + "'");
        }
        shapes.put(TableId.of(unescape(parts[0]), unescape(parts[1])),
                new TableShape(parts[2], Long.parseLong(parts[3]), Long.parseLong(parts[4])));
        return true;
    }

    /** True if every table {@code required} asks a re-read of was read again at least as often in {@code have}. */
    static boolean covers(Map<TableId, TableShape> have, Map<TableId, TableShape> required) {
        for (Map.Entry<TableId, TableShape> e : required.entrySet()) {
            TableShape mine = have.get(e.getKey());
            if (mine == null || mine.rereads < e.getValue().rereads) {
                return false;
            }
        }
        return true;
    }

    private static String escape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String unescape(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
