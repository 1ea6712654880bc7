package dev.sluice.spring.boot;

import dev.sluice.sink.jdbc.JdbcSink;
import dev.sluice.sink.jdbc.TableNaming;

/** The JDBC sink from its properties; loaded only when a pipeline has {@code sink.type: jdbc}. */
final class JdbcSinks {

    private JdbcSinks() {}

    static JdbcSink build(String at, SinkProperties p) {
        String parquetOnly = "it is an option of the Parquet sink (type: parquet)";
        Props.refuse(p.folder(), at + ".folder", parquetOnly);
        Props.refuse(p.s3(), at + ".s3", parquetOnly);
        Props.refuse(p.compression(), at + ".compression", parquetOnly);
        Props.refuse(p.maxFileRows(), at + ".max-file-rows", parquetOnly);
        Props.refuse(p.maxFileBytes(), at + ".max-file-bytes", parquetOnly);
        Props.refuse(p.maxFileAge(), at + ".max-file-age", parquetOnly);
        JdbcSink.Builder builder = JdbcSink.builder()
                .jdbcUrl(Props.require(p.url(), at + ".url", "for a JDBC sink (jdbc:postgresql://… or jdbc:mariadb://…)"))
                .user(Props.require(p.user(), at + ".user", "for a JDBC sink"))
                .password(Props.secretOrEmpty(p.password()));
        if (p.tableNaming() != null) {
            builder.tableNaming(switch (p.tableNaming()) {
                case SAME_NAME -> TableNaming.sameName();
                case NAMESPACE_AND_NAME -> TableNaming.namespaceAndName();
            });
        }
        return builder.build();
    }
}
