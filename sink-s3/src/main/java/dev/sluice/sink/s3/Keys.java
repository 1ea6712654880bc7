package dev.sluice.sink.s3;

import dev.sluice.TableId;
import java.nio.charset.StandardCharsets;

/** Object keys: escaping names into path segments, the layout of data files and of the sink's own records. */
final class Keys {

    private Keys() {}

    /**
     * A name as one safe path segment: letters, digits, {@code .}, {@code _} and {@code -} stay, everything else
     * becomes {@code %XX} of its UTF-8 bytes. A leading {@code _} or {@code .} is escaped too, because Spark, Hive
     * and Trino skip files and folders whose names start with them.
     */
    static String segment(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
                    || (b == '.' || b == '_') && i > 0 || b == '-';
            if (plain) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** The folder of a table's files: {@code <namespace>/<table>}. */
    static String tableFolder(TableId table) {
        return segment(table.namespace()) + "/" + segment(table.name());
    }

    /**
     * The key of a data file:
     * {@code <namespace>/<table>/<partition>/part-<first _seq, 20 digits>-<pipeline>-<writer epoch>.parquet}. Names
     * sort by position, since {@code _seq} only grows; the writer epoch (the number of the commit record that
     * claimed the writer's turn) makes the names of two writers differ, so no file is ever written twice.
     */
    static String dataFile(TableId table, String partition, long firstSeq, String pipeline, long epoch) {
        return tableFolder(table) + (partition.isEmpty() ? "" : "/" + partition)
                + String.format("/part-%020d-%s-%d.parquet", firstSeq, pipeline, epoch);
    }

    /** The folder of a pipeline's own records: {@code _sluice/<pipeline>/}. */
    static String pipelineFolder(String pipeline) {
        return "_sluice/" + pipeline + "/";
    }

    static String commitsFolder(String pipeline) {
        return pipelineFolder(pipeline) + "commits/";
    }

    static String commitRecord(String pipeline, long number) {
        return commitsFolder(pipeline) + String.format("%020d.json", number);
    }

    /** Where signals for a running pipeline are left: {@code <id>.signal} objects. */
    static String signalsFolder(String pipeline) {
        return pipelineFolder(pipeline) + "signals/";
    }

    static String stagingFolder(String pipeline) {
        return pipelineFolder(pipeline) + "staging/";
    }

    /** Where one writer stages its files: {@code _sluice/<pipeline>/staging/<writer epoch>/}. */
    static String stagingFolder(String pipeline, long epoch) {
        return stagingFolder(pipeline) + epoch + "/";
    }
}
