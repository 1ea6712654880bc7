/**
 * The JDBC sink: applies captured changes to PostgreSQL or MySQL/MariaDB tables as upserts and deletes, and
 * commits the pipeline's offset in the same transaction. Start at {@link dev.sluice.sink.jdbc.JdbcSink#builder()}.
 */
package dev.sluice.sink.jdbc;
