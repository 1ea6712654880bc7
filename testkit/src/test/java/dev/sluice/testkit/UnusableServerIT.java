package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * A server that cannot be reached fails the test on CI ({@code CI=true}) and skips it elsewhere,
 * quickly, with a message that says what to do. Run against extensions pointed at a closed port.
 * The classes it runs are nested, so failsafe does not pick them up on their own.
 */
class UnusableServerIT {

    private static final int CLOSED_PORT = closedPort();

    @Test
    void testNeedingAnUnreachablePostgresIsSkippedOffCiAndFailsOnCi() {
        long start = System.nanoTime();
        Events tests = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NeedsPostgres.class))
                .execute()
                .testEvents();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        tests.assertStatistics(stats -> stats.started(2).succeeded(1)
                .aborted(Env.isCi() ? 0 : 1).failed(Env.isCi() ? 1 : 0));
        assertThat(reason(Env.isCi() ? tests.failed() : tests.aborted()))
                .hasMessageStartingWith("PostgreSQL at 127.0.0.1:" + CLOSED_PORT + " does not accept user sluice")
                .hasMessageContaining("run scripts/setup-services as root, or set SLUICE_PG_HOST/SLUICE_PG_PORT/");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void testNeedingAnUnreachableMariaDbIsSkippedOffCiAndFailsOnCi() {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NeedsMariaDb.class))
                .execute()
                .testEvents();

        tests.assertStatistics(stats -> stats.started(1)
                .aborted(Env.isCi() ? 0 : 1).failed(Env.isCi() ? 1 : 0));
        assertThat(reason(Env.isCi() ? tests.failed() : tests.aborted()))
                .hasMessageStartingWith("MariaDB at 127.0.0.1:" + CLOSED_PORT + " does not accept user sluice")
                .hasMessageContaining("run scripts/setup-services as root, or set SLUICE_MARIADB_HOST/");
    }

    @Test
    void beforeAllNeedingAnUnreachableServerSkipsTheClassOffCi() {
        Events containers = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NeedsPostgresForTheClass.class))
                .execute()
                .containerEvents();

        Events outcome = Env.isCi() ? containers.failed() : containers.aborted();
        assertThat(outcome.count()).isEqualTo(1);
        assertThat(reason(outcome)).hasMessageContaining("run scripts/setup-services as root");
    }

    @Test
    void constructorNeedingAnUnreachableServerSkipsTheTestOffCi() {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NeedsPostgresInTheConstructor.class))
                .execute()
                .testEvents();

        tests.assertStatistics(stats -> stats.started(1)
                .aborted(Env.isCi() ? 0 : 1).failed(Env.isCi() ? 1 : 0));
        assertThat(reason(Env.isCi() ? tests.failed() : tests.aborted()))
                .hasMessageContaining("run scripts/setup-services as root");
    }

    private static Throwable reason(Events events) {
        Event event = events.stream().findFirst().orElseThrow();
        return event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ServerAddress unreachable(String prefix) {
        return new ServerAddress("127.0.0.1", CLOSED_PORT, "sluice", "sluice", "sluice_admin", "sluice_admin", prefix);
    }

    static final class UnreachablePostgres extends DatabaseExtension {
        private static final PostgresServer SERVER = new PostgresServer(unreachable("SLUICE_PG"));

        UnreachablePostgres() {
            super(PostgresDatabase.class);
        }

        @Override
        DatabaseServer server() {
            return SERVER;
        }
    }

    static final class UnreachableMariaDb extends DatabaseExtension {
        private static final MariaDbServer SERVER = new MariaDbServer(unreachable("SLUICE_MARIADB"));

        UnreachableMariaDb() {
            super(MariaDbDatabase.class);
        }

        @Override
        DatabaseServer server() {
            return SERVER;
        }
    }

    @ExtendWith(UnreachablePostgres.class)
    static class NeedsPostgres {
        @Test
        void usesTheDatabase(PostgresDatabase db) {
            throw new AssertionError("must not run without a server, got " + db);
        }

        @Test
        void usesNoDatabase() {
        }
    }

    @ExtendWith(UnreachableMariaDb.class)
    static class NeedsMariaDb {
        @Test
        void usesTheDatabase(MariaDbDatabase db) {
            throw new AssertionError("must not run without a server, got " + db);
        }
    }

    @ExtendWith(UnreachablePostgres.class)
    static class NeedsPostgresInTheConstructor {
        NeedsPostgresInTheConstructor(PostgresDatabase db) {
            throw new AssertionError("must not run without a server, got " + db);
        }

        @Test
        void runsNot() {
        }
    }

    @ExtendWith(UnreachablePostgres.class)
    static class NeedsPostgresForTheClass {
        @BeforeAll
        static void prepare(PostgresDatabase db) {
            throw new AssertionError("must not run without a server, got " + db);
        }

        @Test
        void runsNot() {
        }
    }
}
