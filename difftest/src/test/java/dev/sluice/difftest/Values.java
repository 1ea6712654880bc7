package dev.sluice.difftest;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Random SQL literals for one case: boundaries often, NULLs, empty and odd text, rarely large values. */
final class Values {

    /** Latin-1 letters that windows-1252 and ISO-8859-1 agree on, plus ASCII specials. */
    private static final String LATIN1 = "abcXYZ019 éüßñÅØ½¿ÿ'\\\"%_,;{}[]";
    private static final String BMP = "✓€中文Ωж";
    private static final List<String> FOUR_BYTE = List.of("😀", "𝄞", "🍐", "𠜎");

    final Random random;
    final Rules rules;
    /** The case's name prefix, for user-defined types. */
    final String prefix;
    private long keys;

    Values(Random random, Rules rules, String prefix) {
        this.random = random;
        this.rules = rules;
        this.prefix = prefix;
        this.keys = 1 + random.nextInt(1000);
    }

    Db db() {
        return rules.source();
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** A unique number for a new key. */
    long nextKey() {
        keys += 1 + random.nextInt(5);
        return keys;
    }

    /** An integer literal in [min, max]: a boundary one time in three. */
    String integer(BigInteger min, BigInteger max) {
        int p = random.nextInt(9);
        if (p == 0) {
            return min.toString();
        }
        if (p == 1) {
            return max.toString();
        }
        if (p == 2 && min.signum() <= 0) {
            return "0";
        }
        BigInteger span = max.subtract(min).add(BigInteger.ONE);
        BigInteger r = new BigInteger(span.bitLength() + 8, random).mod(span);
        if (chance(0.5)) {
            r = r.mod(BigInteger.valueOf(1000)); // small values too
        }
        return min.add(r).toString();
    }

    String integer(long min, long max) {
        return integer(BigInteger.valueOf(min), BigInteger.valueOf(max));
    }

    /** A DECIMAL(p,s) literal, at most p digits of which s after the point. */
    String decimal(int precision, int scale) {
        int intDigits = precision - scale;
        StringBuilder s = new StringBuilder();
        if (chance(0.5)) {
            s.append('-');
        }
        int n = chance(0.3) ? intDigits : random.nextInt(intDigits + 1);
        if (n == 0) {
            s.append('0');
        }
        for (int i = 0; i < n; i++) {
            s.append(chance(0.3) ? '9' : (char) ('0' + random.nextInt(10)));
        }
        if (scale > 0) {
            s.append('.');
            int f = chance(0.3) ? scale : random.nextInt(scale + 1);
            for (int i = 0; i < Math.max(f, 1); i++) {
                s.append((char) ('0' + random.nextInt(10)));
            }
        }
        return s.toString();
    }

    /** Text of up to max characters; latin1 restricts the repertoire; fourByte allows emoji and other planes. */
    String text(int max, boolean latin1, boolean fourByte) {
        if (chance(0.08)) {
            return "";
        }
        int len = chance(0.1) ? max : random.nextInt(Math.min(max, 40) + 1);
        StringBuilder s = new StringBuilder();
        while (s.codePointCount(0, s.length()) < len) {
            int kind = random.nextInt(10);
            if (kind < 6 || latin1) {
                s.append(LATIN1.charAt(random.nextInt(LATIN1.length())));
            } else if (kind < 8 || !fourByte) {
                s.append(BMP.charAt(random.nextInt(BMP.length())));
            } else {
                s.append(pick(FOUR_BYTE));
            }
        }
        return s.toString();
    }

    /** Rarely a large text (hundreds of KB), as an SQL expression, for columns that can hold it. */
    String largeText() {
        int n = 100_000 + random.nextInt(400_000);
        return db() == Db.PG ? "repeat('Lé✓', " + n / 3 + ")" : "REPEAT('Lé✓', " + n / 3 + ")";
    }

    byte[] bytes(int max) {
        int len = chance(0.1) ? max : random.nextInt(Math.min(max, 64) + 1);
        byte[] b = new byte[len];
        random.nextBytes(b);
        return b;
    }

    /** yyyy-MM-dd between the years given. */
    String date(int minYear, int maxYear) {
        int y = chance(0.2) ? (chance(0.5) ? minYear : maxYear) : between(minYear, maxYear);
        int m = chance(0.2) ? (chance(0.5) ? 1 : 12) : between(1, 12);
        int d = chance(0.2) ? (chance(0.5) ? 1 : 28) : between(1, 28);
        if (chance(0.1) && m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) {
            d = 29;
        }
        return String.format("%04d-%02d-%02d", y, m, d);
    }

    /** HH:mm:ss[.f] with fsp fraction digits, hours in [0, maxHour]. */
    String time(int maxHour, int fsp) {
        int h = chance(0.2) ? (chance(0.5) ? 0 : maxHour) : between(0, maxHour);
        int m = chance(0.2) ? 59 : between(0, 59);
        int s = chance(0.2) ? 59 : between(0, 59);
        return String.format("%02d:%02d:%02d", h, m, s) + fraction(fsp);
    }

    String fraction(int fsp) {
        if (fsp == 0 || chance(0.3)) {
            return "";
        }
        StringBuilder f = new StringBuilder(".");
        for (int i = 0; i < fsp; i++) {
            f.append(chance(0.2) ? '9' : (char) ('0' + random.nextInt(10)));
        }
        return f.toString();
    }

    String string(String value) {
        return db().string(value);
    }

    String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }
}
