package dev.sluice.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One run of the command line in process: its exit code and what it printed. */
record Run(int exit, String out, String err) {

    static Run of(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new Sluice(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment, false).run(List.of(args));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run of(String... args) {
        return of(Map.of(), args);
    }

    /** The first line on stderr: the error a user reads. */
    String error() {
        return err.lines().findFirst().orElse("");
    }
}
