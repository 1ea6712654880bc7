package dev.sluice.examples.cli;

import dev.sluice.PipelineAlreadyRunningException;
import dev.sluice.RetriesExhaustedException;

/** The exit codes of {@code sluice}, as docs/cli.md lists them. */
enum ExitCode {
    /** Done: caught up, completed, or stopped by SIGTERM/SIGINT after a graceful close of a continuous run. */
    OK(0),
    /** The pipeline failed on a fatal error of its source, sink or offset store; the message names the fix. */
    FAILED(1),
    /** A mistake on the command line or in the config file, or a value a builder refuses. */
    USAGE(2),
    /** Retriable failures lasted longer than {@code --max-retries}/{@code --retry-for} allow; try again later. */
    RETRIES_EXHAUSTED(3),
    /** Another process runs the same pipeline (its offset store holds the lease); nothing was done. */
    ALREADY_RUNNING(4),
    /** Interrupted, or a {@code --until-caught-up} run stopped by a signal before it caught up. */
    INTERRUPTED(130);

    final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** The code for a pipeline that stopped with this failure. */
    static ExitCode of(Throwable failure) {
        if (failure instanceof RetriesExhaustedException) {
            return RETRIES_EXHAUSTED;
        }
        if (failure instanceof PipelineAlreadyRunningException) {
            return ALREADY_RUNNING;
        }
        return FAILED;
    }
}
