package dev.sluice.capture;

import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.TableId;
import dev.sluice.json.Json;
import java.util.Map;

/** Decodes a JSON row image into a {@link Row} of a table's schema. Stateless. */
final class RowImages {

    private RowImages() {}

    /** Thrown when an image's columns are not the schema's (the table changed since the image was written). */
    static final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    static Row decode(String json, Schema schema, TableId table, CaptureDialect dialect) throws Mismatch {
        Object parsed = Json.parse(json);
        if (!(parsed instanceof Map<?, ?> image)) {
            throw new IllegalArgumentException("the row image of " + table + " is not a JSON object: " + json);
        }
        if (image.size() != schema.size()) {
            throw new Mismatch("the image has columns " + image.keySet() + " but the table has " + schema);
        }
        Object[] values = new Object[schema.size()];
        for (int i = 0; i < values.length; i++) {
            String name = schema.column(i).name();
            if (!image.containsKey(name)) {
                throw new Mismatch("the image has columns " + image.keySet() + " but the table has " + schema);
            }
            try {
                values[i] = dialect.decode(image.get(name), schema.column(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(table + " column " + name + ": " + e.getMessage(), e);
            }
        }
        return Row.of(values);
    }
}
