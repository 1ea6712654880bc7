package dev.sluice.spring.boot;

import dev.sluice.OffsetStore;
import dev.sluice.offset.FileOffsetStore;
import dev.sluice.offset.JdbcOffsetStore;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** The offset store {@code sluice.pipelines.<name>.offset-store} describes. */
final class OffsetStores {

    private OffsetStores() {}

    /**
     * The store, or null for the sink's own. A pool opened here for a store with its own url is added to
     * {@code resources}, to be closed after the pipeline.
     */
    static OffsetStore build(String prefix, OffsetStoreProperties p, Supplier<DataSource> applicationDataSource,
            List<AutoCloseable> resources) {
        String at = prefix + ".offset-store";
        switch (p.type()) {
            case SINK -> {
                refuseJdbc(at, p, "the sink's own store takes no options");
                Props.refuse(p.folder(), at + ".folder", "the sink's own store takes no options");
                return null;
            }
            case FILE -> {
                refuseJdbc(at, p, "it is an option of type: jdbc");
                return FileOffsetStore.in(Props.require(p.folder(), at + ".folder", "for type: file"));
            }
            default -> {
                Props.refuse(p.folder(), at + ".folder", "it is an option of type: file");
                DataSource dataSource = p.url() != null ? pool(at, p, resources) : applicationDataSource.get();
                if (dataSource == null) {
                    throw new IllegalArgumentException(at + ".url is required for type: jdbc when the application"
                            + " has no single DataSource bean to keep the offsets in");
                }
                return p.table() == null ? JdbcOffsetStore.create(dataSource)
                        : JdbcOffsetStore.create(dataSource, p.table());
            }
        }
    }

    private static void refuseJdbc(String at, OffsetStoreProperties p, String why) {
        Props.refuse(p.url(), at + ".url", why);
        Props.refuse(p.user(), at + ".user", why);
        Props.refuse(p.password(), at + ".password", why);
        Props.refuse(p.table(), at + ".table", why);
    }

    private static DataSource pool(String at, OffsetStoreProperties p, List<AutoCloseable> resources) {
        Sources.present("com.zaxxer.hikari.HikariDataSource", "com.zaxxer:HikariCP (a pool for the offset store;"
                + " or leave out url to use the application's DataSource)", at + ".url");
        return OffsetPools.open(p, resources);
    }
}
