package dev.sluice.capture;

import dev.sluice.FatalException;
import dev.sluice.Schema;
import dev.sluice.TableId;

/** The message of {@link SchemaChanges#FAIL}. Stateless. */
final class ColumnChange {

    private ColumnChange() {}

    static FatalException failure(TableId table, Schema now, String method) {
        return new FatalException("the columns of " + table + " changed (now " + TableShape.describe(now) + ") since "
                + "the targets last received its rows, and " + method + " capture is set to fail on such a change "
                + "(schemaChanges(SchemaChanges.FAIL)): rows no later change mentions (a renamed column's values, an "
                + "added column's default, converted values) would differ between the source and the targets. Fix: "
                + "restart with schemaChanges(SchemaChanges.REREAD) (CLI: --schema-changes reread), which reads the "
                + "table again.");
    }
}
