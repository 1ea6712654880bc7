package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import dev.sluice.ChangeEvent;
import dev.sluice.FatalException;
import dev.sluice.Offset;
import dev.sluice.Op;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The decoders of the captured tables, built from each TABLE_MAP event. Consecutive TABLE_MAPs of an unchanged
 * table share one {@link Schema} instance; a TABLE_MAP instance seen before ({@link TableMapReader} returns the same
 * one for the same bytes) costs a map lookup. Not thread-safe.
 */
final class TableDecoders {

    private static final int BLOB = 252;
    private static final int MAX_LEARNED = 10_000;

    private final TableFilter filter;
    private final Map<Integer, String> collations;
    private final Function<TableId, Set<String>> jsonColumnsLookup;
    private final Map<Long, Decoder> byTableId = new HashMap<>();
    private final Map<TableId, Decoder> latest = new HashMap<>();
    private final Map<TableId, Set<String>> jsonColumns = new HashMap<>();
    /** The latest schema of each captured table: from TABLE_MAPs, or read when the stream started. */
    private final Map<TableId, Schema> schemas = new HashMap<>();
    /** Tables created since the stream started, and tables with rows since then (captured or not). */
    private final Set<TableId> created = new HashSet<>();
    private final Set<TableId> written = new HashSet<>();
    /**
     * The definition of each captured table as its last TABLE_MAP since its last ALTER carried it: what the table
     * surely was just before the next ALTER (a definition read from information_schema may be newer than the stream).
     */
    private final Map<TableId, InfoSchema.TableDef> mapped = new HashMap<>();
    /** The TABLE_MAP each table id was last learned from, until a DDL statement (JSON declarations may change). */
    private final Map<Long, TableMapEventData> learned = new HashMap<>();

    TableDecoders(TableFilter filter, Map<Integer, String> collations, Function<TableId, Set<String>> jsonColumnsLookup) {
        this.filter = filter;
        this.collations = collations;
        this.jsonColumnsLookup = jsonColumnsLookup;
    }

    boolean isCaptured(TableId table) {
        return filter.test(table);
    }

    /** A captured table's schema when the stream starts (so a TRUNCATE or DROP of an idle table has one). */
    void known(TableId table, Schema schema) {
        schemas.put(table, schema);
    }

    /** The latest schema of a captured table, or null if the stream has not known the table. */
    Schema schemaOf(TableId table) {
        return schemas.get(table);
    }

    /** The captured tables of a database the stream knows. */
    List<TableId> knownIn(String database) {
        return schemas.keySet().stream().filter(t -> t.namespace().equals(database))
                .sorted(Comparator.comparing(TableId::toString)).toList();
    }

    /** A CREATE TABLE went by. */
    void created(TableId table) {
        created.add(table);
        written.remove(table);
    }

    /** True if the table was created since the stream started and no row of it went by since. */
    boolean surelyEmpty(TableId table) {
        return created.contains(table) && !written.contains(table);
    }

    /** The table is gone (dropped, or renamed away). */
    void forget(TableId table) {
        schemas.remove(table);
        mapped.remove(table);
        created.remove(table);
        written.remove(table);
    }

    /**
     * An ALTER of the table went by: returns its definition from a TABLE_MAP since its previous ALTER (what it surely
     * was before this one), or null where the stream saw none; from now on the table's definition is unknown until
     * its next TABLE_MAP.
     */
    InfoSchema.TableDef altered(TableId table) {
        return mapped.remove(table);
    }

    boolean isCaptured(TableMapEventData map) {
        return filter.test(TableId.of(map.getDatabase(), map.getTable()));
    }

    /** Learns the definition a TABLE_MAP carries, if its table is captured. */
    void tableMap(TableMapEventData map) {
        if (learned.get(map.getTableId()) == map) {
            return;
        }
        TableId id = TableId.of(map.getDatabase(), map.getTable());
        written.add(id);
        if (!filter.test(id)) {
            byTableId.remove(map.getTableId());
            learn(map);
            return;
        }
        Set<String> json = mayHaveMariaDbJson(map) ? jsonColumns.computeIfAbsent(id, jsonColumnsLookup) : Set.of();
        InfoSchema.TableDef definition = TableMaps.definition(map, collations, json);
        Decoder previous = latest.get(id);
        Decoder decoder = previous != null && previous.definition.equals(definition) ? previous : new Decoder(definition);
        latest.put(id, decoder);
        schemas.put(id, decoder.schema());
        mapped.put(id, definition);
        byTableId.put(map.getTableId(), decoder);
        learn(map);
    }

    private void learn(TableMapEventData map) {
        if (learned.size() >= MAX_LEARNED) {
            learned.clear(); // only a shortcut: table ids change as tables are reopened
        }
        learned.put(map.getTableId(), map);
    }

    /** A DDL statement went by: JSON declarations may have changed. */
    void schemaChanged() {
        jsonColumns.clear();
        learned.clear();
    }

    /** The decoder of the table with this TABLE_MAP id, or null if the table is not captured. */
    Decoder decoder(long tableId) {
        return byTableId.get(tableId);
    }

    private static boolean mayHaveMariaDbJson(TableMapEventData map) {
        byte[] types = map.getColumnTypes();
        int[] metadata = map.getColumnMetadata();
        for (int i = 0; i < types.length; i++) {
            if ((types[i] & 0xFF) == BLOB && metadata[i] == 4) {
                return true;
            }
        }
        return false;
    }

    /** Decodes the rows of one table version. */
    static final class Decoder {
        private final InfoSchema.TableDef definition;
        private final Schema schema;
        private final ColumnSpec[] specs;

        Decoder(InfoSchema.TableDef definition) {
            this.definition = definition;
            this.schema = definition.schema();
            this.specs = definition.columns().toArray(new ColumnSpec[0]);
        }

        Schema schema() {
            return schema;
        }

        ChangeEvent event(Op op, Serializable[] before, BitSet beforeColumns, Serializable[] after, BitSet afterColumns,
                Offset offset, Instant commitTime, String transactionId) {
            ChangeEvent.Builder event = ChangeEvent.builder(op, definition.id(), schema)
                    .offset(offset).commitTime(commitTime).transactionId(transactionId);
            Object[] beforeValues = before == null ? null : row(before, beforeColumns, null);
            if (before != null) {
                // a partial before image (binlog_row_image=MINIMAL or NOBLOB in some session) is only good as a key
                boolean full = beforeColumns.cardinality() == specs.length;
                if (full || op == Op.DELETE) {
                    checkKey(op, beforeColumns, offset);
                    event.before(Row.of(beforeValues));
                }
            }
            if (after != null) {
                BitSet missing = new BitSet();
                Object[] values = row(after, afterColumns, missing);
                if (!missing.isEmpty()) {
                    if (op != Op.UPDATE) {
                        throw new FatalException("an " + op + " of " + definition.id() + " at " + offset.encode()
                                + " lacks columns: a session wrote it with binlog_row_image other than FULL. Fix: set"
                                + " binlog_row_image=FULL globally and in the option file, then take a new snapshot");
                    }
                    // a column the after image leaves out did not change: the before image may have its value (the
                    // key, under MINIMAL); the others are marked unchanged, never written as NULL
                    if (beforeValues != null) {
                        for (int i = missing.nextSetBit(0); i >= 0; i = missing.nextSetBit(i + 1)) {
                            if (beforeColumns.get(i)) {
                                values[i] = beforeValues[i];
                            }
                        }
                        missing.andNot(beforeColumns);
                    }
                    BitSet known = (BitSet) afterColumns.clone();
                    if (beforeColumns != null) {
                        known.or(beforeColumns);
                    }
                    checkKey(op, known, offset);
                    missing.stream().forEach(event::unchanged);
                }
                event.after(Row.of(values));
            }
            return event.build();
        }

        /** Fails if an image lacks a key column: the sinks could not find the row. */
        private void checkKey(Op op, BitSet present, Offset offset) {
            for (String key : definition.key()) {
                int index = schema.indexOf(key);
                if (!present.get(index)) {
                    throw new FatalException("an " + op + " of " + definition.id() + " at " + offset.encode()
                            + " lacks key column '" + key + "': a session wrote it with binlog_row_image other than"
                            + " FULL. Fix: set binlog_row_image=FULL globally and in the option file, then take a new"
                            + " snapshot");
                }
            }
        }

        private Object[] row(Serializable[] raw, BitSet included, BitSet missing) {
            Object[] values = new Object[specs.length];
            int k = 0;
            for (int i = 0; i < specs.length; i++) {
                if (!included.get(i)) {
                    if (missing != null) {
                        missing.set(i);
                    }
                    continue;
                }
                try {
                    values[i] = Cells.fromBinlog(specs[i], raw[k++]);
                } catch (IOException | RuntimeException e) {
                    throw new FatalException("cannot read column '" + specs[i].name() + "' of " + definition.id()
                            + " (" + specs[i].sourceType() + ") from the binlog: " + e.getMessage(), e);
                }
            }
            return values;
        }
    }
}
