package dev.sluice.spring.boot;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import javax.sql.DataSource;

/** A small pool of its own for a JDBC offset store with its own url; loaded only then (HikariCP is optional). */
final class OffsetPools {

    private OffsetPools() {}

    static DataSource open(OffsetStoreProperties p, List<AutoCloseable> resources) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(p.url());
        config.setUsername(p.user());
        config.setPassword(Props.secretOrEmpty(p.password()));
        config.setMaximumPoolSize(3); // one is held by the pipeline's lease for its whole run
        config.setPoolName("sluice-offsets");
        config.setInitializationFailTimeout(-1); // connect on first use, inside the pipeline's retries
        HikariDataSource pool = new HikariDataSource(config);
        resources.add(pool);
        return pool;
    }
}
