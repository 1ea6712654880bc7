package dev.sluice.spring.boot;

import dev.sluice.Sink;

/**
 * Builds the sink {@code sluice.pipelines.<name>.sink} describes. Each kind is built in its own class, loaded only
 * when chosen: the sink modules are optional dependencies of the starter.
 */
final class Sinks {

    private Sinks() {}

    static Sink build(String prefix, SinkProperties sink) {
        String at = prefix + ".sink";
        Props.require(sink, at, "(type parquet with folder or s3.bucket, or type jdbc with url, user, password)");
        if (sink.type() == SinkProperties.Type.JDBC) {
            Sources.present("dev.sluice.sink.jdbc.JdbcSink", "dev.sluice:sluice-sink-jdbc", at);
            return JdbcSinks.build(at, sink);
        }
        Sources.present("dev.sluice.sink.s3.ParquetSink", "dev.sluice:sluice-sink-s3", at);
        return ParquetSinks.build(at, sink);
    }
}
