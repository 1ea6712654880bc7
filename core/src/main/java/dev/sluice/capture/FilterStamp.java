package dev.sluice.capture;

import dev.sluice.TableFilter;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The table filter a log stream ran with, recorded in its offsets, so that a restart with another filter can tell
 * which tables the new one adds (and read their existing rows, which the log alone never brings). Immutable and
 * thread-safe; its text is built once, as a source writes it into every offset.
 *
 * <p>Text form: the filter's canonical text when it is at most {@value #MAX_TEXT} characters long: its include
 * patterns, sorted and without repeats, each URL-encoded, joined by {@code ,} ({@code *} when it has none), then, if
 * it has exclude patterns, {@code /} and those the same way. A longer one is recorded by its hash only:
 * {@code sha256:} and the first 32 hex digits of the SHA-256 of the canonical text. The text holds no {@code ;},
 * {@code =}, {@code ~} or {@code :} of its own (but for the hash's prefix), so it can sit inside a source's offset
 * text. Two filters with the same canonical text select the same tables.
 */
public final class FilterStamp {

    /** The longest canonical text recorded as it is; longer ones are recorded by their hash. */
    public static final int MAX_TEXT = 200;
    private static final String HASH = "sha256:";

    /** The canonical text, or null if only the hash is known (a decoded hash-only stamp). */
    private final String canonical;
    private final String hash;
    private final String text;

    private FilterStamp(String canonical, String hash, String text) {
        this.canonical = canonical;
        this.hash = hash;
        this.text = text;
    }

    /**
     * The stamp of {@code filter}.
     *
     * @param filter the filter to record, not null
     * @return its stamp: the canonical text, or only its hash when that text is long
     */
    public static FilterStamp of(TableFilter filter) {
        Objects.requireNonNull(filter, "filter");
        String canonical = patterns(filter.includes());
        if (canonical.isEmpty()) {
            canonical = "*";
        }
        if (!filter.excludes().isEmpty()) {
            canonical += "/" + patterns(filter.excludes());
        }
        String hash = hash(canonical);
        // a long one knows only its hash, as its decoded text does: a stamp says what its text says
        return canonical.length() <= MAX_TEXT ? new FilterStamp(canonical, hash, canonical)
                : new FilterStamp(null, hash, HASH + hash);
    }

    /**
     * Parses {@link #encode()}'s text.
     *
     * @param text the text of a stamp, as an offset holds it; not null
     * @return the stamp it records
     * @throws IllegalArgumentException if the text is not a filter stamp
     */
    public static FilterStamp decode(String text) {
        Objects.requireNonNull(text, "text");
        if (text.startsWith(HASH)) {
            String hash = text.substring(HASH.length());
            if (!hash.matches("[0-9a-f]{32}")) {
                throw new IllegalArgumentException("not a filter stamp: '" + text + "' (a bad hash)");
            }
            return new FilterStamp(null, hash, text);
        }
        return of(filter(text)); // in canonical form again, should a later version write it otherwise
    }

    /**
     * The filter recorded, or null if only its hash was (its text was longer than {@value #MAX_TEXT} characters).
     * It selects the same tables as the filter the stamp was made of.
     *
     * @return the recorded filter, or null when only its hash is known
     */
    public TableFilter filter() {
        return canonical == null ? null : filter(canonical);
    }

    /**
     * Whether this stamp and {@code other} record filters that select the same tables (the same canonical text).
     *
     * @param other another stamp, not null
     * @return true if both record the same canonical filter
     */
    public boolean sameSelection(FilterStamp other) {
        return hash.equals(other.hash);
    }

    /** {@return the text form, as it sits in offsets} */
    public String encode() {
        return text;
    }

    private static TableFilter filter(String canonical) {
        int slash = canonical.indexOf('/');
        String includes = slash < 0 ? canonical : canonical.substring(0, slash);
        TableFilter filter = includes.equals("*") ? TableFilter.all() : TableFilter.include(unpatterns(includes));
        return slash < 0 ? filter : filter.exclude(unpatterns(canonical.substring(slash + 1)).toArray(String[]::new));
    }

    private static String patterns(List<String> patterns) {
        return String.join(",", patterns.stream().distinct().sorted()
                .map(p -> URLEncoder.encode(p, StandardCharsets.UTF_8)).toList());
    }

    private static List<String> unpatterns(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("not a filter stamp: an empty list of patterns");
        }
        return List.of(text.split(",", -1)).stream().map(p -> URLDecoder.decode(p, StandardCharsets.UTF_8)).toList();
    }

    private static String hash(String canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilterStamp other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
