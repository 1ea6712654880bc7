package dev.sluice.testkit;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Names for per-test resources: {@code sluice_t_<test class>_<random>}. The fixed prefix lets
 * {@code scripts/setup-services} find and drop what a killed run left behind; the class name tells
 * a person whose leftover it is; the random suffix keeps parallel and repeated runs apart.
 */
final class Names {

    /** PostgreSQL's identifier limit; MariaDB allows 64 and S3 buckets 63. */
    static final int MAX_LENGTH = 63;
    static final String PREFIX = "sluice_t_";
    private static final int SUFFIX_LENGTH = 8;

    private Names() {
    }

    /** A lowercase name of letters, digits and {@code _}, at most 63 characters long. */
    static String forDatabase(ExtensionContext context) {
        return forDatabase(owner(context));
    }

    /** An S3 bucket name: like {@link #forDatabase} with {@code -}, as buckets allow no {@code _}. */
    static String forBucket(ExtensionContext context) {
        return forBucket(owner(context));
    }

    static String forDatabase(String owner) {
        return forTest(owner, '_');
    }

    static String forBucket(String owner) {
        return forTest(owner, '-');
    }

    private static String owner(ExtensionContext context) {
        return context.getTestClass().map(Class::getSimpleName).orElse("");
    }

    private static String forTest(String testClass, char separator) {
        String owner = testClass
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", String.valueOf(separator));
        int room = MAX_LENGTH - PREFIX.length() - 1 - SUFFIX_LENGTH;
        if (owner.length() > room) {
            owner = owner.substring(0, room);
        }
        owner = trim(owner, separator);
        String suffix = String.format("%08x", ThreadLocalRandom.current().nextInt());
        String name = PREFIX + (owner.isEmpty() ? "" : owner + "_") + suffix;
        return name.replace('_', separator);
    }

    private static String trim(String s, char c) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == c) {
            start++;
        }
        while (end > start && s.charAt(end - 1) == c) {
            end--;
        }
        return s.substring(start, end);
    }
}
