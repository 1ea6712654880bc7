package dev.sluice.difftest;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import dev.sluice.testkit.PostgresDatabase;
import dev.sluice.testkit.PostgresExtension;
import dev.sluice.testkit.S3Bucket;
import dev.sluice.testkit.S3Extension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The soak: new random seeds on every path, round-robin, for {@code -Ddifftest.soak.seconds=N} seconds (does nothing
 * without it; {@code scripts/soak} sets it). Prints per path how many cases ran, passed and failed, with the seeds of
 * the failures, also into {@code target/difftest/soak-summary.txt}; each failure's case is in its folder there.
 */
@ExtendWith({PostgresExtension.class, MariaDbExtension.class, S3Extension.class})
class SoakIT {

    @Test
    void newSeedsOnEveryPathForTheGivenTime(PostgresDatabase pg, MariaDbDatabase maria, S3Bucket bucket)
            throws Exception {
        String seconds = Settings.property("difftest.soak.seconds");
        Assumptions.assumeTrue(seconds != null, "no -Ddifftest.soak.seconds: the soak does not run");
        long deadline = System.nanoTime() + Long.parseLong(seconds) * 1_000_000_000L;
        CaseRunner runner = new CaseRunner(new Environment(pg, maria, bucket), 2000);
        SecureRandom seeds = new SecureRandom();
        List<CasePath> paths = Settings.paths();
        Map<CasePath, int[]> counts = new LinkedHashMap<>();
        Map<CasePath, List<Long>> failed = new LinkedHashMap<>();
        paths.forEach(p -> {
            counts.put(p, new int[2]);
            failed.put(p, new ArrayList<>());
        });
        int next = 0;
        while (System.nanoTime() < deadline) {
            CasePath path = paths.get(next++ % paths.size());
            long seed = seeds.nextLong() & Long.MAX_VALUE;
            CaseRunner.Outcome outcome = runner.run(seed, path);
            counts.get(path)[0]++;
            if (outcome.passed()) {
                counts.get(path)[1]++;
            } else {
                failed.get(path).add(seed);
            }
            System.out.printf("soak seed=%d path=%s (%s) %s%s%n", seed, path, outcome.variant(),
                    outcome.passed() ? "passed" : "FAILED", outcome.notes().stream().map(n -> "; " + n)
                    .collect(Collectors.joining()));
        }
        StringBuilder summary = new StringBuilder(String.format("%-22s %6s %6s %6s  %s%n", "path", "ran", "passed",
                "failed", "failed seeds"));
        for (CasePath path : paths) {
            int[] c = counts.get(path);
            summary.append(String.format("%-22s %6d %6d %6d  %s%n", path, c[0], c[1], c[0] - c[1], failed.get(path)));
        }
        Path file = Path.of("target", "difftest", "soak-summary.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, summary.toString(), StandardCharsets.UTF_8);
        System.out.print(summary);
        if (failed.values().stream().anyMatch(l -> !l.isEmpty())) {
            fail("soak failures (cases in target/difftest/<seed>-<path>/):\n" + summary);
        }
    }
}
