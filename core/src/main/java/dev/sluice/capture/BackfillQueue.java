package dev.sluice.capture;

import dev.sluice.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The backfills a log stream owes, as part of its offset: the one being read first, with how far it has come, then
 * those waiting, in the order they were asked for (see {@code Pipeline.backfill}). A backfill re-reads the rows of
 * one table (those matching a condition, if it has one) in key chunks reconciled with the log, as an incremental
 * snapshot does, and emits them as {@code READ} events; it truncates nothing. Immutable.
 *
 * <p>Text form: the backfills separated by {@code ~}, each {@code rows/namespace/name/condition[/key...]} with every
 * part URL-encoded (an empty condition: none), so the text holds no {@code ,}, {@code ;}, {@code =} or {@code ~} of
 * its own and can sit inside a source's offset text.
 *
 * @param backfills the backfill being read first, then those waiting; never empty
 */
public record BackfillQueue(List<Backfill> backfills) {

    /**
     * One backfill: a table, an optional condition (an SQL boolean expression in the source database's dialect),
     * and how far it has been read: the key of the last row read (in the key's text forms; empty: nothing yet), and
     * the rows emitted.
     */
    public record Backfill(TableId table, String condition, List<String> lastKey, long rows) {

        /**
         * Checks the parts and copies the key.
         *
         * @param table the table to read again, not null
         * @param condition the SQL row condition, or null (a blank one becomes null) for every row
         * @param lastKey the key of the last row read, in text forms; empty if nothing was read yet; copied
         * @param rows the rows emitted so far, 0 or more
         * @throws IllegalArgumentException if the count is negative
         */
        public Backfill {
            Objects.requireNonNull(table, "table");
            lastKey = List.copyOf(lastKey);
            if (condition != null && condition.isBlank()) {
                condition = null;
            }
            if (rows < 0) {
                throw new IllegalArgumentException("bad backfill progress: " + rows + " rows");
            }
        }

        /**
         * A backfill that has read nothing yet.
         *
         * @param table the table to read again, not null
         * @param condition the SQL row condition, or null for every row; not blank
         * @return the backfill, with no key and no rows read
         */
        public static Backfill of(TableId table, String condition) {
            return new Backfill(table, condition, List.of(), 0);
        }

        /**
         * {@code table}, with its condition if there is one: for messages and logs.
         *
         * @return a short description, e.g. {@code shop.orders where id > 10}
         */
        public String describe() {
            return condition == null ? table.toString() : table + " where " + condition;
        }
    }

    /**
     * Copies the list and checks it is not empty.
     *
     * @param backfills the backfills, current first, not null or empty; copied
     * @throws IllegalArgumentException if the list is empty
     */
    public BackfillQueue {
        backfills = List.copyOf(backfills);
        if (backfills.isEmpty()) {
            throw new IllegalArgumentException("a backfill queue holds at least one backfill");
        }
    }

    /**
     * {@code queue} with {@code next} at its end; {@code queue} may be null (no backfill owed).
     *
     * @param queue the queue, or null for none
     * @param next the backfill to add, not null
     * @return a new queue ending with {@code next}
     */
    public static BackfillQueue append(BackfillQueue queue, Backfill next) {
        List<Backfill> all = new ArrayList<>(queue == null ? List.of() : queue.backfills);
        all.add(Objects.requireNonNull(next, "next"));
        return new BackfillQueue(all);
    }

    /**
     * The backfill being read.
     *
     * @return the first backfill, never null
     */
    public Backfill current() {
        return backfills.get(0);
    }

    /**
     * One more row of the current backfill emitted, whose key (in text forms) is {@code key}.
     *
     * @param key the emitted row's key, in the key's text forms
     * @return a new queue whose current backfill has that key and one more row
     */
    public BackfillQueue emitted(List<String> key) {
        Backfill now = current();
        return withCurrent(new Backfill(now.table(), now.condition(), key, now.rows() + 1));
    }

    /**
     * The current backfill read up to {@code key} (a chunk whose last rows the log replaced): no row emitted.
     *
     * @param key the key read up to, in the key's text forms
     * @return a new queue whose current backfill has that key and the same rows
     */
    public BackfillQueue through(List<String> key) {
        Backfill now = current();
        return withCurrent(new Backfill(now.table(), now.condition(), key, now.rows()));
    }

    /**
     * The current backfill read again from its start (its table's key changed).
     *
     * @return a new queue whose current backfill has no key
     */
    public BackfillQueue restarted() {
        Backfill now = current();
        return withCurrent(Backfill.of(now.table(), now.condition()));
    }

    /**
     * The queue without the current backfill (it is done), or null if none is left.
     *
     * @return a new queue without the current backfill, or null
     */
    public BackfillQueue next() {
        return backfills.size() == 1 ? null : new BackfillQueue(backfills.subList(1, backfills.size()));
    }

    private BackfillQueue withCurrent(Backfill current) {
        List<Backfill> all = new ArrayList<>(backfills);
        all.set(0, current);
        return new BackfillQueue(all);
    }

    /**
     * The queue as text, for a source's offset: backfills separated by {@code ~}, parts by {@code /}, each part
     * URL-encoded; {@link #decode(String)} reads it back.
     *
     * @return the text, never null
     */
    public String encode() {
        StringBuilder text = new StringBuilder();
        for (Backfill backfill : backfills) {
            if (!text.isEmpty()) {
                text.append('~');
            }
            text.append(backfill.rows()).append('/').append(SnapshotProgress.part(backfill.table().namespace()))
                    .append('/').append(SnapshotProgress.part(backfill.table().name())).append('/')
                    .append(backfill.condition() == null ? "" : SnapshotProgress.part(backfill.condition()));
            backfill.lastKey().forEach(k -> text.append('/').append(SnapshotProgress.part(k)));
        }
        return text.toString();
    }

    /**
     * Parses {@link #encode()}'s text.
     *
     * @param text what {@link #encode()} returned, not null
     * @return the equal queue
     * @throws IllegalArgumentException if the text is not a backfill queue
     */
    public static BackfillQueue decode(String text) {
        try {
            List<Backfill> all = new ArrayList<>();
            for (String entry : text.split("~", -1)) {
                String[] parts = entry.split("/", -1);
                if (parts.length < 4) {
                    throw new IllegalArgumentException("a backfill needs rows, a namespace, a name and a condition");
                }
                long rows = Long.parseLong(parts[0]);
                TableId table = TableId.of(SnapshotProgress.unpart(parts[1]), SnapshotProgress.unpart(parts[2]));
                String condition = parts[3].isEmpty() ? null : SnapshotProgress.unpart(parts[3]);
                List<String> key = new ArrayList<>();
                for (int i = 4; i < parts.length; i++) {
                    key.add(SnapshotProgress.unpart(parts[i]));
                }
                all.add(new Backfill(table, condition, key, rows));
            }
            return new BackfillQueue(all);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a backfill queue: '" + text + "' (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String toString() {
        return encode();
    }
}
