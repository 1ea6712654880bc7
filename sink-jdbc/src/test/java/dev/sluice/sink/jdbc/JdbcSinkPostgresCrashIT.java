package dev.sluice.sink.jdbc;

import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Crashes against Postgres: killed connections, a killed process; data and offset always commit together. */
@ExtendWith(PostgresExtension.class)
class JdbcSinkPostgresCrashIT {

    @Test
    void aConnectionKilledInsideABatchLosesOnlyTheUncommittedBatch(PostgresDatabase db) throws Exception {
        CrashScenarios.aConnectionKilledInsideABatchLosesOnlyTheUncommittedBatch(new Db(db));
    }

    @Test
    void aPipelineWhoseConnectionsAreKilledRecoversExactly(PostgresDatabase db) throws Exception {
        CrashScenarios.aPipelineWhoseConnectionsAreKilledRecoversExactly(new Db(db));
    }

    @Test
    void aKilledProcessLeavesDataAndOffsetTogether(PostgresDatabase db) throws Exception {
        CrashScenarios.aKilledProcessLeavesDataAndOffsetTogether(new Db(db));
    }
}
