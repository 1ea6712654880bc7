package dev.sluice.source.postgres;

import dev.sluice.FatalException;
import dev.sluice.PipelineAlreadyRunningException;
import dev.sluice.RetriableException;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * One process per pipeline, one slot per pipeline name: the checks a stream makes before it touches slot or
 * publication. A holder that is an earlier session of the same source object (its application_name carries the
 * source's prefix) is waited for a little and then retriable; any other holder is fatal ("already running").
 * Used by the capture thread while a stream opens.
 */
final class Fence {

    /** How long an open waits for an earlier session of the same source (just closed) to let go of the slot. */
    private static final long OWN_SESSION_WAIT_NANOS = 5_000_000_000L;

    private final Setup setup;
    private final String slot;
    private final String pipeline;
    private final String applicationPrefix;
    private final boolean derivedSlot;

    Fence(Setup setup, String slot, String pipeline, PostgresSource config) {
        this.setup = setup;
        this.slot = slot;
        this.pipeline = pipeline;
        this.applicationPrefix = config.applicationPrefix();
        this.derivedSlot = config.derivesSlotName();
    }

    /**
     * One process per pipeline: takes the slot's advisory lock for as long as this stream lives, so a second process
     * of the same pipeline stops at once instead of dropping or taking the first one's slot.
     */
    void lock() throws SQLException {
        long deadline = System.nanoTime() + OWN_SESSION_WAIT_NANOS;
        Setup.Session holder = setup.lockSlot(slot);
        // an earlier session of this source just closed (a retry, a reopen): its backend is still ending; or the
        // holder let go between the attempt and the look at pg_locks (pid 0): try again
        while (holder != null && (ownSession(holder) || holder.pid() == 0) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000_000L);
            holder = setup.lockSlot(slot);
        }
        if (holder != null && holder.pid() == 0) {
            throw new RetriableException("the advisory lock of slot " + slot + " changed hands repeatedly while this"
                    + " stream tried to take it; retrying");
        }
        if (holder != null) {
            throw busy(holder, "is held by");
        }
    }

    /**
     * The slot's state once no session uses it: waits a little for an earlier session of this source (its
     * walsender still exiting after a close), fails at once for anybody else's. Null if there is no slot.
     */
    Setup.SlotState idleSlot(Setup.SlotState state) throws SQLException {
        long deadline = System.nanoTime() + OWN_SESSION_WAIT_NANOS;
        while (state != null && state.active() && ownSession(setup.session(state.activePid()))
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000_000L);
            state = setup.slot(slot);
        }
        if (state != null && state.active()) {
            throw busy(setup.session(state.activePid()), "is in use by");
        }
        return state;
    }

    private boolean ownSession(Setup.Session session) {
        return session.applicationName() != null && session.applicationName().startsWith(applicationPrefix);
    }

    /** The slot is in use: retriable if by an earlier session of this source, else fatal ("already running"). */
    private RuntimeException busy(Setup.Session holder, String how) {
        String application = holder.applicationName();
        if (ownSession(holder)) {
            return new RetriableException("slot " + slot + " " + how + " pid " + holder.pid() + ", an earlier session"
                    + " of this pipeline whose connection was lost; the server ends it once it notices (within about"
                    + " 30 s), then the pipeline resumes");
        }
        return new PipelineAlreadyRunningException("pipeline " + pipeline + " is already running (slot " + slot + " "
                + how + " pid " + holder.pid() + (application == null ? "" : ", application '" + application + "'")
                + "). Only one process may run a pipeline: stop this one, or give it another pipeline name. If the"
                + " other process is gone, the server ends its session once it notices (within about 30 s), or end it"
                + " now with SELECT pg_terminate_backend(" + holder.pid() + ");");
    }

    /**
     * A pipeline whose name is not a valid identifier used to get the slot {@code sluice_<normalised name>}, which
     * another name could share; it now gets one with a hash of its exact name. Resuming with a stored offset while
     * only the old slot exists would otherwise read "slot does not exist": say what happened and how to keep it.
     */
    void checkLegacySlot(PgOffset from) throws SQLException {
        String legacy = PostgresSource.legacyName(pipeline);
        if (from == null || from.snapshot() || !derivedSlot || legacy.equals(slot)
                || setup.slot(slot) != null || setup.slot(legacy) == null) {
            return;
        }
        throw new FatalException("pipeline '" + pipeline + "' now derives the slot and publication name "
                + slot + " (its name is not a valid identifier, so the name carries a hash of it: two pipeline names"
                + " that normalise alike no longer share a slot), but its stored offset belongs to the old slot "
                + legacy + ". Fix: if no other pipeline uses " + legacy + ", build the source with .slotName(\""
                + legacy + "\").publicationName(\"" + legacy + "\") to keep it; otherwise re-snapshot by deleting"
                + " the pipeline's stored offset.");
    }
}
