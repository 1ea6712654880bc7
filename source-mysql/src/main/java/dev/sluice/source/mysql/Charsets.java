package dev.sluice.source.mysql;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** Maps MySQL/MariaDB character set names to Java charsets. Stateless. */
final class Charsets {

    /** The MySQL name of the pseudo character set of binary strings. */
    static final String BINARY = "binary";

    private static final Map<String, String> JAVA_NAMES = Map.ofEntries(
            Map.entry("utf8mb4", "UTF-8"), Map.entry("utf8mb3", "UTF-8"), Map.entry("utf8", "UTF-8"),
            // MySQL's latin1 is Windows-1252, not ISO-8859-1
            Map.entry("latin1", "windows-1252"), Map.entry("ascii", "US-ASCII"),
            Map.entry("latin2", "ISO-8859-2"), Map.entry("latin5", "ISO-8859-9"), Map.entry("latin7", "ISO-8859-13"),
            Map.entry("greek", "ISO-8859-7"), Map.entry("hebrew", "ISO-8859-8"),
            Map.entry("cp1250", "windows-1250"), Map.entry("cp1251", "windows-1251"),
            Map.entry("cp1256", "windows-1256"), Map.entry("cp1257", "windows-1257"),
            Map.entry("cp850", "IBM850"), Map.entry("cp852", "IBM852"), Map.entry("cp866", "IBM866"),
            Map.entry("koi8r", "KOI8-R"), Map.entry("koi8u", "KOI8-U"), Map.entry("tis620", "TIS-620"),
            Map.entry("ucs2", "UTF-16BE"), Map.entry("utf16", "UTF-16BE"), Map.entry("utf16le", "UTF-16LE"),
            Map.entry("utf32", "UTF-32BE"), Map.entry("sjis", "Shift_JIS"), Map.entry("cp932", "windows-31j"),
            Map.entry("ujis", "EUC-JP"), Map.entry("eucjpms", "x-eucJP-Open"), Map.entry("euckr", "EUC-KR"),
            Map.entry("gbk", "GBK"), Map.entry("gb2312", "GB2312"), Map.entry("gb18030", "GB18030"),
            Map.entry("big5", "Big5"));

    private Charsets() {}

    /**
     * The Java charset of a MySQL character set, or null for {@code binary}.
     *
     * @throws IllegalArgumentException if Sluice does not know the character set
     */
    static Charset forMySql(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.equals(BINARY)) {
            return null;
        }
        String javaName = JAVA_NAMES.get(key);
        if (javaName == null || !Charset.isSupported(javaName)) {
            throw new IllegalArgumentException("character set '" + name + "' is not supported by the MySQL source;"
                    + " convert the column to utf8mb4 (ALTER TABLE … CONVERT TO CHARACTER SET utf8mb4)");
        }
        return javaName.equals("UTF-8") ? StandardCharsets.UTF_8 : Charset.forName(javaName);
    }
}
