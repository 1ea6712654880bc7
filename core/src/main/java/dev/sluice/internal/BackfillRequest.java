package dev.sluice.internal;

import dev.sluice.TableId;
import java.util.concurrent.CompletableFuture;

/**
 * One request to backfill a table, from {@code Pipeline.backfill} in this process or from a signal in the offset
 * store. Its future completes once an offset that records it is committed, or exceptionally when the stream
 * refuses it or the pipeline ends first.
 *
 * @param signalId the id of the signal it came from, or null for a request made in this process
 */
record BackfillRequest(TableId table, String condition, String signalId, CompletableFuture<Void> future) {

    BackfillRequest(TableId table, String condition, String signalId) {
        this(table, condition, signalId, new CompletableFuture<>());
    }

    String describe() {
        return (condition == null ? table.toString() : table + " where " + condition)
                + (signalId == null ? "" : " (signal " + signalId + ")");
    }
}
