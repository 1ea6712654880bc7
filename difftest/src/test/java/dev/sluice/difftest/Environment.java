package dev.sluice.difftest;

import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.S3Bucket;
import dev.sluice.testkit.TestDatabase;

/** The servers a run of cases shares: one PostgreSQL and one MariaDB database, one bucket. */
record Environment(PostgresDatabase pg, MariaDbDatabase maria, S3Bucket bucket) {

    TestDatabase database(Db db) {
        return db == Db.PG ? pg : maria;
    }
}
