package dev.sluice.offset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.FatalException;
import dev.sluice.OffsetStore;
import dev.sluice.PipelineAlreadyRunningException;
import dev.sluice.RetriableException;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import dev.sluice.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({PostgresExtension.class, MariaDbExtension.class})
class JdbcOffsetStoreIT {

    @Test
    void aSecondWriterOfAPipelineIsRefusedUntilTheFirstLetsGoOnPostgres(PostgresDatabase db) throws Exception {
        aSecondWriterIsRefusedUntilTheFirstLetsGo(db.dataSource(), "held by pid ");
    }

    @Test
    void aSecondWriterOfAPipelineIsRefusedUntilTheFirstLetsGoOnMariaDb(MariaDbDatabase db) throws Exception {
        aSecondWriterIsRefusedUntilTheFirstLetsGo(db.dataSource(), "held by connection ");
    }

    private static void aSecondWriterIsRefusedUntilTheFirstLetsGo(DataSource dataSource, String holder) {
        JdbcOffsetStore first = JdbcOffsetStore.create(dataSource);
        JdbcOffsetStore second = JdbcOffsetStore.create(dataSource); // as another process would have
        OffsetStore.Lease lease = first.acquire("orders");
        first.save("orders", "pg:0/1");

        assertThatThrownBy(() -> second.acquire("orders"))
                .isInstanceOf(PipelineAlreadyRunningException.class)
                .hasMessageStartingWith("pipeline orders is already running (" + holder)
                .hasMessageContaining("Fix: stop the other process first");
        second.acquire("invoices").close(); // other names are free

        lease.close();
        lease.close(); // idempotent
        OffsetStore.Lease taken = second.acquire("orders");
        second.save("orders", "pg:0/2");
        taken.close();
        assertThat(first.load("orders")).contains("pg:0/2");
    }

    @Test
    void aWriterWhoseLockSessionDiedCannotSaveOnPostgres(PostgresDatabase db) throws Exception {
        JdbcOffsetStore store = JdbcOffsetStore.create(db.dataSource());
        store.save("orders", "pg:0/1");
        OffsetStore.Lease lease = store.acquire("orders");
        try (Connection admin = db.connect(); Statement kill = admin.createStatement()) {
            kill.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");

            assertThatThrownBy(() -> store.save("orders", "pg:0/2"))
                    .isInstanceOf(RetriableException.class)
                    .hasMessageContaining("pipeline orders lost its lock");
        }
        lease.close();
        assertThat(store.load("orders")).contains("pg:0/1");
        OffsetStore.Lease again = store.acquire("orders");
        store.save("orders", "pg:0/3");
        again.close();
        assertThat(store.load("orders")).contains("pg:0/3");
    }

    @Test
    void keepsSignalsInOrderUntilRemovedOnPostgres(PostgresDatabase db) {
        keepsSignalsInOrderUntilRemoved(db);
    }

    @Test
    void keepsSignalsInOrderUntilRemovedOnMariaDb(MariaDbDatabase db) {
        keepsSignalsInOrderUntilRemoved(db);
    }

    private static void keepsSignalsInOrderUntilRemoved(TestDatabase db) {
        JdbcOffsetStore store = JdbcOffsetStore.create(db.dataSource(), "bf_offsets");
        assertThat(store.signals("orders")).isEmpty();
        String first = store.addSignal("orders", "backfill\nnamespace=shop\nname=orders\n");
        String second = store.addSignal("orders", "naïve ✓");
        store.addSignal("other", "x");
        JdbcOffsetStore again = JdbcOffsetStore.create(db.dataSource(), "bf_offsets");
        assertThat(again.signals("orders")).extracting(OffsetStore.Signal::id).containsExactly(first, second);
        assertThat(again.signals("orders")).extracting(OffsetStore.Signal::text)
                .containsExactly("backfill\nnamespace=shop\nname=orders\n", "naïve ✓");
        again.removeSignal("orders", first);
        again.removeSignal("orders", first);
        assertThat(store.signals("orders")).extracting(OffsetStore.Signal::id).containsExactly(second);
        assertThat(store.signals("other")).hasSize(1);
    }

    @Test
    void keepsOneRowPerPipelineOnPostgres(PostgresDatabase db) throws Exception {
        keepsOneRowPerPipeline(db);
    }

    @Test
    void keepsOneRowPerPipelineOnMariaDb(MariaDbDatabase db) throws Exception {
        keepsOneRowPerPipeline(db);
    }

    @Test
    void savesInsideTheCallersTransactionOnPostgres(PostgresDatabase db) throws Exception {
        savesInsideTheCallersTransaction(db.dataSource());
    }

    @Test
    void savesInsideTheCallersTransactionOnMariaDb(MariaDbDatabase db) throws Exception {
        savesInsideTheCallersTransaction(db.dataSource());
    }

    @Test
    void usesASchemaQualifiedTableOnPostgres(PostgresDatabase db) throws Exception {
        db.execute("CREATE SCHEMA cdc");
        JdbcOffsetStore store = JdbcOffsetStore.create(db.dataSource(), "cdc.pipeline_offsets");

        store.save("p", "pg:0/1");

        assertThat(store.load("p")).contains("pg:0/1");
        assertThat(count(db, "SELECT count(*) FROM cdc.pipeline_offsets")).isEqualTo(1);
    }

    @Test
    void aMissingPrivilegeIsFatalAndNamesTheGrantOnPostgres(PostgresDatabase db) throws Exception {
        try (Connection admin = db.adminConnect(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE TABLE locked_offsets (pipeline_name varchar(200) PRIMARY KEY,"
                    + " encoded_offset text NOT NULL, updated_at timestamptz)");
        }
        JdbcOffsetStore store = JdbcOffsetStore.create(db.dataSource(), "locked_offsets");

        assertThatThrownBy(() -> store.save("p", "pg:0/1"))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("locked_offsets")
                .hasMessageContaining("grant the offset store's user SELECT, INSERT, UPDATE and DELETE");
    }

    @Test
    void aMissingPrivilegeIsFatalAndNamesTheGrantOnMariaDb(MariaDbDatabase db) {
        // the test user may not create tables in the server's own schema
        JdbcOffsetStore store = JdbcOffsetStore.create(db.dataSource(), "mysql.sluice_offsets");

        assertThatThrownBy(() -> store.load("p"))
                .isInstanceOf(FatalException.class)
                .hasMessageContaining("mysql.sluice_offsets")
                .hasMessageContaining("CREATE");
    }

    @Test
    void refusesATableNameThatIsNotAnIdentifier(PostgresDatabase db) {
        assertThatThrownBy(() -> JdbcOffsetStore.create(db.dataSource(), "offsets; drop table x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a plain identifier");
    }

    private static void keepsOneRowPerPipeline(TestDatabase db) throws Exception {
        JdbcOffsetStore store = JdbcOffsetStore.create(db.dataSource());
        String large = "mongo:" + "8263a1f0".repeat(20_000); // resume tokens and cursors can be long
        String unicode = "cursor:{\"ts\":\"2026-03-29T02:30\",\"key\":\"naïve ✓ 🚀\"}";

        assertThat(store.load("orders")).isEmpty();
        store.save("orders", "pg:0/16B3748");
        store.save("orders", "pg:0/16B3750");
        store.save("large", large);
        store.save("unicode", unicode);

        assertThat(store.load("orders")).contains("pg:0/16B3750");
        assertThat(JdbcOffsetStore.create(db.dataSource()).load("orders")).as("a second store").contains("pg:0/16B3750");
        assertThat(store.load("large")).contains(large);
        assertThat(store.load("unicode")).contains(unicode);
        assertThat(count(db, "SELECT count(*) FROM sluice_offsets")).isEqualTo(3);

        store.delete("orders");
        assertThat(store.load("orders")).isEmpty();
        assertThat(store.load("large")).contains(large);
    }

    private static void savesInsideTheCallersTransaction(DataSource dataSource) throws Exception {
        JdbcOffsetStore store = JdbcOffsetStore.create(dataSource);
        assertThat(store.load("p")).isEmpty(); // creates the table

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            store.save(connection, "p", "pg:0/1");
            connection.rollback();
            assertThat(store.load("p")).as("rolled back").isEmpty();

            store.save(connection, "p", "pg:0/2");
            assertThat(store.load("p")).as("not yet committed").isEmpty();
            connection.commit();
        }
        assertThat(store.load("p")).contains("pg:0/2");
    }

    private static long count(TestDatabase db, String sql) throws Exception {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
