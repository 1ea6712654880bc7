package dev.sluice.benchmarks;

import dev.sluice.Source;
import dev.sluice.TableFilter;
import dev.sluice.offset.FileOffsetStore;
import dev.sluice.source.mysql.MySqlSource;
import java.nio.file.Path;

/**
 * The Sluice side of MariaDB runs. A log workload starts at the binlog position recorded before its backlog was
 * written: the source has no "start at" setting, so the run's offset store (a {@link FileOffsetStore}) is seeded
 * with that position, as if an earlier run had committed it.
 */
final class MariaDbSources {

    private MariaDbSources() {}

    static Source sluice(RunSpec spec) {
        return MySqlSource.builder()
                .host(spec.server().host())
                .port(spec.server().port())
                .user(spec.server().user())
                .password(spec.server().password())
                .tables(TableFilter.include(spec.dbName() + ".bench"))
                .serverId(Long.parseLong(spec.slot()))
                .snapshotMode(spec.workload().snapshotMode())
                .snapshotParallelism(spec.workload().snapshotParallelism())
                .build();
    }

    /** An offset store holding the binlog start of a log workload for pipeline {@code pipeline}. */
    static FileOffsetStore seededStore(RunSpec spec, String pipeline, Path folder) {
        FileOffsetStore store = FileOffsetStore.in(folder);
        String[] start = spec.publication().split(":"); // file:position:gtids
        store.save(pipeline, "mysql:binlog:" + start[0] + ":" + start[1] + ":0");
        return store;
    }
}
