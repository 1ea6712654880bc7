package dev.sluice.difftest;

import java.util.List;

/**
 * A generated case: the source-side SQL, in phases. Before the first phase the tables exist; after each phase the
 * pipeline runs until caught up. {@code reinstall} marks phases after whose DDL trigger capture must install its
 * triggers again (as docs/capture.md asks); {@code tables} is the generator's final view of the tables.
 */
record Case(long seed, CasePath path, List<String> setup, List<Phase> phases, List<Table> tables) {

    /** Statements run one after the other on one connection in autocommit mode (BEGIN/COMMIT are statements). */
    record Phase(List<String> ddl, List<String> dml) {}

    /** The whole case as a replayable script, with the catch-up points marked. */
    String script() {
        StringBuilder s = new StringBuilder("-- difftest seed=" + seed + " path=" + path + "\n");
        setup.forEach(sql -> s.append(sql).append(";\n"));
        int n = 1;
        for (Phase phase : phases) {
            s.append("-- phase ").append(n++).append('\n');
            phase.ddl().forEach(sql -> s.append(sql).append(";\n"));
            phase.dml().forEach(sql -> s.append(sql).append(";\n"));
            s.append("-- pipeline.runUntilCaughtUp()\n");
        }
        return s.toString();
    }

    /** Two tables of the case share a name (in two schemas): the JDBC sink then needs {@code namespaceAndName()}. */
    boolean sameNamedTables() {
        return tables.stream().map(t -> t.name).distinct().count() < tables.size();
    }

    String id() {
        return seed + "-" + path;
    }
}
