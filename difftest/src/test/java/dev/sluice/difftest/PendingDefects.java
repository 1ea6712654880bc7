package dev.sluice.difftest;

import java.util.function.Predicate;

/**
 * TEMPORARY: known defects (issues 19 and 20) that are being fixed on other branches. While an entry is listed, the
 * fixed-seed set leaves its feature out on the paths it names, so {@code mvn verify} stays green; the generator can
 * still produce each of them ({@code -Ddifftest.pending=include}, or {@code scripts/soak --pending}). Remove an entry
 * when its fix is merged: the fixed set then covers the feature. The list is meant to be empty.
 */
enum PendingDefects {
    MARIA_UNSIGNED_AFTER_NONNUMERIC("19.1", "no unsigned integer/decimal columns and no negative signed integers on"
            + " MariaDB binlog paths (signed SMALLINT beside YEAR/FLOAT/DECIMAL columns decodes as unsigned too)",
            p -> p.source() == Db.MARIA && p.log()),
    MARIA_GEOMETRY_SHIFTS_CHARSETS("19.2", "no GEOMETRY columns on MariaDB binlog paths",
            p -> p.source() == Db.MARIA && p.log()),
    MARIA_TRUNCATE_DROPPED("19.3", "no TRUNCATE on MariaDB binlog paths", p -> p.source() == Db.MARIA && p.log()),
    MARIA_LATIN1_ENUM_LABELS("19.4", "no ENUM columns with latin1 labels on MariaDB binlog paths",
            p -> p.source() == Db.MARIA && p.log()),
    MARIA_TRIGGER_4BYTE_UTF8("19.12", "no 4-byte UTF-8 text on MariaDB trigger and timestamp paths (timestamp"
            + " capture corrupts it too, and the non-ASCII characters after it)", p -> p.source() == Db.MARIA && !p.log()),
    MARIA_TRIGGER_GEOMETRY("19.13", "no GEOMETRY columns on MariaDB trigger and timestamp paths (timestamp capture"
            + " writes MariaDB's SRID prefix and corrupts bytes)", p -> p.source() == Db.MARIA && !p.log()),
    MARIA_TRIGGER_EXTREME_VALUES("19.14", "no TIME columns and no BIT(64) with the top bit on MariaDB trigger and"
            + " timestamp paths (TIME beyond 24 h stops timestamp capture; TIME arrives as time, not as the binlog's"
            + " interval)", p -> p.source() == Db.MARIA && !p.log()),
    MARIA_JDBC_CAPTURE_FLOAT_ROUNDED("difftest", "no FLOAT columns on MariaDB paths (the binlog snapshot, trigger and"
            + " timestamp capture read FLOAT with 6 significant digits: 415117.3 arrives as 415117.0; the binlog"
            + " stream is exact)", p -> p.source() == Db.MARIA),
    MARIA_JDBC_CAPTURE_BIT_AS_INTEGER("difftest", "no BIT(n>1) columns on MariaDB trigger and timestamp paths (they"
            + " arrive as int64, the binlog's as bytes: a JDBC target gets bigint instead of bytea)",
            p -> p.source() == Db.MARIA && !p.log()),
    PARQUET_KEY_CHANGE_GHOSTS("20.1", "no primary-key updates on Parquet paths", p -> p.sink().parquet()),
    NEW_TABLE_NOT_CAPTURED("20.2", "no table created or re-created while the pipeline streams", p -> true),
    PARTITION_COLUMN_SHADOWED("20.4", "no column named `date` on Parquet paths", p -> p.sink().parquet()),
    JDBC_SAME_NAME_MERGED("20.5", "no same-named tables in two schemas on JDBC paths", p -> p.sink() == CasePath.SinkKind.JDBC),
    JDBC_STUCK_AFTER_TYPE_CHANGE("20.6", "no column type change on JDBC paths", p -> p.sink() == CasePath.SinkKind.JDBC),
    PG_INFINITY("20.7", "no 'infinity'/'-infinity' dates and timestamps on PostgreSQL paths", p -> p.source() == Db.PG),
    // found by this harness, not yet in an issue: see the difftest report
    PG_TRIGGER_NEGATIVE_ZERO("difftest", "no -0.0 in real/double precision on PostgreSQL trigger and timestamp paths"
            + " (arrives as 0.0)", p -> p.source() == Db.PG && !p.log()),
    PG_TRIGGER_COMPOSITE_AS_JSON("difftest", "no composite-type columns on PostgreSQL trigger and timestamp paths"
            + " (arrive as a JSON object, not the server's text form)", p -> p.source() == Db.PG && !p.log()),
    PG_KEY_CHANGE_LOSES_TOASTED("difftest", "no large (TOASTed) text/bytea values on PostgreSQL log paths (a key"
            + " change sends them as unchanged, and the JDBC target's new row gets NULL: seed 5172698046812912582,"
            + " PG_LOG_JDBC)", p -> p.source() == Db.PG && p.log()),
    MARIA_CATCH_UP_BEFORE_WATERMARK("difftest", "on MariaDB trigger and timestamp paths, up to 5 more catch-up runs"
            + " before a case is judged (runUntilCaughtUp reported caught up without rows committed before it started"
            + " while INNODB_TRX was stale and capture fell back to the safety window: seed 8629201281436389331,"
            + " MARIA_TIMESTAMP_S3)",
            p -> p.source() == Db.MARIA && !p.log()),
    RENAMED_COLUMN_LOSES_VALUES("difftest", "no RENAME COLUMN while streaming (Parquet: rows not changed after the"
            + " rename keep their value under the old name only, so the documented recipe reads NULL under the new"
            + " one: seed 2070732433485367536, PG_LOG_LOCAL, with -Ddifftest.pending=include)", p -> true),
    TRIGGER_IDLE_CATCH_UP_HANGS("difftest", "no first catch-up without changes on trigger paths (PostgreSQL trigger"
            + " capture's runUntilCaughtUp did not return within 90 s with an empty change table: seed 2, PG_TRIGGER_S3)",
            CasePath::trigger),
    JDBC_MARIA_TWO_STRING_KEYS("difftest", "no composite key with a string column on JDBC paths into MariaDB (the"
            + " sink's VARCHAR(768) key column alone is 3072 bytes: CREATE TABLE fails with 'key was too long')",
            p -> p.sink() == CasePath.SinkKind.JDBC && p.target() == Db.MARIA);

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
