package dev.sluice.difftest;

import java.util.Arrays;
import java.util.List;

/** The system properties that select cases: {@code difftest.seed}, {@code difftest.path}, and the soak's. */
final class Settings {

    private Settings() {}

    static String property(String name) {
        String value = System.getProperty(name);
        // an unset Maven property arrives empty (or, with some Maven versions, as its own ${…} reference)
        return value == null || value.isBlank() || value.startsWith("${") ? null : value.trim();
    }

    static List<CasePath> paths() {
        String path = property("difftest.path");
        if (path == null) {
            return CasePath.all();
        }
        // several paths, comma-separated: they run in this order in one JVM
        return Arrays.stream(path.split(",")).map(CasePath::parse).toList();
    }
}
