package dev.sluice.difftest;

import dev.sluice.ExactlyOnceSink;
import dev.sluice.Pipeline;
import dev.sluice.Source;
import dev.sluice.TableId;
import dev.sluice.source.mysql.MySqlSource;
import dev.sluice.source.postgres.PostgresSource;
import dev.sluice.testkit.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs one case: creates its tables at the source, runs each phase's SQL and then the pipeline until caught up, and
 * finally compares every captured table at the source with what the sink holds, through readers Sluice did not
 * write. Writes the case's SQL to {@code target/difftest/<seed>-<path>/case.sql}.
 */
final class CaseRunner {

    private final Environment env;
    private final int maxTx;

    CaseRunner(Environment env, int maxTx) {
        this.env = env;
        this.maxTx = maxTx;
    }

    /**
     * The outcome of a case: no problems means passed. {@code notes} say how the run went where the variant leaves
     * it to chance (which children were killed when).
     */
    record Outcome(Case testCase, Variant variant, List<String> problems, List<String> notes) {
        boolean passed() {
            return problems.isEmpty();
        }

        String report() {
            return "difftest case FAILED: seed=" + testCase.seed() + " path=" + testCase.path()
                    + "\nre-run: mvn -B -ntp -pl difftest -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false"
                    + " -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=DifferentialIT -Ddifftest.seed="
                    + testCase.seed() + " -Ddifftest.path=" + testCase.path()
                    + "\nvariant: " + variant + (variant.crash() == Variant.Crash.KILL ? "\nchild JVMs' output:"
                    + " target/difftest/" + testCase.id() + "/child-<n>.log" : "")
                    + notes.stream().map(n -> "\n" + n).collect(Collectors.joining()) + "\n"
                    + String.join("\n", problems)
                    + "\n---- case.sql (target/difftest/" + testCase.id() + "/case.sql)\n" + testCase.script();
        }
    }

    Outcome run(long seed, CasePath path) throws IOException, InterruptedException {
        Generator generator = new Generator(seed, new Rules(path), maxTx);
        Case c = generator.generate(seed);
        Variant variant = Variant.of(seed, path);
        Path dir = Path.of("target", "difftest", c.id()).toAbsolutePath();
        deleteRecursively(dir); // a re-run starts over: the lake of an earlier run holds its offset
        Files.createDirectories(dir);
        Files.write(dir.resolve("case.sql"), ("-- variant: " + variant + "\n" + c.script())
                .getBytes(StandardCharsets.UTF_8));
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String pipelineName = generator.prefix();
        CasePipeline pipeline = CasePipeline.of(c, variant, env, dir, pipelineName);
        try {
            execute(path.source(), c.setup());
            Source source = pipeline.source();
            List<Case.Phase> phases = c.phases();
            // the second phase's statements run during the first catch-up (the snapshot) when it has no DDL
            Case.Phase concurrent = variant.concurrent() && phases.size() > 1 && phases.get(1).ddl().isEmpty()
                    ? phases.get(1) : null;
            for (int i = 0; i < phases.size(); i++) {
                Case.Phase phase = phases.get(i);
                execute(path.source(), phase.ddl());
                if (path.trigger()) {
                    // docs/capture.md: install (again) after creating or altering captured tables
                    install(source);
                }
                if (phase != concurrent) {
                    execute(path.source(), phase.dml());
                }
                if (path.source() == Db.MARIA && !path.log()) {
                    awaitOlderTransactions();
                }
                if (path.timestamp()) {
                    Thread.sleep(1500); // past the timestamp capture's clock skew margin (1 s by default)
                }
                if (i > 0 && i == variant.backfillPhase()) {
                    requestBackfill(c, variant, pipeline, notes);
                }
                String failure = i == 0 ? firstCatchUp(c, variant, pipeline, source, concurrent, notes)
                        : CasePipeline.catchUp(pipeline.pipeline(source, pipeline.sink(), null));
                if (failure != null) {
                    problems.add(failure);
                    break;
                }
            }
            if (problems.isEmpty()) {
                compare(c, pipeline, problems);
            }
        } catch (SQLException | IOException | RuntimeException e) {
            problems.add("the case stopped with " + CasePipeline.trace(e));
        } finally {
            cleanUp(path, pipelineName);
        }
        Outcome outcome = new Outcome(c, variant, problems, notes);
        if (!outcome.passed()) {
            // getBytes, not writeString: a sink's value may hold lone surrogates, which are replaced, not fatal
            Files.write(dir.resolve("failure.txt"), outcome.report().getBytes(StandardCharsets.UTF_8));
        }
        return outcome;
    }

    /**
     * The first catch-up, which reads the tables (the snapshot): with the variant's crash (the sink fails part way;
     * after a fatal one a new pipeline resumes from what was committed; or child JVMs are killed, see
     * {@link KilledRuns}, whose story goes to {@code notes}) and, where the variant says so, the second phase's
     * statements running at the same time.
     */
    private String firstCatchUp(Case c, Variant variant, CasePipeline pipeline, Source source, Case.Phase concurrent,
            List<String> notes) throws InterruptedException, SQLException, IOException {
        ExecutorService writer = Executors.newSingleThreadExecutor(
                r -> new Thread(r, "difftest-writer-" + pipeline.name()));
        try {
            // before the concurrent phase starts: the kill points are shares of the rows the snapshot reads
            long rows = variant.crash() == Variant.Crash.KILL ? rows(c) : 0;
            Future<Void> writes = null;
            if (concurrent != null) {
                writes = writer.submit(() -> {
                    execute(c.path().source(), concurrent.dml());
                    return null;
                });
            }
            String failure;
            if (variant.crash() == Variant.Crash.KILL) {
                CasePipeline killed = pipeline.withBatchSize((int) Math.max(1, (rows + variant.commits() - 1)
                        / variant.commits()));
                KilledRuns runs = new KilledRuns(killed, variant, env, rows);
                try {
                    failure = runs.run();
                } finally {
                    notes.add("killed runs: " + String.join(", ", runs.story()));
                }
            } else {
                ExactlyOnceSink sink = pipeline.sink();
                CrashingSink crashing = variant.crash() == Variant.Crash.NONE ? null
                        : new CrashingSink(sink, variant.crash(), variant.crashAfter());
                failure = CasePipeline.catchUp(pipeline.pipeline(source, crashing == null ? sink : crashing, null));
                if (failure != null && crashing != null && crashing.crashed()
                        && variant.crash() == Variant.Crash.RESTART) {
                    // the crashed run's successor
                    failure = CasePipeline.catchUp(pipeline.pipeline(source, pipeline.sink(), null));
                }
            }
            if (writes != null) {
                try {
                    writes.get();
                } catch (ExecutionException e) {
                    throw new SQLException("the concurrent phase failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
            return failure;
        } finally {
            writer.shutdownNow();
        }
    }

    /**
     * Leaves a backfill signal in the sink for the next run ({@link Variant#backfillPhase()}): one of the case's keyed
     * tables, all rows or those with a key column not NULL. The run reads it at its start and reads the table in
     * chunks beside the stream; a catch-up run does not wait for it, so later runs go on with it, and the comparison
     * at the end holds whatever point it reached. A table that is not there (yet, or any more) is refused with a
     * warning in the pipeline's log.
     */
    private void requestBackfill(Case c, Variant variant, CasePipeline pipeline, List<String> notes) {
        List<Table> keyed = c.tables().stream().filter(t -> !t.keyColumns().isEmpty()).toList();
        if (keyed.isEmpty()) {
            return;
        }
        Table table = keyed.get(variant.backfillTable() % keyed.size());
        Db db = c.path().source();
        String namespace = table.namespace != null ? table.namespace
                : db == Db.PG ? "public" : env.database(db).name();
        TableId id = TableId.of(namespace, table.name);
        String condition = variant.backfillCondition()
                ? db.quote(table.keyColumns().get(0).name()) + " IS NOT NULL" : null;
        String signal;
        ExactlyOnceSink sink = pipeline.sink();
        try {
            signal = Pipeline.requestBackfill(sink, pipeline.name(), id, condition);
        } finally {
            sink.close(); // never opened: only its connections or clients go
        }
        notes.add("backfill of " + id + (condition == null ? "" : " where " + condition) + " asked (signal " + signal
                + ")");
    }

    /** The rows of the case's tables at the source now (a table created in a later phase is not there yet). */
    private long rows(Case c) throws SQLException {
        Db db = c.path().source();
        long rows = 0;
        try (Connection connection = env.database(db).connect(); Statement s = connection.createStatement()) {
            for (Table table : c.tables()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.ref(db))) {
                    rs.next();
                    rows += rs.getLong(1);
                } catch (SQLException e) {
                    // created in a later phase: no rows yet
                }
            }
        }
        return rows;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * MariaDB trigger and timestamp capture read only below a watermark that every open InnoDB transaction on the
     * server holds back (docs/capture.md: "capture pauses, nothing is lost"), and the servers here are shared with
     * other test runs. Waits (up to a minute) until no transaction older than the case's last statement is open,
     * so that a catch-up run can be expected to deliver everything; if one stays open, the case goes on and its
     * failure, if any, says so.
     */
    private void awaitOlderTransactions() throws SQLException, InterruptedException {
        try (Connection c = env.maria().connect(); Statement s = c.createStatement()) {
            String now;
            try (ResultSet rs = s.executeQuery("SELECT NOW(6)")) {
                rs.next();
                now = rs.getString(1);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                        + " WHERE trx_started <= '" + now + "' AND trx_mysql_thread_id <> CONNECTION_ID()")) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(500); // not more often: frequent reads keep INNODB_TRX's cache stale for Sluice too
            }
            StringBuilder open = new StringBuilder();
            try (ResultSet rs = s.executeQuery("SELECT t.trx_started, t.trx_state, p.USER, p.HOST, p.DB, p.COMMAND,"
                    + " p.TIME, LEFT(p.INFO, 200) FROM information_schema.INNODB_TRX t LEFT JOIN"
                    + " information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE t.trx_started <= '"
                    + now + "'")) {
                while (rs.next()) {
                    open.append("\n  started ").append(rs.getString(1)).append(' ').append(rs.getString(2))
                            .append(" by ").append(rs.getString(3)).append('@').append(rs.getString(4)).append(" db ")
                            .append(rs.getString(5)).append(' ').append(rs.getString(6)).append(' ')
                            .append(rs.getString(7)).append(" s: ").append(rs.getString(8));
                }
            }
            System.out.println("difftest: a MariaDB transaction older than " + now + " stayed open for 60 s:" + open);
        }
    }

    private static void install(Source source) {
        if (source instanceof PostgresSource pg) {
            pg.installTriggers();
        } else {
            ((MySqlSource) source).installTriggers();
        }
    }

    private void execute(Db db, List<String> statements) throws SQLException {
        if (statements.isEmpty()) {
            return;
        }
        try (Connection connection = env.database(db).connect(); Statement s = connection.createStatement()) {
            if (db == Db.MARIA) {
                s.execute("SET time_zone = '+00:00'");
            }
            for (String sql : statements) {
                try {
                    s.execute(sql);
                } catch (SQLException e) {
                    throw new SQLException("the generated statement failed: " + clip(sql) + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static String clip(String sql) {
        return sql.length() > 500 ? sql.substring(0, 500) + "…" : sql;
    }

    private void compare(Case c, CasePipeline pipeline, List<String> problems) throws SQLException, IOException {
        CasePath path = c.path();
        Path dir = pipeline.dir();
        String prefix = pipeline.name();
        TestDatabase sourceDb = env.database(path.source());
        Path lake = dir.resolve("lake");
        if (path.sink() == CasePath.SinkKind.S3) {
            S3Files.download(env.bucket(), prefix + "/", lake);
        }
        String namespace = path.source() == Db.PG ? "public" : sourceDb.name();
        try (Connection source = sourceDb.connect();
                Connection target = path.sink() == CasePath.SinkKind.JDBC ? env.database(path.target()).connect()
                        : null) {
            utc(source, path.source());
            if (target != null) {
                utc(target, path.target());
            }
            for (Table table : c.tables()) {
                Map<List<String>, List<String>> expected = Reader.source(source, path.source(), table);
                Map<List<String>, List<String>> actual = target == null
                        ? LakeReader.rebuild(lake, namespace, table, problems)
                        : TargetReader.read(target, path.target(), pipeline.naming().targetName(
                                TableId.of(table.namespace == null ? namespace : table.namespace, table.name)), table,
                                problems);
                problems.addAll(Diff.compare(table, expected, actual));
            }
        }
    }

    private static void utc(Connection connection, Db db) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(db == Db.PG ? "SET TimeZone = 'UTC'" : "SET time_zone = '+00:00'");
        }
    }

    /** Drops the case's replication slot, so that cases do not use up the server's slots. */
    private void cleanUp(CasePath path, String prefix) {
        if (path.source() != Db.PG || !path.log()) {
            return;
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Connection c = env.pg().adminConnect(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + prefix + "'");
                return;
            } catch (SQLException e) {
                try {
                    Thread.sleep(200); // the walsender may still be exiting
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
