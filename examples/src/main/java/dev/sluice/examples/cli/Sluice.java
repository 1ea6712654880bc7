package dev.sluice.examples.cli;

import dev.sluice.CatchUpReport;
import dev.sluice.Pipeline;
import dev.sluice.PipelineState;
import dev.sluice.PipelineStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code sluice} command line: {@code sluice replicate …} runs a pipeline from flags or a properties file.
 * Exit codes: 0 done, 1 the pipeline failed (one line naming the problem and the fix; the stack trace with
 * {@code --verbose}), 2 a mistake on the command line (with the usage).
 */
public final class Sluice {

    static final String USAGE = """
            usage: sluice replicate [options]    run a pipeline until SIGTERM/SIGINT (or --until-caught-up)
                   sluice triggers install|uninstall --source postgres|mysql --url URL --user U [--tables …]
                                                 create or remove the row triggers of --capture trigger
                   sluice help                   this text

            source:  --source postgres|mysql|mongo --url URL --user U [--password P | --password-file F]
                     [--tables pattern,…] [--exclude pattern,…] [--snapshot initial|never|only]
                     [--capture log|trigger|timestamp [--timestamp-column C] [--soft-delete-column D]]
            sink:    --sink parquet --out DIR|s3://bucket/prefix [--s3-endpoint URL] [--s3-region R]
                         [--s3-access-key K --s3-secret-key S | --s3-secret-key-file F] [--s3-path-style]
                     --sink jdbc --target-url URL --target-user U [--target-password P | --target-password-file F]
            run:     [--pipeline NAME] [--offsets sink|jdbc|DIR] [--commit-interval 10s] [--max-retries 3]
                     [--until-caught-up] [--verbose] [--config FILE]

            --config FILE reads the same keys from a properties file (url=…, sink=parquet, …); flags win.
            Passwords also come from SLUICE_PASSWORD, SLUICE_TARGET_PASSWORD and SLUICE_S3_SECRET_KEY.
            Offsets default to the sink's own store (exactly once). Patterns are schema.table globs.
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
        Sluice sluice = new Sluice(System.out, System.err, System.getenv(), System.console() != null);
        System.exit(sluice.run(List.of(args)));
    }

    int run(List<String> args) {
        if (args.isEmpty() || List.of("help", "--help", "-h").contains(args.get(0))) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        boolean verbose = args.contains("--verbose");
        try {
            return switch (args.get(0)) {
                case "replicate" -> replicate(Options.parse(args.subList(1, args.size()), environment));
                case "triggers" -> triggers(args.subList(1, args.size()));
                default -> throw new UsageException("unknown command '" + args.get(0) + "'");
            };
        } catch (UsageException | IllegalArgumentException | IllegalStateException | NullPointerException e) {
            // builders reject bad values with these, naming the value
            err.println("sluice: " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            err.print(USAGE);
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("sluice: interrupted");
            return 1;
        } catch (RuntimeException e) {
            return failed(e, verbose);
        }
    }

    private int triggers(List<String> args) {
        if (args.isEmpty() || !List.of("install", "uninstall").contains(args.get(0))) {
            throw new UsageException("say what to do with the triggers: sluice triggers install|uninstall …");
        }
        boolean install = args.get(0).equals("install");
        List<dev.sluice.TableId> tables = new PipelineFactory(Options.parse(args.subList(1, args.size()), environment))
                .triggers(install);
        out.println((install ? "triggers installed on " : "triggers removed from ") + tables.size() + " tables");
        tables.forEach(table -> out.println("  " + table));
        return 0;
    }

    private int replicate(Options options) throws InterruptedException {
        PipelineFactory factory = new PipelineFactory(options);
        try (Progress progress = new Progress(out, terminal)) {
            Pipeline pipeline = factory.pipeline(progress);
            progress.watch(pipeline);
            if (options.flag("until-caught-up")) {
                CatchUpReport report = pipeline.runUntilCaughtUp();
                out.println((report.caughtUp() ? "caught up" : "stopped before catching up") + ": "
                        + report.events() + " events in " + report.duration().toMillis() + " ms, committed "
                        + (report.committedOffset() == null ? "nothing" : report.committedOffset().encode()));
                report.eventsPerTable().forEach((table, events) -> out.println("  " + table + ": " + events));
                return report.caughtUp() ? 0 : 1;
            }
            Thread hook = new Thread(() -> {
                pipeline.close(); // flush and commit what was captured
                factory.closeResources();
                Runtime.getRuntime().halt(0); // a graceful stop on SIGTERM/SIGINT is a success
            }, "sluice-cli-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            pipeline.start();
            while (!pipeline.awaitTermination(Duration.ofSeconds(1))) {
                // the shutdown hook or a failure ends the wait
            }
            Runtime.getRuntime().removeShutdownHook(hook);
            PipelineStatus status = pipeline.status();
            if (status.state() == PipelineState.FAILED) {
                return failed(status.failure(), options.flag("verbose"));
            }
            out.println("pipeline " + status.state().name().toLowerCase(java.util.Locale.ROOT) + " after "
                    + status.eventsCommitted() + " committed events");
            return 0;
        } finally {
            factory.closeResources();
        }
    }

    private int failed(Throwable failure, boolean verbose) {
        err.println("sluice: " + (failure == null ? "the pipeline failed" : failure.getMessage()));
        if (verbose && failure != null) {
            failure.printStackTrace(err);
        } else {
            err.println("(run with --verbose for the stack trace)");
        }
        return 1;
    }
}
