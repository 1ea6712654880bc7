package dev.sluice.examples;

import dev.sluice.CatchUpReport;
import dev.sluice.Pipeline;
import dev.sluice.PipelineStatus;
import dev.sluice.TableFilter;
import dev.sluice.sink.s3.ParquetSink;
import dev.sluice.source.postgres.PostgresSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The README's first command: PostgreSQL (embedded, started here) → its write-ahead log → Parquet files in a local
 * folder, with live inserts, updates and deletes while the pipeline runs, then what landed, read back.
 *
 * <p>Usage: {@code Quickstart [--lake DIR] [--data DIR] [--seconds N]}. The embedded server's data and the lake
 * survive between runs: a second run resumes from the committed offset and adds to the same files' history.
 */
public final class Quickstart {

    private Quickstart() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // the quickstart prints its own story; warnings and errors still show
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Path lake = Path.of("lake");
        Path data = Path.of(".sluice-quickstart");
        int seconds = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--lake" -> lake = Path.of(value(args, ++i));
                case "--data" -> data = Path.of(value(args, ++i));
                case "--seconds" -> seconds = Integer.parseInt(value(args, ++i));
                default -> {
                    System.err.println("unknown argument '" + args[i] + "'; usage: quickstart [--lake DIR]"
                            + " [--data DIR] [--seconds N]");
                    System.exit(2);
                }
            }
        }
        if (!run(lake.toAbsolutePath(), data.toAbsolutePath().resolve("postgres"), seconds)) {
            System.exit(1);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println(args[i - 1] + " needs a value");
            System.exit(2);
        }
        return args[i];
    }

    /** Runs the quickstart; true if the rows rebuilt from the lake equal the database's. */
    static boolean run(Path lake, Path pgData, int seconds) throws Exception {
        boolean resumed = Files.isDirectory(pgData);
        say("starting an embedded PostgreSQL (wal_level=logical) in " + pgData
                + (resumed ? " — resuming the previous run's database" : ""));
        try (EmbeddedShopDatabase db = EmbeddedShopDatabase.start(pgData);
                Connection app = db.connect()) {
            Shop shop = new Shop();
            if (shop.create(app)) {
                say("created the shop: " + Shop.CATEGORIES.size() + " categories, 20 products, 30 orders");
            }

            try (Pipeline pipeline = pipeline(db, lake)) {
                say("pipeline 'quickstart': PostgreSQL log → Parquet in " + lake + " (commit every second)");
                pipeline.start();
                for (int second = 1; second <= seconds; second++) {
                    for (int i = 0; i < 5; i++) {
                        shop.liveChange(app);
                    }
                    Thread.sleep(1000);
                    PipelineStatus status = pipeline.status();
                    say(String.format(Locale.ROOT, "  %2ds  %-10s captured %5d  committed %5d", second,
                            status.state(), status.eventsCaptured(), status.eventsCommitted()));
                }
            }
            // the live run stopped at its last commit; a "sync now" run takes everything up to this moment
            CatchUpReport report = pipeline(db, lake).runUntilCaughtUp();
            say("caught up: " + report.events() + " more events in " + report.duration().toMillis() + " ms");

            TextTable orders = LakeReader.finalRows(lake, "public", "orders", "id", "*");
            try (Stream<Path> files = Files.walk(lake)) {
                List<Path> parquet = files.filter(p -> p.toString().endsWith(".parquet"))
                        .filter(p -> !lake.relativize(p).startsWith("_sluice")).sorted().toList();
                say("\n" + parquet.size() + " Parquet files landed:");
                parquet.forEach(p -> say("  " + lake.relativize(p)));
            }
            say("\nthe orders table rebuilt from the files (last change per id, deletes removed):");
            System.out.print(orders.render(15));
            String compared = "id, product_id, quantity, total, status";
            boolean match = LakeReader.finalRows(lake, "public", "orders", "id", compared).rows()
                    .equals(TextTable.of(app, "SELECT " + compared + " FROM orders ORDER BY id").rows());
            say(orders.size() + " orders in the lake; compared value by value with PostgreSQL: "
                    + (match ? "they match" : "THEY DIFFER"));
            say("\nquery it yourself with DuckDB:\n  duckdb -c \"SELECT _op, _seq, id, status, total FROM "
                    + "read_parquet('" + lake + "/public/orders/*/*.parquet', hive_partitioning = true) "
                    + "ORDER BY _seq\"");
            return match;
        }
    }

    private static Pipeline pipeline(EmbeddedShopDatabase db, Path lake) {
        return Pipeline.builder()
                .name("quickstart")
                .source(PostgresSource.builder()
                        .jdbcUrl(db.jdbcUrl())
                        .user(db.user())
                        .password("")
                        .tables(TableFilter.include("public.*"))
                        .build())
                .sink(ParquetSink.builder().localFolder(lake).build())
                .commitInterval(Duration.ofSeconds(1))
                .build();
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
