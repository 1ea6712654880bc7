package dev.sluice.sink.jdbc;

import dev.sluice.TableId;

/**
 * The table comment by which the sink records which captured table a target table it created holds, so that a
 * later run can refuse to merge another captured table into it: {@code sluice source: 2:s1.orders} (the length of
 * the namespace, so that dots in names stay unambiguous). Stateless.
 */
final class SourceMark {

    private static final String PREFIX = "sluice source: ";

    private SourceMark() {}

    static String of(TableId table) {
        return PREFIX + table.namespace().length() + ":" + table.namespace() + "." + table.name();
    }

    /** The captured table a comment names, or null if the comment is not one the sink wrote. */
    static TableId parse(String comment) {
        if (comment == null || !comment.startsWith(PREFIX)) {
            return null;
        }
        String rest = comment.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        try {
            int length = Integer.parseInt(rest.substring(0, Math.max(colon, 0)));
            int dot = colon + 1 + length;
            if (colon < 1 || length < 1 || dot >= rest.length() - 1 || rest.charAt(dot) != '.') {
                return null;
            }
            return TableId.of(rest.substring(colon + 1, dot), rest.substring(dot + 1));
        } catch (NumberFormatException e) {
            return null; // someone else's comment that happens to start the same way
        }
    }
}
