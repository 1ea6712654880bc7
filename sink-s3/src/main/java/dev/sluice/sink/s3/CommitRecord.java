package dev.sluice.sink.s3;

import dev.sluice.json.Json;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One commit of a pipeline, stored as {@code _sluice/<pipeline>/commits/<number, 20 digits>.json}: the source
 * offset committed, the next {@code _seq} to hand out, and the data files this commit made visible (with where
 * each was staged, so that a promotion cut short by a crash can be finished), and the writer that made it. A
 * record is created only where none of its number exists, so two writers of one pipeline can never both commit.
 * Immutable.
 *
 * @param offset the encoded source offset; null after the offset was deleted (the pipeline starts afresh), and
 *     null when the pipeline kept its offsets in another store
 * @param writer who wrote it ({@code host:pid:id} of the sink's open), null in records of older versions
 * @param offsetElsewhere true if the pipeline kept its offsets in another store (at least once): the record has no
 *     offset to resume from
 */
record CommitRecord(long number, String pipeline, String offset, long nextSeq, Instant committedAt,
        List<DataFile> files, String writer, boolean offsetElsewhere) {

    static final int FORMAT = 1;

    CommitRecord {
        files = List.copyOf(files);
    }

    /** A record of an older version, without writer. */
    CommitRecord(long number, String pipeline, String offset, long nextSeq, Instant committedAt,
            List<DataFile> files) {
        this(number, pipeline, offset, nextSeq, committedAt, files, null, false);
    }

    /** A data file: its key, the key it was staged under, and what it holds. */
    record DataFile(String path, String staging, String table, long rows, long bytes, long firstSeq, long lastSeq) {}

    byte[] toJson() {
        StringBuilder out = new StringBuilder(256 + files.size() * 256);
        out.append("{\"format\":").append(FORMAT)
                .append(",\"pipeline\":").append(Json.quote(pipeline))
                .append(",\"commit\":").append(number)
                .append(",\"offset\":").append(offset == null ? "null" : Json.quote(offset))
                .append(",\"nextSeq\":").append(nextSeq)
                .append(",\"committedAt\":").append(Json.quote(committedAt.toString()));
        if (writer != null) {
            out.append(",\"writer\":").append(Json.quote(writer));
        }
        if (offsetElsewhere) {
            out.append(",\"offsetElsewhere\":true");
        }
        out
                .append(",\"files\":[");
        for (int i = 0; i < files.size(); i++) {
            DataFile f = files.get(i);
            out.append(i == 0 ? "\n" : ",\n").append("{\"path\":").append(Json.quote(f.path()))
                    .append(",\"staging\":").append(Json.quote(f.staging()))
                    .append(",\"table\":").append(Json.quote(f.table()))
                    .append(",\"rows\":").append(f.rows())
                    .append(",\"bytes\":").append(f.bytes())
                    .append(",\"firstSeq\":").append(f.firstSeq())
                    .append(",\"lastSeq\":").append(f.lastSeq()).append('}');
        }
        return out.append("]}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a record back.
     *
     * @throws IllegalArgumentException if the text is not a commit record of a known format
     */
    static CommitRecord fromJson(byte[] json) {
        Object parsed = Json.parse(new String(json, StandardCharsets.UTF_8));
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        long format = number(map, "format");
        if (format != FORMAT) {
            throw new IllegalArgumentException("format " + format + " is not known to this version (it knows "
                    + FORMAT + ")");
        }
        List<DataFile> files = new ArrayList<>();
        if (!(map.get("files") instanceof List<?> list)) {
            throw new IllegalArgumentException("no 'files' array");
        }
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> f)) {
                throw new IllegalArgumentException("a file entry is not an object");
            }
            files.add(new DataFile(text(f, "path"), text(f, "staging"), text(f, "table"), number(f, "rows"),
                    number(f, "bytes"), number(f, "firstSeq"), number(f, "lastSeq")));
        }
        Object offset = map.get("offset");
        if (offset != null && !(offset instanceof String)) {
            throw new IllegalArgumentException("'offset' is not a string");
        }
        Object writer = map.get("writer");
        if (writer != null && !(writer instanceof String)) {
            throw new IllegalArgumentException("'writer' is not a string");
        }
        return new CommitRecord(number(map, "commit"), text(map, "pipeline"), (String) offset,
                number(map, "nextSeq"), Instant.parse(text(map, "committedAt")), files, (String) writer,
                Boolean.TRUE.equals(map.get("offsetElsewhere")));
    }

    private static long number(Map<?, ?> map, String key) {
        if (map.get(key) instanceof BigDecimal value) {
            try {
                return value.longValueExact();
            } catch (ArithmeticException e) {
                // not a whole number, or too large: refused below
            }
        }
        throw new IllegalArgumentException("'" + key + "' is missing or not an integer");
    }

    private static String text(Map<?, ?> map, String key) {
        if (!(map.get(key) instanceof String value)) {
            throw new IllegalArgumentException("'" + key + "' is missing or not a string");
        }
        return value;
    }
}
