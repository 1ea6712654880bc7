package dev.sluice.sink.s3;

import dev.sluice.RetriableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local folder where a writer spools its open files: one per writer epoch, so two processes never share one.
 * Called after the writer's claim, when every other writer of the pipeline is fenced: the spools they left (killed
 * processes) are deleted then.
 */
final class Spools {

    private Spools() {}

    /**
     * Creates the writer's spool folder: {@code _sluice/<pipeline>/spool/<epoch>} in a local store, else
     * {@code sluice-spool-<pipeline>-<destination hash>-<epoch>} in {@code base} (default {@code java.io.tmpdir}).
     */
    static Path prepare(ObjectStore store, String pipeline, long epoch, Path base, String destination) {
        try {
            Optional<Path> preferred = store.spoolFolder(pipeline);
            Path folder;
            if (preferred.isPresent()) {
                deleteTree(preferred.get());
                folder = preferred.get().resolve(Long.toString(epoch));
            } else {
                Path parent = base != null ? base : Path.of(System.getProperty("java.io.tmpdir"));
                String name = "sluice-spool-" + pipeline + "-" + Integer.toHexString(destination.hashCode());
                if (Files.isDirectory(parent)) {
                    try (Stream<Path> siblings = Files.list(parent)) {
                        for (Path old : siblings.filter(p -> p.getFileName().toString().equals(name)
                                || p.getFileName().toString().startsWith(name + "-")).toList()) {
                            deleteTree(old);
                        }
                    }
                }
                folder = parent.resolve(name + "-" + epoch);
            }
            Files.createDirectories(folder);
            return folder;
        } catch (IOException e) {
            throw new RetriableException("cannot prepare the spool folder for open files: " + e
                    + ". Fix: make sure the folder (spoolFolder(…), else java.io.tmpdir) is writable and has room.", e);
        }
    }

    /** Deletes a writer's spool folder; never throws (a later writer's open deletes what is left). */
    static void delete(Path folder) {
        try {
            deleteTree(folder);
        } catch (IOException ignored) {
            // left for the next writer's open
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        }
    }
}
