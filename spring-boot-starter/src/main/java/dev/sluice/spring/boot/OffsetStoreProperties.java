package dev.sluice.spring.boot;

import java.nio.file.Path;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sluice.pipelines.<name>.offset-store.*}: where the pipeline keeps its position. Immutable.
 *
 * @param type {@code sink} (the default: the sink's own store, committed with the data, exactly once),
 *     {@code file} or {@code jdbc}
 * @param folder file: the folder of the offset files
 * @param url jdbc: the database's JDBC URL; left out, the application's own {@code DataSource} bean is used
 * @param user jdbc: the database user
 * @param password jdbc: the user's password
 * @param table jdbc: the offsets table (default {@code sluice_offsets})
 */
public record OffsetStoreProperties(@DefaultValue("sink") Type type, Path folder, String url, String user,
        String password, String table) {

    /** The options, the password masked. */
    @Override
    public String toString() {
        return "OffsetStoreProperties[type=" + type + ", folder=" + folder + ", url=" + url + ", user=" + user
                + ", password=" + Props.mask(password) + ", table=" + table + "]";
    }

    /** The kinds of offset store. */
    public enum Type {
        /** The sink's own store (the Parquet sink's commit records, the JDBC sink's offsets table). */
        SINK,
        /** {@link dev.sluice.offset.FileOffsetStore} in {@code folder}. */
        FILE,
        /** {@link dev.sluice.offset.JdbcOffsetStore}. */
        JDBC
    }
}
