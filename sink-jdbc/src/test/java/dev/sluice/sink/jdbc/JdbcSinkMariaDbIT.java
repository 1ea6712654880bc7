package dev.sluice.sink.jdbc;

import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Applying changes to MariaDb: sequences, soft delete, table creation and evolution, types, refusals. */
@ExtendWith(MariaDbExtension.class)
class JdbcSinkMariaDbIT {

    @Test
    void insertUpdateDeleteSequencesEndInTheSourceState(MariaDbDatabase db) throws Exception {
        ApplyScenarios.insertUpdateDeleteSequencesEndInTheSourceState(new Db(db));
    }

    @Test
    void softDeleteFlagsRowsInsteadOfDeleting(MariaDbDatabase db) throws Exception {
        ApplyScenarios.softDeleteFlagsRowsInsteadOfDeleting(new Db(db));
    }

    @Test
    void createsTheTableOnTheFirstEventAndAddsAColumnMidStream(MariaDbDatabase db) throws Exception {
        ApplyScenarios.createsTheTableOnTheFirstEventAndAddsAColumnMidStream(new Db(db));
    }

    @Test
    void aTableWithoutKeyStopsWithAFix(MariaDbDatabase db) {
        ApplyScenarios.aTableWithoutKeyStopsWithAFix(new Db(db));
    }

    @Test
    void aDecimalThatWouldBeRoundedStopsWithAFix(MariaDbDatabase db) throws Exception {
        ApplyScenarios.aDecimalThatWouldBeRoundedStopsWithAFix(new Db(db));
    }

    @Test
    void everyTypeRoundTripsValueByValue(MariaDbDatabase db) throws Exception {
        TypeScenarios.everyTypeRoundTripsValueByValue(new Db(db));
    }

    @Test
    void sameNamedTablesOfTwoSchemasAreRefusedNotMerged(MariaDbDatabase db) throws Exception {
        NamingScenarios.sameNamedTablesOfTwoSchemasAreRefusedNotMerged(new Db(db));
    }

    @Test
    void namespaceAndNameKeepsSameNamedTablesApart(MariaDbDatabase db) throws Exception {
        NamingScenarios.namespaceAndNameKeepsSameNamedTablesApart(new Db(db));
    }

    @Test
    void aSecondSinkOfThePipelineStopsAtOpenUntilTheFirstCloses(MariaDbDatabase db) throws Exception {
        FencingScenarios.aSecondSinkOfThePipelineStopsAtOpenUntilTheFirstCloses(new Db(db));
    }

    @Test
    void twoPipelinesOfOneNameRunningTogetherDoNotDamageEachOther(MariaDbDatabase db) throws Exception {
        FencingScenarios.twoPipelinesOfOneNameRunningTogetherDoNotDamageEachOther(new Db(db));
    }

    @Test
    void aWideningTypeChangeInABatchWidensTheTargetColumn(MariaDbDatabase db) throws Exception {
        TypeChangeScenarios.aWideningTypeChangeInABatchWidensTheTargetColumn(new Db(db));
    }

    @Test
    void anIncompatibleTypeChangeStopsAndAHandMadeFixUnsticksIt(MariaDbDatabase db) throws Exception {
        TypeChangeScenarios.anIncompatibleTypeChangeStopsAndAHandMadeFixUnsticksIt(new Db(db));
    }

    @Test
    void megabyteValuesAreSentInBatchesBoundedInBytes(MariaDbDatabase db) throws Exception {
        BatchBytesScenarios.megabyteValuesAreSentInBatchesBoundedInBytes(new Db(db));
    }

    @Test
    void keyChangesMixedWithOtherChangesOfThoseKeysEndInTheSourceState(MariaDbDatabase db) throws Exception {
        KeyChangeScenarios.keyChangesMixedWithOtherChangesOfThoseKeysEndInTheSourceState(new Db(db), false);
    }

    @Test
    void keyChangesWithSoftDeleteEndInTheSourceState(MariaDbDatabase db) throws Exception {
        KeyChangeScenarios.keyChangesMixedWithOtherChangesOfThoseKeysEndInTheSourceState(new Db(db), true);
    }

    @Test
    void edgeValuesRoundTripExactly(MariaDbDatabase db) throws Exception {
        EdgeValueScenarios.edgeValuesRoundTripExactly(new Db(db));
    }

    @Test
    void twoStringKeyColumnsTakeTheirShareOfTheKeyLimit(MariaDbDatabase db) throws Exception {
        KeyLimitScenarios.twoStringKeyColumnsTakeTheirShareOfTheKeyLimit(new Db(db));
    }

    @Test
    void declaredLengthUuidAndIntKeyKeepsTheDeclaredLength(MariaDbDatabase db) throws Exception {
        KeyLimitScenarios.declaredLengthUuidAndIntKeyKeepsTheDeclaredLength(new Db(db));
    }

    @Test
    void binaryAndStringKeyShareTheLimitInBytes(MariaDbDatabase db) throws Exception {
        KeyLimitScenarios.binaryAndStringKeyShareTheLimitInBytes(new Db(db));
    }

    @Test
    void declaredKeyLengthsBeyondTheLimitStopWithTheFix(MariaDbDatabase db) throws Exception {
        KeyLimitScenarios.declaredKeyLengthsBeyondTheLimitStopWithTheFix(new Db(db));
    }

    @Test
    void droppedAndRenamedColumnsBecomeNullableAndLaterInsertsLand(MariaDbDatabase db) throws Exception {
        DroppedColumnScenarios.droppedAndRenamedColumnsBecomeNullableAndLaterInsertsLand(new Db(db));
    }

    @Test
    void withoutSchemaEvolutionADroppedNotNullColumnStopsWithTheFix(MariaDbDatabase db) throws Exception {
        DroppedColumnScenarios.withoutSchemaEvolutionADroppedNotNullColumnStopsWithTheFix(new Db(db));
    }

    @Test
    void theApplicationsPooledConnectionComesBackWithItsOwnSettings(MariaDbDatabase db) throws Exception {
        PooledConnectionScenarios.theApplicationsPooledConnectionComesBackWithItsOwnSettings(new Db(db));
    }
}
