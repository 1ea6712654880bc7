package dev.sluice.sink.jdbc;

import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Crashes against MariaDb: killed connections, a killed process; data and offset always commit together. */
@ExtendWith(MariaDbExtension.class)
class JdbcSinkMariaDbCrashIT {

    @Test
    void aConnectionKilledInsideABatchLosesOnlyTheUncommittedBatch(MariaDbDatabase db) throws Exception {
        CrashScenarios.aConnectionKilledInsideABatchLosesOnlyTheUncommittedBatch(new Db(db));
    }

    @Test
    void aPipelineWhoseConnectionsAreKilledRecoversExactly(MariaDbDatabase db) throws Exception {
        CrashScenarios.aPipelineWhoseConnectionsAreKilledRecoversExactly(new Db(db));
    }

    @Test
    void aKilledProcessLeavesDataAndOffsetTogether(MariaDbDatabase db) throws Exception {
        CrashScenarios.aKilledProcessLeavesDataAndOffsetTogether(new Db(db));
    }
}
