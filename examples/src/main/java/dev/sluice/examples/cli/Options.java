package dev.sluice.examples.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The options of a command: {@code --key value} flags, or the same keys in a properties file given with
 * {@code --config FILE} (flags win). Secrets may also come from a file ({@code --password-file}) or the environment
 * ({@code SLUICE_PASSWORD}, {@code SLUICE_TARGET_PASSWORD}, {@code SLUICE_S3_SECRET_KEY}), so that they stay out of
 * the process list and shell history.
 */
final class Options {

    /** Flags that take no value on the command line ({@code true} or {@code false} in a properties file). */
    static final Set<String> SWITCHES = Set.of("s3-path-style", "until-caught-up", "verbose");

    private static final Set<String> KEYS = Set.of(
            "source", "url", "user", "password", "password-file", "tables", "exclude", "capture",
            "timestamp-column", "soft-delete-column", "snapshot", "snapshot-chunk-size", "snapshot-parallelism", "sink", "out", "s3-endpoint", "s3-region",
            "s3-access-key", "s3-secret-key", "s3-secret-key-file", "s3-path-style", "target-url", "target-user",
            "target-password", "target-password-file", "target-table-naming", "offsets", "commit-interval",
            "pipeline", "until-caught-up", "max-retries", "verbose", "config", "retry-for", "max-backoff",
            "start-timeout", "tls", "trusted-certificates", "schema-changes", "safety-window", "table-check-interval",
            "numeric-mode", "max-sink-stall", "writer-lease", "partition-by", "compression", "max-file-rows",
            "max-file-bytes", "max-file-age", "table", "where");

    private static final Map<String, String> ENVIRONMENT = Map.of(
            "password", "SLUICE_PASSWORD",
            "target-password", "SLUICE_TARGET_PASSWORD",
            "s3-secret-key", "SLUICE_S3_SECRET_KEY");

    /** Keys that every command may be given without reading them: the file itself, and how failures print. */
    private static final Set<String> ALWAYS_APPLY = Set.of("config", "verbose");

    private final Map<String, String> values;
    private final Set<String> flags;
    private final Map<String, String> environment;
    /** The keys whose value the command read: those it applied. */
    private final Set<String> read = new HashSet<>();

    private Options(Map<String, String> values, Set<String> flags, Map<String, String> environment) {
        this.values = values;
        this.flags = flags;
        this.environment = environment;
    }

    static Options parse(List<String> args, Map<String, String> environment) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "': options are written --name value");
            }
            String key = arg.substring(2);
            String value;
            int equals = key.indexOf('=');
            if (equals >= 0) {
                value = key.substring(equals + 1);
                key = key.substring(0, equals);
            } else if (SWITCHES.contains(key)) {
                value = "true";
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException("--" + key + " needs a value");
            }
            known(key, "--" + key);
            if (flags.put(key, value) != null) {
                throw new UsageException("--" + key + " is given twice");
            }
        }
        Map<String, String> merged = new LinkedHashMap<>();
        String config = flags.get("config");
        if (config != null) {
            merged.putAll(load(Path.of(config)));
        }
        merged.putAll(flags);
        return new Options(merged, Set.copyOf(flags.keySet()), environment);
    }

    private static Map<String, String> load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("the config file " + file.toAbsolutePath() + (Files.exists(file)
                    ? " is not a file" : " does not exist") + ": --config takes the path of a properties file");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (CharacterCodingException e) {
            throw new UsageException("the config file " + file + " is not UTF-8 text (a binary file?): --config takes"
                    + " a properties file of key=value lines");
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed unicode escape
            throw new UsageException("cannot read the config file " + file + ": " + e
                    + ". Note that a backslash starts an escape in a properties file: write C:\\\\data or C:/data");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            known(key, "key '" + key + "' in " + file);
            if (key.equals("config")) {
                throw new UsageException("a config file cannot name another config file (" + file + ")");
            }
            values.put(key, properties.getProperty(key).trim());
        }
        return values;
    }

    private static void known(String key, String where) {
        if (!KEYS.contains(key)) {
            throw new UsageException("unknown option " + where + "; see sluice help");
        }
    }

    /**
     * Refuses options that were given but that the command never applied, such as S3 options with a local folder or
     * a MySQL option with {@code --source postgres}: a silently ignored option is a setting the user believes in and
     * does not have. {@code flagsOnly}: only those given on the command line count (a config file shared by several
     * commands may hold keys for the others).
     *
     * @throws UsageException naming every such option
     */
    void refuseUnapplied(String command, boolean flagsOnly) {
        List<String> unapplied = (flagsOnly ? flags : values.keySet()).stream()
                .filter(key -> !read.contains(key) && !ALWAYS_APPLY.contains(key))
                .sorted().map(key -> "--" + key).toList();
        if (!unapplied.isEmpty()) {
            throw new UsageException(String.join(", ", unapplied) + (unapplied.size() == 1 ? " does" : " do")
                    + " not apply to " + command + " with the other options given (an S3 option with a local --out"
                    + " folder, an option of another source or sink, a capture or snapshot option that this one"
                    + " lacks): remove " + (unapplied.size() == 1 ? "it" : "them") + "; see sluice help and docs/cli.md");
        }
    }

    /** The value of {@code key}, or null; reading it counts as applying it. */
    String get(String key) {
        read.add(key);
        return values.get(key);
    }

    String get(String key, String fallback) {
        read.add(key);
        return values.getOrDefault(key, fallback);
    }

    String require(String key, String why) {
        read.add(key);
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new UsageException("--" + key + " is required " + why);
        }
        return value;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    boolean flag(String key) {
        read.add(key);
        String value = values.get(key);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "" -> true;
            case "false", "no" -> false;
            default -> throw new UsageException("--" + key + " is a switch: true or false, not '" + value + "'");
        };
    }

    /** One of {@code choices}, lower case; {@code fallback} if absent. */
    String choice(String key, String fallback, String... choices) {
        read.add(key);
        String value = values.getOrDefault(key, fallback);
        if (value == null) {
            throw new UsageException("--" + key + " is required: one of " + String.join(", ", choices));
        }
        for (String choice : choices) {
            if (choice.equalsIgnoreCase(value)) {
                return choice;
            }
        }
        throw new UsageException("--" + key + " must be one of " + String.join(", ", choices) + ", not '"
                + value + "'");
    }

    /** A secret from {@code --key}, {@code --key-file} or its environment variable, in that order; null if none. */
    String secret(String key) {
        read.add(key);
        read.add(key + "-file");
        if (values.containsKey(key)) {
            return values.get(key);
        }
        String file = values.get(key + "-file");
        if (file != null) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UsageException("cannot read --" + key + "-file " + file + ": " + e.getMessage());
            }
        }
        String variable = ENVIRONMENT.get(key);
        return variable == null ? null : environment.get(variable);
    }

    /** A duration written {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT10S}). */
    Duration duration(String key, Duration fallback) {
        read.add(key);
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("pt")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            switch (text.charAt(text.length() - 1)) {
                case 's': return Duration.ofSeconds(amount);
                case 'm': return Duration.ofMinutes(amount);
                case 'h': return Duration.ofHours(amount);
                default: break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // falls through to the usage error
        }
        throw new UsageException("--" + key + " must be a duration such as 500ms, 10s, 5m or 1h, not '" + value + "'");
    }

    int integer(String key, int fallback) {
        read.add(key);
        String value = values.get(key);
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be a whole number, not '" + value + "'");
        }
    }

    /** A size in bytes, written {@code 512}, {@code 64k}, {@code 128m} or {@code 1g} (powers of 1024). */
    long bytes(String key) {
        read.add(key);
        String value = values.get(key);
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        try {
            long unit = switch (text.isEmpty() ? ' ' : text.charAt(text.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                default -> 1;
            };
            long amount = Long.parseLong(unit == 1 ? text : text.substring(0, text.length() - 1));
            return Math.multiplyExact(amount, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--" + key + " must be a size such as 512, 64k, 128m or 1g, not '" + value + "'");
        }
    }
}
