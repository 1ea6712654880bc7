package dev.sluice.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM builds its pipeline from what the test JVM wrote: everything comes back, no secret is in the file; and
 * which committed offsets count as a kill in the middle of a snapshot.
 */
class CasePipelineTest {

    @TempDir
    Path dir;

    @Test
    void aChildReadsBackThePipelineWithItsSecretsFromTheEnvironmentOnly() throws Exception {
        CasePipeline written = new CasePipeline(CasePath.parse("PG_LOG_S3"), "d1_pls", true, 17, 2, 4, true, dir,
                new CasePipeline.Endpoint("jdbc:postgresql://127.0.0.1:5432/db1", "sluice", "pg-secret", "db1"),
                new CasePipeline.Endpoint("jdbc:mariadb://127.0.0.1:3306/db2", "sluice", "maria-secret", "db2"),
                new CasePipeline.Bucket(URI.create("http://127.0.0.1:4567"), "bucket", "us-east-1", "access",
                        "s3-secret"), Duration.ofSeconds(1));
        Path file = dir.resolve("pipeline.properties");
        written.write(file);

        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        for (String secret : new String[] {"pg-secret", "maria-secret", "s3-secret"}) {
            assertFalse(text.contains(secret), secret + " is in the file:\n" + text);
        }
        assertEquals(written, CasePipeline.read(file, written.secrets()));
    }

    @Test
    void aPipelineWithoutTargetOrBucketComesBackWithoutThem() throws Exception {
        CasePipeline written = new CasePipeline(CasePath.parse("MARIA_TRIGGER_LOCAL"), "d2_mgl", false, 3, 1, 0, false,
                dir, new CasePipeline.Endpoint("jdbc:mariadb://127.0.0.1:3306/db", "sluice", "", "db"), null, null,
                null);
        Path file = dir.resolve("pipeline.properties");
        written.write(file);

        assertEquals(written, CasePipeline.read(file, written.secrets()));
    }

    @Test
    void logSnapshotOffsetsCountAsMidSnapshot() {
        assertTrue(KilledRuns.midSnapshot("pg:snapshot=0/411A5418,rows=1"));
        assertTrue(KilledRuns.midSnapshot("mysql:snapshot:mysql-bin.000002:14922759"));
        assertTrue(KilledRuns.midSnapshot("mysql:binlog:mysql-bin.000001:115723431:0;server=1;chunk=19/db/t1/5"));
        assertFalse(KilledRuns.midSnapshot("pg:lsn=0/625A0D40,events=3"));
        assertFalse(KilledRuns.midSnapshot("mysql:binlog:mysql-bin.000001:322257330:0;server=1;state=0-1-13136"));
    }
}
