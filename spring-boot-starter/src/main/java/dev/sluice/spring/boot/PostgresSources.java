package dev.sluice.spring.boot;

import dev.sluice.source.postgres.PostgresSource;

/** The PostgreSQL source from its properties; loaded only when a pipeline has {@code type: postgres}. */
final class PostgresSources {

    private PostgresSources() {}

    static PostgresSource build(String at, SourceProperties p) {
        Props.refuse(p.serverId(), at + ".server-id", "it is a MySQL/MariaDB option");
        PostgresSource.Builder builder = PostgresSource.builder()
                .jdbcUrl(Props.require(p.url(), at + ".url", "(jdbc:postgresql://host:5432/db)"))
                .user(Props.require(p.user(), at + ".user", "for a PostgreSQL source"))
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
        if (p.slotName() != null) {
            builder.slotName(p.slotName());
        }
        if (p.publicationName() != null) {
            builder.publicationName(p.publicationName());
        }
        return builder.build();
    }
}
