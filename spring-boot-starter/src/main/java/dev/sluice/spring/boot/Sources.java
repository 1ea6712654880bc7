package dev.sluice.spring.boot;

import dev.sluice.Source;
import dev.sluice.TableFilter;
import org.springframework.util.ClassUtils;

/**
 * Builds the source {@code sluice.pipelines.<name>.source} describes. Each kind is built in its own class, loaded
 * only when chosen: the source modules are optional dependencies of the starter.
 */
final class Sources {

    private Sources() {}

    static Source build(String prefix, SourceProperties source) {
        String at = prefix + ".source";
        Props.require(source, at, "(type, url, user, password, tables, …)");
        Props.require(source.type(), at + ".type", "(postgres, mysql or mongo)");
        return switch (source.type()) {
            case POSTGRES -> {
                present("dev.sluice.source.postgres.PostgresSource", "dev.sluice:sluice-source-postgres", at);
                yield PostgresSources.build(at, source);
            }
            case MYSQL -> {
                present("dev.sluice.source.mysql.MySqlSource", "dev.sluice:sluice-source-mysql", at);
                yield MySqlSources.build(at, source);
            }
            case MONGO -> {
                present("dev.sluice.source.mongo.MongoSource", "dev.sluice:sluice-source-mongo", at);
                yield MongoSources.build(at, source);
            }
        };
    }

    /** The include and exclude patterns as a filter (all tables when none are given). */
    static TableFilter tables(SourceProperties source) {
        TableFilter filter = source.tables() == null || source.tables().isEmpty() ? TableFilter.all()
                : TableFilter.include(Props.patterns(source.tables()));
        return source.exclude() == null || source.exclude().isEmpty() ? filter
                : filter.exclude(Props.patterns(source.exclude()));
    }

    /** Fails with the dependency to add when the module of a chosen source or sink is not on the class path. */
    static void present(String className, String dependency, String property) {
        if (!ClassUtils.isPresent(className, Sources.class.getClassLoader())) {
            throw new IllegalStateException(property + " needs " + dependency
                    + " on the class path: add it to the application's dependencies");
        }
    }
}
