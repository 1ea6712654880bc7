package dev.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;

/**
 * The connector library's rows-event deserializers with exact cell readers ({@link BinlogValues}): dates as
 * {@code LocalDate}, DATETIME as {@code LocalDateTime}, TIMESTAMP as {@code Instant}, TIME as signed microseconds
 * ({@code Long}), YEAR as its number, CHAR/VARCHAR/BINARY/VARBINARY and BIT as raw bytes. Strings are decoded later,
 * with the column's character set. Other types keep the library's readers (integers signed, as stored; DECIMAL as
 * {@code BigDecimal}; ENUM as its index; SET as its bit mask; BLOB, JSON and GEOMETRY as bytes).
 */
final class RowsDeserializers {

    private RowsDeserializers() {}

    /** The exact reader of a cell of this type, or {@code NOT_MINE} to leave it to the library. */
    static Serializable read(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException {
        return switch (type) {
            case DATE -> BinlogValues.date(in);
            case TIME -> BinlogValues.timeMicros(in);
            case TIME_V2 -> BinlogValues.time2Micros(meta, in);
            case TIMESTAMP -> BinlogValues.timestamp(in);
            case TIMESTAMP_V2 -> BinlogValues.timestamp2(meta, in);
            case DATETIME -> BinlogValues.datetime(in);
            case DATETIME_V2 -> BinlogValues.datetime2(meta, in);
            case YEAR -> BinlogValues.year(in);
            case STRING -> BinlogValues.string(length, in);
            case VARCHAR, VAR_STRING -> BinlogValues.string(meta, in);
            case BIT -> BinlogValues.bit(meta, in);
            default -> NOT_MINE;
        };
    }

    /** Marks a cell {@link #read} leaves to the library. */
    static final Serializable NOT_MINE = new NotMine();

    private static final class NotMine implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    static final class Write extends WriteRowsEventDataDeserializer {
        Write(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException {
            Serializable value = read(type, meta, length, in);
            return value == NOT_MINE ? super.deserializeCell(type, meta, length, in) : value;
        }
    }

    static final class Update extends UpdateRowsEventDataDeserializer {
        Update(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException {
            Serializable value = read(type, meta, length, in);
            return value == NOT_MINE ? super.deserializeCell(type, meta, length, in) : value;
        }
    }

    static final class Delete extends DeleteRowsEventDataDeserializer {
        Delete(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException {
            Serializable value = read(type, meta, length, in);
            return value == NOT_MINE ? super.deserializeCell(type, meta, length, in) : value;
        }
    }
}
