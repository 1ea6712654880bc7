package dev.sluice.sink.jdbc;

/**
 * The target databases the sink writes SQL for. Detected from the connection's metadata unless set with
 * {@link JdbcSink.Builder#dialect(JdbcDialect)}.
 */
public enum JdbcDialect {
    /** PostgreSQL 12 or later: {@code INSERT … ON CONFLICT}, transactional DDL. */
    POSTGRESQL,
    /** MariaDB 10.5 or later: {@code INSERT … ON DUPLICATE KEY UPDATE}, {@code utf8mb4_nopad_bin} text. */
    MARIADB,
    /** MySQL 8.0 or later: {@code INSERT … ON DUPLICATE KEY UPDATE}, {@code utf8mb4_0900_bin} text. */
    MYSQL
}
