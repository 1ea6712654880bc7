package dev.sluice.benchmarks;

import dev.sluice.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;

/**
 * Debezium's file offset store, seeded on its first start with a MariaDB binlog position (the start of a log
 * workload's backlog), as if an earlier run had committed it: Debezium has no "start at" setting either. The
 * seed is set by {@link DebeziumRun} before the engine starts; the engine creates this class by its no-argument
 * constructor ({@code offset.storage}).
 */
public final class SeededOffsetStore extends FileOffsetBackingStore {

    private static volatile String[] seed;

    public SeededOffsetStore() {
        super(converter());
    }

    /** The engine name, the {@code topic.prefix} and the binlog {@code file:position:gtids} to start at. */
    static void seed(String engine, String server, String position) {
        seed = new String[] {engine, server, position};
    }

    private static JsonConverter converter() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), true);
        return converter;
    }

    @Override
    public synchronized void start() {
        super.start();
        String[] s = seed;
        if (s != null && data.isEmpty()) {
            String[] position = s[2].split(":");
            String key = Json.write(List.of(s[0], Map.of("server", s[1])));
            Map<String, Object> offset = new LinkedHashMap<>();
            offset.put("file", position[0]);
            offset.put("pos", Long.parseLong(position[1]));
            offset.put("gtids", position[2]);
            String value = Json.write(offset);
            data.put(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)),
                    ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
