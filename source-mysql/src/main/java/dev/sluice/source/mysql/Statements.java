package dev.sluice.source.mysql;

import dev.sluice.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recognises the statements of QUERY events that change the rows of tables without row events: TRUNCATE, DROP
 * TABLE, DROP DATABASE, RENAME TABLE, {@code ALTER TABLE … RENAME}, MariaDB's {@code CREATE OR REPLACE TABLE},
 * partition maintenance that drops or moves rows; and DML logged as a statement ({@code binlog_format} STATEMENT or
 * MIXED in some session). Only the tables a statement names are read from it; everything else in it is skipped.
 * Stateless.
 */
final class Statements {

    /** What a statement does to rows, and to which tables. */
    enum Kind {
        /** Every row of {@link Statement#tables()} is gone; the tables remain (TRUNCATE). */
        TRUNCATE,
        /** The tables are gone with their rows (DROP TABLE, CREATE OR REPLACE TABLE's old table). */
        DROP,
        /** Every table of the database {@link Statement#database()} is gone. */
        DROP_DATABASE,
        /** Each table of {@link Statement#tables()} (even positions) is renamed to the next (odd positions). */
        RENAME,
        /** Rows of {@link Statement#tables()} were removed or moved by partition maintenance. */
        PARTITION,
        /** Rows of {@link Statement#tables()} were changed by a statement logged as text, not as row events. */
        DML,
        /** A table is created (its rows, if any, come as row events). */
        CREATE,
        /**
         * Another {@code ALTER TABLE} of {@link Statement#tables()}: it may rewrite the values of existing rows (a
         * renamed or added column, a conversion) without row events.
         */
        ALTER,
        /** Nothing that changes rows without row events. */
        OTHER
    }

    record Statement(Kind kind, List<TableId> tables, String database) {}

    private static final Statement OTHER = new Statement(Kind.OTHER, List.of(), null);

    private Statements() {}

    /**
     * Classifies a statement.
     *
     * @param sql the statement's text
     * @param database the session's default database (for unqualified names), may be empty
     */
    static Statement parse(String sql, String database) {
        List<String> t = tokens(sql);
        if (t.isEmpty()) {
            return OTHER;
        }
        Parser p = new Parser(t, database);
        switch (p.word()) {
            case "TRUNCATE" -> {
                p.optional("TABLE");
                return new Statement(Kind.TRUNCATE, List.of(p.table()), null);
            }
            case "DROP" -> {
                if (p.optional("TEMPORARY")) {
                    return OTHER;
                }
                if (p.optional("DATABASE") || p.optional("SCHEMA")) {
                    p.ifExists();
                    return new Statement(Kind.DROP_DATABASE, List.of(), p.name());
                }
                if (p.optional("TABLE") || p.optional("TABLES")) {
                    p.ifExists();
                    return new Statement(Kind.DROP, p.tableList(), null);
                }
                return OTHER;
            }
            case "RENAME" -> {
                if (!p.optional("TABLE") && !p.optional("TABLES")) {
                    return OTHER;
                }
                List<TableId> pairs = new ArrayList<>();
                do {
                    pairs.add(p.table());
                    p.optional("WAIT", "NOWAIT");
                    p.expect("TO");
                    pairs.add(p.table());
                } while (p.optional(","));
                return new Statement(Kind.RENAME, pairs, null);
            }
            case "ALTER" -> {
                p.optional("ONLINE");
                p.optional("IGNORE");
                if (!p.optional("TABLE")) {
                    return OTHER;
                }
                p.ifExists();
                TableId table = p.table();
                for (int i = p.at; i < t.size(); i++) {
                    String w = t.get(i).toUpperCase(Locale.ROOT);
                    String next = i + 1 < t.size() ? t.get(i + 1).toUpperCase(Locale.ROOT) : "";
                    if (w.equals("RENAME") && !next.equals("COLUMN") && !next.equals("INDEX") && !next.equals("KEY")
                            && !next.equals("CONSTRAINT")) {
                        p.at = next.equals("TO") || next.equals("AS") ? i + 2 : i + 1;
                        return new Statement(Kind.RENAME, List.of(table, p.table()), null);
                    }
                    if ((w.equals("TRUNCATE") || w.equals("DROP") || w.equals("EXCHANGE") || w.equals("DISCARD")
                            || w.equals("IMPORT") || w.equals("CONVERT") || w.equals("REMOVE"))
                            && next.startsWith("PARTITION")) {
                        return new Statement(Kind.PARTITION, List.of(table), null);
                    }
                }
                return new Statement(Kind.ALTER, List.of(table), null);
            }
            case "CREATE" -> {
                boolean replace = p.optional("OR") && p.optional("REPLACE");
                if (p.optional("TEMPORARY")) {
                    return OTHER; // session-private: never in the captured state
                }
                if (!p.optional("TABLE")) {
                    return OTHER;
                }
                p.ifExists();
                // CREATE OR REPLACE drops the old table first: its rows are gone
                return new Statement(replace ? Kind.DROP : Kind.CREATE, List.of(p.table()), null);
            }
            case "INSERT", "REPLACE", "UPDATE", "DELETE", "LOAD" -> {
                return new Statement(Kind.DML, p.tablesAfterKeywords(), null);
            }
            default -> {
                return OTHER;
            }
        }
    }

    /** Words, quoted names (unquoted), punctuation; comments dropped; strings as one token. */
    static List<String> tokens(String sql) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                if (i + 2 < n && sql.charAt(i + 2) == '!') {
                    // a versioned comment is executed: read its body (after the version digits) as SQL
                    i += 3;
                    while (i < n && Character.isDigit(sql.charAt(i))) {
                        i++;
                    }
                    continue;
                }
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '*' && i + 1 < n && sql.charAt(i + 1) == '/') {
                i += 2; // the end of a versioned comment
            } else if (c == '#' || c == '-' && i + 2 < n && sql.charAt(i + 1) == '-'
                    && Character.isWhitespace(sql.charAt(i + 2))) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '`' || c == '"' || c == '\'') {
                StringBuilder quoted = new StringBuilder();
                int j = i + 1;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (d == c && j + 1 < n && sql.charAt(j + 1) == c) {
                        quoted.append(c);
                        j += 2;
                    } else if (d == c) {
                        break;
                    } else if (d == '\\' && c != '`' && j + 1 < n) {
                        quoted.append(sql.charAt(j + 1));
                        j += 2;
                    } else {
                        quoted.append(d);
                        j++;
                    }
                }
                // a quoted name keeps its quote as a marker, so it is never taken for a keyword
                out.add(c + quoted.toString());
                i = j + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
                        || sql.charAt(j) == '$' || sql.charAt(j) > 127)) {
                    j++;
                }
                out.add(sql.substring(i, j));
                i = j;
            } else {
                out.add(String.valueOf(c));
                i++;
            }
        }
        return out;
    }

    /** Reads names and keywords from the tokens. */
    private static final class Parser {
        private final List<String> t;
        private final String database;
        private int at;

        Parser(List<String> tokens, String database) {
            this.t = tokens;
            this.database = database;
        }

        String word() {
            return at < t.size() ? t.get(at++).toUpperCase(Locale.ROOT) : "";
        }

        boolean optional(String... words) {
            if (at < t.size()) {
                String w = t.get(at);
                for (String word : words) {
                    if (w.equalsIgnoreCase(word)) {
                        at++;
                        return true;
                    }
                }
            }
            return false;
        }

        void expect(String word) {
            if (!optional(word)) {
                throw new IllegalArgumentException("expected " + word + " at token " + at + " of " + t);
            }
        }

        void ifExists() {
            if (optional("IF")) {
                optional("NOT");
                expect("EXISTS");
            }
        }

        String name() {
            if (at >= t.size()) {
                throw new IllegalArgumentException("expected a name at the end of " + t);
            }
            String token = t.get(at++);
            char first = token.charAt(0);
            return first == '`' || first == '"' ? token.substring(1) : token;
        }

        TableId table() {
            String first = name();
            if (optional(".")) {
                return TableId.of(first, name());
            }
            return TableId.of(database == null ? "" : database, first);
        }

        List<TableId> tableList() {
            List<TableId> tables = new ArrayList<>();
            do {
                tables.add(table());
            } while (optional(","));
            return tables;
        }

        /** For DML: the tables after INTO, UPDATE, FROM, JOIN, TABLE (and lists after commas). */
        List<TableId> tablesAfterKeywords() {
            List<TableId> tables = new ArrayList<>();
            at = 0;
            while (at < t.size()) {
                String w = t.get(at++).toUpperCase(Locale.ROOT);
                boolean introduces = w.equals("INTO") || w.equals("UPDATE") || w.equals("FROM") || w.equals("JOIN")
                        || w.equals("TABLE") || w.equals("USING");
                if (!introduces) {
                    continue;
                }
                optional("LOW_PRIORITY", "IGNORE", "QUICK", "DELAYED", "HIGH_PRIORITY");
                optional("LOW_PRIORITY", "IGNORE", "QUICK", "DELAYED", "HIGH_PRIORITY");
                try {
                    do {
                        if (at < t.size() && t.get(at).equals("(")) {
                            break; // a subquery or a column list
                        }
                        tables.add(table());
                        optional("AS");
                        if (at < t.size() && isPlainWord(t.get(at)) && !isKeyword(t.get(at))) {
                            at++; // an alias
                        }
                    } while (optional(","));
                } catch (IllegalArgumentException e) {
                    break;
                }
            }
            return tables;
        }

        private static boolean isPlainWord(String token) {
            return Character.isLetter(token.charAt(0)) || token.charAt(0) == '_' || token.charAt(0) == '`';
        }

        private static boolean isKeyword(String token) {
            return List.of("SET", "WHERE", "VALUES", "VALUE", "SELECT", "JOIN", "INNER", "LEFT", "RIGHT", "CROSS",
                    "STRAIGHT_JOIN", "NATURAL", "ON", "USING", "ORDER", "LIMIT", "PARTITION", "FROM", "RETURNING",
                    "CHARACTER", "FIELDS", "COLUMNS", "LINES", "IGNORE", "REPLACE", "DEFAULT", "WITH", "UNION")
                    .contains(token.toUpperCase(Locale.ROOT));
        }
    }
}
