package dev.sluice.difftest;

import java.util.function.Predicate;

/**
 * TEMPORARY: known defects (issues 19 and 20) that are being fixed on other branches. While an entry is listed, the
 * fixed-seed set leaves its feature out on the paths it names, so {@code mvn verify} stays green; the generator can
 * still produce each of them ({@code -Ddifftest.pending=include}, or {@code scripts/soak --pending}). Remove an entry
 * when its fix is merged: the fixed set then covers the feature. The list is meant to be empty.
 */
enum PendingDefects {
    RENAMED_COLUMN_LOSES_VALUES("difftest", "no RENAME COLUMN while streaming on trigger and timestamp paths (rows"
            + " not changed after the rename keep their value under the old name only: the Parquet recipe and the JDBC"
            + " target read NULL under the new one. Both log sources re-read the table after a rename and are"
            + " covered; trigger and timestamp capture do not re-read: seed 2, PG_TRIGGER_JDBC, with"
            + " -Ddifftest.pending=include)",
            p -> !p.log());

    private final String issue;
    private final String leftOut;
    private final Predicate<CasePath> applies;

    PendingDefects(String issue, String leftOut, Predicate<CasePath> applies) {
        this.issue = issue;
        this.leftOut = leftOut;
        this.applies = applies;
    }

    /** True if this defect affects the path (whether it is then left out depends on {@link Rules}). */
    boolean appliesTo(CasePath path) {
        return applies.test(path);
    }

    @Override
    public String toString() {
        return name() + " (issue " + issue + "): " + leftOut;
    }
}
