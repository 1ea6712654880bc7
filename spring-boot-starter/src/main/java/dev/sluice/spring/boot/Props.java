package dev.sluice.spring.boot;

import java.util.List;

/** Checks of the properties that the builders cannot make, with the property's full name in the message. */
final class Props {

    private Props() {}

    /** The value, or an exception naming the missing property and what it is for. */
    static <T> T require(T value, String property, String hint) {
        if (value == null || value instanceof String text && text.isBlank()) {
            throw new IllegalArgumentException(property + " is required " + hint);
        }
        return value;
    }

    /** Refuses a property the chosen kind of source, sink or store does not take, rather than ignoring it. */
    static void refuse(Object value, String property, String why) {
        if (value != null && !(value instanceof List<?> list && list.isEmpty())) {
            throw new IllegalArgumentException(property + " is not an option here: " + why);
        }
    }

    /** The password, or empty for trust authentication (the builders take no null). */
    static String secretOrEmpty(String password) {
        return password == null ? "" : password;
    }

    /** A secret as it may be shown: {@code ****} when set, else {@code null}. */
    static String mask(String secret) {
        return secret == null ? null : "****";
    }

    /** Patterns as the table filters take them. */
    static String[] patterns(List<String> patterns) {
        return patterns.stream().map(String::trim).filter(p -> !p.isEmpty()).toArray(String[]::new);
    }
}
