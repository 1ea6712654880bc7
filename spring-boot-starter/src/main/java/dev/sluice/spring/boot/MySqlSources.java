package dev.sluice.spring.boot;

import dev.sluice.source.mysql.MySqlSource;

/** The MySQL/MariaDB source from its properties; loaded only when a pipeline has {@code type: mysql}. */
final class MySqlSources {

    private MySqlSources() {}

    static MySqlSource build(String at, SourceProperties p) {
        Props.refuse(p.slotName(), at + ".slot-name", "it is a PostgreSQL option");
        Props.refuse(p.publicationName(), at + ".publication-name", "it is a PostgreSQL option");
        MySqlSource.Builder builder = MySqlSource.builder()
                .jdbcUrl(Props.require(p.url(), at + ".url", "(jdbc:mysql://host:3306/db or jdbc:mariadb://…)"))
                .user(Props.require(p.user(), at + ".user", "for a MySQL/MariaDB source"))
                .password(Props.secretOrEmpty(p.password()))
                .tables(Sources.tables(p));
        if (p.capture() != null) {
            builder.capture(p.capture());
        }
        if (p.snapshotMode() != null) {
            builder.snapshotMode(p.snapshotMode());
        }
        if (p.snapshotChunkSize() != null) {
            builder.snapshotChunkSize(p.snapshotChunkSize());
        }
        if (p.snapshotParallelism() != null) {
            builder.snapshotParallelism(p.snapshotParallelism());
        }
        if (p.schemaChanges() != null) {
            builder.schemaChanges(p.schemaChanges());
        }
        if (p.timestampColumn() != null) {
            builder.timestampColumn(p.timestampColumn());
        }
        if (p.softDeleteColumn() != null) {
            builder.softDeleteColumn(p.softDeleteColumn());
        }
        if (p.serverId() != null) {
            builder.serverId(p.serverId());
        }
        return builder.build();
    }
}
