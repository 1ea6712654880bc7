package dev.sluice;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Chooses tables by include and exclude patterns on {@code namespace.name}, for sources to select what they
 * capture: a table is chosen if it matches an include pattern (or there are none) and no exclude pattern.
 *
 * <p>Patterns are globs matched against the whole {@code namespace.name}, case-sensitively: {@code *} matches
 * any run of characters (dots included), {@code ?} any one character, everything else itself. For example
 * {@code public.*}, {@code shop.order_?}, {@code *.audit_log}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TableFilter implements Predicate<TableId> {

    private static final TableFilter ALL = new TableFilter(List.of(), List.of(), List.of(), List.of());

    private final List<String> includes;
    private final List<String> excludes;
    private final List<Pattern> includePatterns;
    private final List<Pattern> excludePatterns;

    private TableFilter(List<String> includes, List<String> excludes, List<Pattern> includePatterns,
            List<Pattern> excludePatterns) {
        this.includes = includes;
        this.excludes = excludes;
        this.includePatterns = includePatterns;
        this.excludePatterns = excludePatterns;
    }

    /**
     * Every table.
     *
     * @return the filter that chooses every table
     */
    public static TableFilter all() {
        return ALL;
    }

    /**
     * The tables matching any of these patterns.
     *
     * @param patterns globs on {@code namespace.name}, not null or blank
     * @return a filter that chooses only the matching tables
     * @throws IllegalArgumentException if a pattern is blank
     */
    public static TableFilter include(String... patterns) {
        return ALL.withIncludes(List.of(patterns));
    }

    /**
     * The tables matching any of these patterns.
     *
     * @param patterns globs on {@code namespace.name}, not null or blank
     * @return a filter that chooses only the matching tables
     * @throws IllegalArgumentException if a pattern is blank
     */
    public static TableFilter include(List<String> patterns) {
        return ALL.withIncludes(patterns);
    }

    /**
     * This filter, also leaving out the tables matching any of these patterns.
     *
     * @param patterns globs on {@code namespace.name}, not null or blank
     * @return a new filter with these excludes added; this one is unchanged
     * @throws IllegalArgumentException if a pattern is blank
     */
    public TableFilter exclude(String... patterns) {
        List<String> all = new ArrayList<>(excludes);
        all.addAll(check(List.of(patterns)));
        return new TableFilter(includes, List.copyOf(all), includePatterns, compile(all));
    }

    private TableFilter withIncludes(List<String> patterns) {
        List<String> all = new ArrayList<>(includes);
        all.addAll(check(patterns));
        return new TableFilter(List.copyOf(all), excludes, compile(all), excludePatterns);
    }

    /** True if the table is chosen. */
    @Override
    public boolean test(TableId table) {
        String name = table.toString();
        return (includePatterns.isEmpty() || matchesAny(includePatterns, name)) && !matchesAny(excludePatterns, name);
    }

    /**
     * The include patterns; empty means every table.
     *
     * @return the include globs, unmodifiable
     */
    public List<String> includes() {
        return includes;
    }

    /**
     * The exclude patterns.
     *
     * @return the exclude globs, unmodifiable; empty if none
     */
    public List<String> excludes() {
        return excludes;
    }

    private static boolean matchesAny(List<Pattern> patterns, String name) {
        for (Pattern pattern : patterns) {
            if (pattern.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<String> check(List<String> patterns) {
        for (String pattern : patterns) {
            Objects.requireNonNull(pattern, "pattern");
            if (pattern.isBlank()) {
                throw new IllegalArgumentException("a table pattern must not be blank; use '*' for every table");
            }
        }
        return patterns;
    }

    private static List<Pattern> compile(List<String> globs) {
        List<Pattern> patterns = new ArrayList<>(globs.size());
        for (String glob : globs) {
            StringBuilder regex = new StringBuilder();
            StringBuilder literal = new StringBuilder();
            for (char c : glob.toCharArray()) {
                if (c == '*' || c == '?') {
                    if (literal.length() > 0) {
                        regex.append(Pattern.quote(literal.toString()));
                        literal.setLength(0);
                    }
                    regex.append(c == '*' ? ".*" : ".");
                } else {
                    literal.append(c);
                }
            }
            if (literal.length() > 0) {
                regex.append(Pattern.quote(literal.toString()));
            }
            patterns.add(Pattern.compile(regex.toString(), Pattern.DOTALL));
        }
        return List.copyOf(patterns);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableFilter other && includes.equals(other.includes) && excludes.equals(other.excludes);
    }

    @Override
    public int hashCode() {
        return 31 * includes.hashCode() + excludes.hashCode();
    }

    @Override
    public String toString() {
        return "tables " + (includes.isEmpty() ? "*" : String.join(", ", includes))
                + (excludes.isEmpty() ? "" : " except " + String.join(", ", excludes));
    }
}
