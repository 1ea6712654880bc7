package dev.sluice.sink.jdbc;

import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Applying changes to Postgres: sequences, soft delete, table creation and evolution, types, refusals. */
@ExtendWith(PostgresExtension.class)
class JdbcSinkPostgresIT {

    @Test
    void theMdcNamesTheTableWhileItIsCreatedAndWritten(PostgresDatabase db) throws Exception {
        LogContextScenarios.theMdcNamesTheTableWhileItIsCreatedAndWritten(new Db(db));
    }

    @Test
    void insertUpdateDeleteSequencesEndInTheSourceState(PostgresDatabase db) throws Exception {
        ApplyScenarios.insertUpdateDeleteSequencesEndInTheSourceState(new Db(db));
    }

    @Test
    void softDeleteFlagsRowsInsteadOfDeleting(PostgresDatabase db) throws Exception {
        ApplyScenarios.softDeleteFlagsRowsInsteadOfDeleting(new Db(db));
    }

    @Test
    void createsTheTableOnTheFirstEventAndAddsAColumnMidStream(PostgresDatabase db) throws Exception {
        ApplyScenarios.createsTheTableOnTheFirstEventAndAddsAColumnMidStream(new Db(db));
    }

    @Test
    void aTableWithoutKeyStopsWithAFix(PostgresDatabase db) {
        ApplyScenarios.aTableWithoutKeyStopsWithAFix(new Db(db));
    }

    @Test
    void aDecimalThatWouldBeRoundedStopsWithAFix(PostgresDatabase db) throws Exception {
        ApplyScenarios.aDecimalThatWouldBeRoundedStopsWithAFix(new Db(db));
    }

    @Test
    void everyTypeRoundTripsValueByValue(PostgresDatabase db) throws Exception {
        TypeScenarios.everyTypeRoundTripsValueByValue(new Db(db));
    }

    @Test
    void sameNamedTablesOfTwoSchemasAreRefusedNotMerged(PostgresDatabase db) throws Exception {
        NamingScenarios.sameNamedTablesOfTwoSchemasAreRefusedNotMerged(new Db(db));
    }

    @Test
    void namespaceAndNameKeepsSameNamedTablesApart(PostgresDatabase db) throws Exception {
        NamingScenarios.namespaceAndNameKeepsSameNamedTablesApart(new Db(db));
    }

    @Test
    void aSecondSinkOfThePipelineStopsAtOpenUntilTheFirstCloses(PostgresDatabase db) throws Exception {
        FencingScenarios.aSecondSinkOfThePipelineStopsAtOpenUntilTheFirstCloses(new Db(db));
    }

    @Test
    void twoPipelinesOfOneNameRunningTogetherDoNotDamageEachOther(PostgresDatabase db) throws Exception {
        FencingScenarios.twoPipelinesOfOneNameRunningTogetherDoNotDamageEachOther(new Db(db));
    }

    @Test
    void aWideningTypeChangeInABatchWidensTheTargetColumn(PostgresDatabase db) throws Exception {
        TypeChangeScenarios.aWideningTypeChangeInABatchWidensTheTargetColumn(new Db(db));
    }

    @Test
    void anIncompatibleTypeChangeStopsAndAHandMadeFixUnsticksIt(PostgresDatabase db) throws Exception {
        TypeChangeScenarios.anIncompatibleTypeChangeStopsAndAHandMadeFixUnsticksIt(new Db(db));
    }

    @Test
    void megabyteValuesAreSentInBatchesBoundedInBytes(PostgresDatabase db) throws Exception {
        BatchBytesScenarios.megabyteValuesAreSentInBatchesBoundedInBytes(new Db(db));
    }

    @Test
    void keyChangesMixedWithOtherChangesOfThoseKeysEndInTheSourceState(PostgresDatabase db) throws Exception {
        KeyChangeScenarios.keyChangesMixedWithOtherChangesOfThoseKeysEndInTheSourceState(new Db(db), false);
    }

    @Test
    void keyChangesWithSoftDeleteEndInTheSourceState(PostgresDatabase db) throws Exception {
        KeyChangeScenarios.keyChangesMixedWithOtherChangesOfThoseKeysEndInTheSourceState(new Db(db), true);
    }

    @Test
    void edgeValuesRoundTripExactly(PostgresDatabase db) throws Exception {
        EdgeValueScenarios.edgeValuesRoundTripExactly(new Db(db));
    }

    @Test
    void twoStringKeyColumnsTakeTheirShareOfTheKeyLimit(PostgresDatabase db) throws Exception {
        KeyLimitScenarios.twoStringKeyColumnsTakeTheirShareOfTheKeyLimit(new Db(db));
    }

    @Test
    void declaredLengthUuidAndIntKeyKeepsTheDeclaredLength(PostgresDatabase db) throws Exception {
        KeyLimitScenarios.declaredLengthUuidAndIntKeyKeepsTheDeclaredLength(new Db(db));
    }

    @Test
    void binaryAndStringKeyShareTheLimitInBytes(PostgresDatabase db) throws Exception {
        KeyLimitScenarios.binaryAndStringKeyShareTheLimitInBytes(new Db(db));
    }

    @Test
    void declaredKeyLengthsBeyondTheLimitStopWithTheFix(PostgresDatabase db) throws Exception {
        KeyLimitScenarios.declaredKeyLengthsBeyondTheLimitStopWithTheFix(new Db(db));
    }

    @Test
    void aKeyTooLargeForThePostgresIndexStopsNamingTheColumn(PostgresDatabase db) throws Exception {
        KeyLimitScenarios.aKeyTooLargeForThePostgresIndexStopsNamingTheColumn(new Db(db));
    }

    @Test
    void droppedAndRenamedColumnsBecomeNullableAndLaterInsertsLand(PostgresDatabase db) throws Exception {
        DroppedColumnScenarios.droppedAndRenamedColumnsBecomeNullableAndLaterInsertsLand(new Db(db));
    }

    @Test
    void withoutSchemaEvolutionADroppedNotNullColumnStopsWithTheFix(PostgresDatabase db) throws Exception {
        DroppedColumnScenarios.withoutSchemaEvolutionADroppedNotNullColumnStopsWithTheFix(new Db(db));
    }

    @Test
    void theApplicationsPooledConnectionComesBackWithItsOwnSettings(PostgresDatabase db) throws Exception {
        PooledConnectionScenarios.theApplicationsPooledConnectionComesBackWithItsOwnSettings(new Db(db));
    }
}
