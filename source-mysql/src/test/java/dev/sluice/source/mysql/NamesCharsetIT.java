package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ChangeEvent;
import dev.sluice.ChangeStream;
import dev.sluice.Op;
import dev.sluice.Schema;
import dev.sluice.TableFilter;
import dev.sluice.TableId;
import dev.sluice.Type;
import dev.sluice.capture.SnapshotMode;
import dev.sluice.testkit.MariaDbDatabase;
import dev.sluice.testkit.MariaDbExtension;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Table and column names are decoded as UTF-8 and ENUM/SET labels with their column's charset, never with the
 * JVM's default charset. The build runs this class twice: as every IT, and in a JVM whose default charset is ASCII
 * (as under a C/POSIX locale), where a name decoded with the default would miss the filter.
 */
@ExtendWith(MariaDbExtension.class)
class NamesCharsetIT {

    @Test
    void nonAsciiNamesAndLatin1LabelsStreamUnderAnyDefaultCharset(MariaDbDatabase db) throws Exception {
        if (Boolean.getBoolean("sluice.test.asciiDefault")) {
            assertThat(Charset.defaultCharset()).isEqualTo(StandardCharsets.US_ASCII);
        }
        db.execute("CREATE TABLE `bestellung_ü` (id int PRIMARY KEY, `größe` varchar(10),"
                + " farbe enum('grün','rosé','weiß') CHARACTER SET latin1,"
                + " extras set('käse','soße') CHARACTER SET latin1, note varchar(10) CHARACTER SET latin1)"
                + " CHARACTER SET utf8mb4");
        TableId table = TableId.of(db.name(), "bestellung_ü");
        MySqlSource source = Streams.source(db).tables(TableFilter.include(db.name() + ".bestellung_ü"))
                .snapshotMode(SnapshotMode.NEVER).build();
        ChangeStream stream = source.open(null, Streams.CONTEXT);
        try {
            db.execute("INSERT INTO `bestellung_ü` VALUES (1, 'groß', 'weiß', 'käse,soße', 'é')");
            List<ChangeEvent> events = Streams.poll(stream, 1);
            ChangeEvent insert = events.get(0);
            Schema schema = insert.schema();
            assertThat(insert.op()).isEqualTo(Op.INSERT);
            assertThat(insert.table()).isEqualTo(table);
            assertThat(schema.column(1).name()).isEqualTo("größe");
            assertThat(schema.column(2).type()).isEqualTo(Type.enumOf(List.of("grün", "rosé", "weiß")));
            assertThat(insert.after().get(schema, "größe")).isEqualTo("groß");
            assertThat(insert.after().get(schema, "farbe")).isEqualTo("weiß");
            assertThat(insert.after().get(schema, "extras")).isEqualTo("käse,soße");
            assertThat(insert.after().get(schema, "note")).isEqualTo("é");
        } finally {
            stream.close();
        }
    }
}
