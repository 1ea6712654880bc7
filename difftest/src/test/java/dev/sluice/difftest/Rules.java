package dev.sluice.difftest;

/**
 * What a case may generate on its path: what the capture method documents, minus the features of
 * {@link PendingDefects} unless those are included.
 */
record Rules(CasePath path, boolean includePending) {

    /** True if the feature of a pending defect may be generated on this path. */
    boolean allows(PendingDefects defect) {
        return includePending || !defect.appliesTo(path);
    }

    Db source() {
        return path.source();
    }

    /** The JDBC sink writes to MariaDB: values must fit what its type mapping documents (sink-jdbc.md). */
    boolean mariaTarget() {
        return path.sink() == CasePath.SinkKind.JDBC && path.target() == Db.MARIA;
    }
}
