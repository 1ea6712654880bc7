package dev.sluice.difftest;

/** What a case may generate on its path: what the path's capture and sink document. */
record Rules(CasePath path) {

    Db source() {
        return path.source();
    }

    /** The JDBC sink writes to MariaDB: values must fit what its type mapping documents (sink-jdbc.md). */
    boolean mariaTarget() {
        return path.sink() == CasePath.SinkKind.JDBC && path.target() == Db.MARIA;
    }
}
