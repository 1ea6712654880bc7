package dev.sluice.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same files read back with parquet-java: the footer's logical types and every value, record by record. */
class ParquetJavaReadBackIT {

    @TempDir
    Path lake;

    @Test
    void everyValueReadsBackWithParquetJava() throws IOException {
        ParquetSink sink = ParquetSink.builder().localFolder(lake).compression(Compression.SNAPPY).build();
        Runs.open(sink, "pj");
        Runs.commit(sink, "pj", List.of(TestEvents.insert(7, 1)));
        sink.close();

        Path file;
        try (Stream<Path> files = Files.walk(lake.resolve("shop/all_types"))) {
            file = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        assertThat(file.getFileName().toString()).isEqualTo("part-00000000000000000001-pj-1.parquet");
        assertThat(file.getParent().getFileName().toString()).isEqualTo("_date=2024-05-31");
        List<Group> groups = read(file);
        assertThat(groups).hasSize(1);
        Group g = groups.get(0);
        MessageType type = (MessageType) g.getType();
        assertThat(type.getType("tstz").getLogicalTypeAnnotation()).isEqualTo(
                LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS));
        assertThat(type.getType("ts").getLogicalTypeAnnotation()).isEqualTo(
                LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS));
        assertThat(type.getType("u").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.uuidType());
        assertThat(type.getType("j").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.jsonType());
        assertThat(type.getType("d_big").getLogicalTypeAnnotation()).isEqualTo(
                LogicalTypeAnnotation.decimalType(10, 38));
        assertThat(type.getType("tags").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.listType());

        assertThat(g.getLong("id", 0)).isEqualTo(7L);
        assertThat(g.getBoolean("b", 0)).isTrue();
        assertThat(g.getInteger("i16", 0)).isEqualTo(-12345);
        assertThat(g.getFloat("f32", 0)).isEqualTo(1.5f);
        assertThat(g.getDouble("f64", 0)).isEqualTo(-2.25e300);
        assertThat(BigDecimal.valueOf(g.getInteger("d_small", 0), 2)).isEqualTo(new BigDecimal("-1234567.89"));
        assertThat(BigDecimal.valueOf(g.getLong("d_mid", 0), 6)).isEqualTo(new BigDecimal("123456789012.345678"));
        assertThat(new BigDecimal(new BigInteger(g.getBinary("d_big", 0).getBytes()), 10))
                .isEqualTo(new BigDecimal("-1234567890123456789012345678.0123456789"));
        assertThat(g.getString("d_free", 0)).isEqualTo("3.14159265358979323846264338327950288419716939937510");
        assertThat(g.getString("s", 0)).isEqualTo("héllo 世界 🎉");
        assertThat(g.getBinary("raw", 0).getBytes()).containsExactly(0, 1, 0xff);
        assertThat(g.getInteger("day", 0)).isEqualTo(-165); // 1969-07-20
        assertThat(g.getLong("t", 0)).isEqualTo(86_399_999_999L);
        assertThat(g.getLong("ts", 0)).isEqualTo(1_711_852_200_123_456L); // 2024-03-31T02:30:00.123456, no zone
        assertThat(g.getLong("tstz", 0)).isEqualTo(1_711_848_600_654_321L);
        Group span = g.getGroup("span", 0);
        assertThat(List.of(span.getInteger("months", 0), span.getInteger("days", 0))).containsExactly(14, -3);
        assertThat(span.getLong("micros", 0)).isEqualTo(-3_723_000_001L);
        ByteBuffer uuid = ByteBuffer.wrap(g.getBinary("u", 0).getBytes());
        assertThat(new UUID(uuid.getLong(), uuid.getLong()))
                .isEqualTo(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        Group tags = g.getGroup("tags", 0);
        assertThat(tags.getFieldRepetitionCount("list")).isEqualTo(3);
        assertThat(tags.getGroup("list", 0).getString("element", 0)).isEqualTo("a");
        assertThat(tags.getGroup("list", 1).getFieldRepetitionCount("element")).isZero(); // null element
        assertThat(g.getString("_op", 0)).isEqualTo("c");
        assertThat(g.getString("_position", 0)).isEqualTo("test:1");
        assertThat(g.getLong("_seq", 0)).isEqualTo(1L);
        assertThat(g.getString("_tx", 0)).isEqualTo("tx-1");
        assertThat(g.getFieldRepetitionCount("_unchanged")).isZero();
    }

    static List<Group> read(Path file) throws IOException {
        List<Group> groups = new ArrayList<>();
        try (ParquetReader<Group> reader = new GroupReader(new LocalInputFile(file)).withCodecFactory(Codecs.INSTANCE)
                .build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                groups.add(g);
            }
        }
        return groups;
    }

    private static final class GroupReader extends ParquetReader.Builder<Group> {
        GroupReader(InputFile file) {
            super(file, new PlainParquetConfiguration());
        }

        @Override
        protected ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
        }
    }
}
