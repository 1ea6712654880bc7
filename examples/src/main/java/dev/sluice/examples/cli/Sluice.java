package dev.sluice.examples.cli;

import dev.sluice.CatchUpReport;
import dev.sluice.ExactlyOnceSink;
import dev.sluice.OffsetStore;
import dev.sluice.Pipeline;
import dev.sluice.PipelineState;
import dev.sluice.PipelineStatus;
import dev.sluice.Sink;
import dev.sluice.TableId;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code sluice} command line: {@code sluice replicate …} runs a pipeline from flags or a properties file.
 * Exit codes are those of {@link ExitCode}: 0 done, 1 the pipeline failed (one line naming the problem and the fix;
 * the stack trace with {@code --verbose}), 2 a mistake on the command line (with the usage), 3 retries exhausted,
 * 4 another process runs the pipeline, 130 interrupted.
 */
public final class Sluice {

    static final String USAGE = """
            usage: sluice replicate [options]    run a pipeline until SIGTERM/SIGINT (or --until-caught-up)
                   sluice triggers install|uninstall --source postgres|mysql --url URL --user U [--tables …]
                                                 create or remove the row triggers of --capture trigger
                   sluice backfill --pipeline NAME --table schema.table [--where CONDITION] [--offsets …]
                                                 ask a running pipeline (through its offset store) to read a
                                                 table again; give the sink and --offsets options of its run
                   sluice help                   this text

            source:  --source postgres|mysql|mongo --url URL --user U [--password P | --password-file F]
                     [--tables pattern,…] [--exclude pattern,…] [--snapshot initial|never|only|incremental]
                     [--snapshot-chunk-size ROWS] [--snapshot-parallelism N] [--schema-changes reread|fail]
                     [--safety-window 5m]
                     [--capture log|trigger|timestamp [--timestamp-column C] [--soft-delete-column D]]
                     postgres: [--numeric-mode decimal|text] [--table-check-interval 10s]
                     mysql: [--max-sink-stall 10m] [--tls disabled|verify-ca|verify-identity
                         [--trusted-certificates PEM]]
            sink:    --sink parquet --out DIR|s3://bucket/prefix [--s3-endpoint URL] [--s3-region R]
                         [--s3-access-key K --s3-secret-key S | --s3-secret-key-file F] [--s3-path-style]
                         [--writer-lease 60s] [--partition-by day|hour|none|column:NAME]
                         [--compression zstd|snappy|gzip] [--max-file-rows N] [--max-file-bytes 128m]
                         [--max-file-age 1h]
                     --sink jdbc --target-url URL --target-user U [--target-password P | --target-password-file F]
                         [--target-table-naming same-name|namespace-and-name]
            run:     [--pipeline NAME] [--offsets sink|jdbc|DIR] [--commit-interval 10s] [--until-caught-up]
                     [--max-retries N] [--retry-for 30m] [--max-backoff 1m] [--start-timeout 5m]
                     [--verbose] [--config FILE]

            --config FILE reads the same keys from a properties file (url=…, sink=parquet, …); flags win.
            Passwords also come from SLUICE_PASSWORD, SLUICE_TARGET_PASSWORD and SLUICE_S3_SECRET_KEY.
            Offsets default to the sink's own store (exactly once). Patterns are schema.table globs.
            Continuous runs retry outages without limit unless --max-retries/--retry-for; --until-caught-up: 3 retries.
            Exit codes: 0 ok, 1 failed, 2 usage, 3 retries exhausted, 4 already running, 130 interrupted.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final boolean terminal;

    Sluice(PrintStream out, PrintStream err, Map<String, String> environment, boolean terminal) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--verbose") || List.of(args).contains("--verbose=true")) {
            // before any logger exists: Sluice's own log lines carry stack traces at debug level only
            System.setProperty("org.slf4j.simpleLogger.log.dev.sluice", "debug");
        }
        Sluice sluice = new Sluice(System.out, System.err, System.getenv(), System.console() != null);
        System.exit(sluice.run(List.of(args)));
    }

    int run(List<String> args) {
        if (args.isEmpty() || List.of("help", "--help", "-h").contains(args.get(0))) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        boolean verbose = args.contains("--verbose") || args.contains("--verbose=true");
        try {
            return switch (args.get(0)) {
                case "replicate" -> replicate(Options.parse(args.subList(1, args.size()), environment));
                case "triggers" -> triggers(args.subList(1, args.size()));
                case "backfill" -> backfill(Options.parse(args.subList(1, args.size()), environment));
                default -> throw new UsageException("unknown command '" + args.get(0) + "'");
            };
        } catch (RuntimeException e) {
            if (!isUsage(e)) {
                return failed(e, verbose);
            }
            err.println("sluice: " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            err.print(USAGE);
            return ExitCode.USAGE.code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("sluice: interrupted");
            return ExitCode.INTERRUPTED.code;
        }
    }

    /** Builders reject bad values with these, naming the value; the pipeline itself fails with FatalException. */
    private static boolean isUsage(RuntimeException e) {
        return e instanceof UsageException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof NullPointerException;
    }

    private int triggers(List<String> args) {
        if (args.isEmpty() || !List.of("install", "uninstall").contains(args.get(0))) {
            throw new UsageException("say what to do with the triggers: sluice triggers install|uninstall …");
        }
        boolean install = args.get(0).equals("install");
        List<TableId> tables = new PipelineFactory(Options.parse(args.subList(1, args.size()), environment))
                .triggers(install);
        out.println((install ? "triggers installed on " : "triggers removed from ") + tables.size() + " tables");
        tables.forEach(table -> out.println("  " + table));
        return ExitCode.OK.code;
    }

    /**
     * Leaves a backfill signal in the offset store that {@code --offsets} (with the sink options, for the sink's own
     * store) names, for the pipeline {@code --pipeline} to pick up while it runs or when it next starts.
     */
    private int backfill(Options options) {
        String text = options.require("table", "for sluice backfill: the table to read again, as schema.table");
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            throw new UsageException("--table must be schema.table (database.table for MySQL/MariaDB), not '" + text
                    + "'");
        }
        TableId table = TableId.of(text.substring(0, dot), text.substring(dot + 1));
        String where = options.has("where") ? options.get("where") : null;
        String pipeline = options.get("pipeline", "sluice");
        PipelineFactory factory = new PipelineFactory(options);
        OffsetStore store = factory.offsetStore();
        Sink sink = null;
        try {
            String id;
            if (store != null) {
                options.refuseUnapplied("sluice backfill", true);
                id = Pipeline.requestBackfill(store, pipeline, table, where);
            } else {
                sink = factory.sink();
                if (!(sink instanceof ExactlyOnceSink own)) {
                    throw new UsageException("the sink keeps no offsets of its own: give the --offsets of the"
                            + " pipeline's run");
                }
                options.refuseUnapplied("sluice backfill", true);
                id = Pipeline.requestBackfill(own, pipeline, table, where);
            }
            out.println("backfill of " + table + (where == null ? "" : " where " + where) + " asked of pipeline "
                    + pipeline + " (signal " + id + " in " + (store != null ? store : sink) + ")");
            out.println("a running pipeline picks it up within seconds (one that is stopped, when it starts); its log"
                    + " says when it is recorded, or why it was refused");
            return ExitCode.OK.code;
        } finally {
            if (sink != null) {
                try {
                    sink.close();
                } catch (RuntimeException e) {
                    // never opened: nothing to release
                }
            }
            factory.closeResources();
        }
    }

    /**
     * Runs the pipeline with a shutdown hook that, on SIGTERM/SIGINT, closes it gracefully (what was captured is
     * committed) and then exits with the code this thread decides once the pipeline has ended: the hook never
     * picks a code itself, so a failed run cannot exit 0 because a signal or {@code System.exit} ran the hook.
     */
    private int replicate(Options options) throws InterruptedException {
        if (options.has("table") || options.has("where")) {
            throw new UsageException("--table and --where go with sluice backfill; sluice replicate takes --tables");
        }
        PipelineFactory factory = new PipelineFactory(options);
        CompletableFuture<Integer> decided = new CompletableFuture<>();
        int exit = ExitCode.FAILED.code;
        Thread hook = null;
        try (Progress progress = new Progress(out, terminal)) {
            Pipeline pipeline = factory.pipeline(progress);
            boolean once = options.flag("until-caught-up");
            try {
                options.refuseUnapplied("sluice replicate", false);
            } catch (UsageException e) {
                pipeline.close(); // never started: nothing to commit
                throw e;
            }
            progress.watch(pipeline);
            hook = new Thread(() -> {
                pipeline.close(); // flush and commit what was captured; the main thread then sees the end
                Runtime.getRuntime().halt(await(decided));
            }, "sluice-cli-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            exit = once ? catchUp(pipeline) : runUntilStopped(pipeline, options);
            return exit;
        } catch (InterruptedException e) {
            exit = ExitCode.INTERRUPTED.code;
            throw e;
        } catch (RuntimeException e) {
            exit = isUsage(e) ? ExitCode.USAGE.code : ExitCode.of(e).code; // run() reports it
            throw e;
        } finally {
            factory.closeResources();
            decided.complete(exit);
            removeQuietly(hook);
        }
    }

    /** The code the main thread decided; if it never does (it hangs), a failure rather than a success. */
    private static int await(CompletableFuture<Integer> decided) {
        try {
            return decided.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.INTERRUPTED.code;
        } catch (ExecutionException | TimeoutException e) {
            return ExitCode.FAILED.code;
        }
    }

    private static void removeQuietly(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // a signal or System.exit is running the hook: it exits with the code decided above
        }
    }

    private int catchUp(Pipeline pipeline) throws InterruptedException {
        CatchUpReport report = pipeline.runUntilCaughtUp();
        out.println((report.caughtUp() ? "caught up" : "stopped before catching up") + ": "
                + report.events() + " events in " + report.duration().toMillis() + " ms, committed "
                + (report.committedOffset() == null ? "nothing" : report.committedOffset().encode()));
        report.eventsPerTable().forEach((table, events) -> out.println("  " + table + ": " + events));
        // not caught up yet no failure: a signal (or an interrupt) closed the run first
        return report.caughtUp() ? ExitCode.OK.code : ExitCode.INTERRUPTED.code;
    }

    private int runUntilStopped(Pipeline pipeline, Options options) throws InterruptedException {
        pipeline.start();
        try {
            while (!pipeline.awaitTermination(Duration.ofSeconds(1))) {
                // the shutdown hook or a failure ends the wait
            }
        } catch (InterruptedException e) {
            pipeline.close(); // a graceful stop, as for a signal, before saying we were interrupted
            throw e;
        }
        PipelineStatus status = pipeline.status();
        if (status.state() == PipelineState.FAILED) {
            return failed(status.failure(), options.flag("verbose"));
        }
        out.println("pipeline " + status.state().name().toLowerCase(Locale.ROOT) + " after "
                + status.eventsCommitted() + " committed events");
        return ExitCode.OK.code;
    }

    private int failed(Throwable failure, boolean verbose) {
        err.println("sluice: " + (failure == null ? "the pipeline failed" : failure.getMessage()));
        if (verbose && failure != null) {
            failure.printStackTrace(err);
        } else {
            err.println("(run with --verbose for the stack trace)");
        }
        return ExitCode.of(failure).code;
    }
}
