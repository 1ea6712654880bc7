package dev.sluice.difftest;

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
        return path == null ? CasePath.all() : List.of(CasePath.parse(path));
    }

    /** {@code -Ddifftest.pending=include}: generate the features of {@link PendingDefects} too. */
    static boolean includePending() {
        return "include".equals(property("difftest.pending"));
    }
}
