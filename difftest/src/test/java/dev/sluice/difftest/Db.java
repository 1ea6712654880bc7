package dev.sluice.difftest;

/** The two databases, as a source and as a JDBC target: identifier quoting and literals. */
enum Db {
    PG,
    MARIA;

    String quote(String identifier) {
        return this == PG ? "\"" + identifier.replace("\"", "\"\"") + "\"" : "`" + identifier.replace("`", "``") + "`";
    }

    /** A string literal: MariaDB treats a backslash as an escape, PostgreSQL (standard strings) does not. */
    String string(String value) {
        String s = value.replace("'", "''");
        if (this == MARIA) {
            s = s.replace("\\", "\\\\");
        }
        return "'" + s + "'";
    }

    String bytes(byte[] value) {
        StringBuilder hex = new StringBuilder();
        for (byte b : value) {
            hex.append(String.format("%02x", b & 0xff));
        }
        return this == PG ? "'\\x" + hex + "'::bytea" : "X'" + hex + "'";
    }
}
