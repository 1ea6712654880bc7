package dev.sluice.difftest;

import dev.sluice.capture.Capture;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One path through Sluice: a source database, a capture method and a sink. Named like {@code PG_LOG_LOCAL} or
 * {@code MARIA_TRIGGER_JDBC} (the JDBC sink always writes to the other database, so both directions are covered).
 */
record CasePath(Db source, Capture capture, SinkKind sink) {

    /** Where the changes go. */
    enum SinkKind {
        /** Parquet into a local folder. */
        LOCAL,
        /** Parquet into a bucket of the in-process S3Proxy. */
        S3,
        /** The JDBC sink into the other database. */
        JDBC;

        boolean parquet() {
            return this != JDBC;
        }
    }

    static List<CasePath> all() {
        List<CasePath> paths = new ArrayList<>();
        for (Db db : Db.values()) {
            for (Capture capture : List.of(Capture.LOG, Capture.TRIGGER, Capture.TIMESTAMP)) {
                for (SinkKind sink : SinkKind.values()) {
                    paths.add(new CasePath(db, capture, sink));
                }
            }
        }
        return paths;
    }

    static CasePath parse(String name) {
        for (CasePath path : all()) {
            if (path.toString().equalsIgnoreCase(name.trim())) {
                return path;
            }
        }
        throw new IllegalArgumentException("no difftest path named '" + name + "'; known: " + all());
    }

    /** The database the JDBC sink writes to: the other one. */
    Db target() {
        return source == Db.PG ? Db.MARIA : Db.PG;
    }

    boolean log() {
        return capture == Capture.LOG;
    }

    boolean trigger() {
        return capture == Capture.TRIGGER;
    }

    boolean timestamp() {
        return capture == Capture.TIMESTAMP;
    }

    /** The capture sees deletes (timestamp capture does not, as documented). */
    boolean seesDeletes() {
        return !timestamp();
    }

    /** The capture sees TRUNCATE: log capture, and trigger capture on PostgreSQL only (as documented). */
    boolean seesTruncate() {
        return log() || (trigger() && source == Db.PG);
    }

    @Override
    public String toString() {
        return source + "_" + capture.name().toUpperCase(Locale.ROOT) + "_" + sink;
    }
}
