package dev.sluice.source.mongo;

import dev.sluice.Column;
import dev.sluice.Row;
import dev.sluice.Schema;
import dev.sluice.Type;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The one schema every captured collection maps to, and the rows of it: {@code _id} (the key), {@code document},
 * {@code update_description}, then the promoted fields in the order they were declared. Immutable.
 */
final class MongoSchema {

    static final String ID = "_id";
    static final String DOCUMENT = "document";
    static final String UPDATE_DESCRIPTION = "update_description";
    static final List<String> FIXED_COLUMNS = List.of(ID, DOCUMENT, UPDATE_DESCRIPTION);

    private final Schema schema;
    private final List<Promotion> promotions;

    MongoSchema(List<Promotion> promotions) {
        this.promotions = List.copyOf(promotions);
        List<Column> columns = new ArrayList<>();
        columns.add(Column.of(ID, Type.STRING).notNull().withSourceType("bson _id as canonical extended json"));
        columns.add(Column.of(DOCUMENT, Type.JSON).withSourceType("bson document as relaxed extended json"));
        columns.add(Column.of(UPDATE_DESCRIPTION, Type.JSON)
                .withSourceType("change event updateDescription as relaxed extended json"));
        for (Promotion promotion : this.promotions) {
            columns.add(promotion.column());
        }
        this.schema = Schema.of(columns, List.of(ID));
    }

    Schema schema() {
        return schema;
    }

    /** The first promoted column's index. */
    int firstPromoted() {
        return FIXED_COLUMNS.size();
    }

    /** A row of a whole document (or, when {@code document} is null, of the key alone). */
    Row row(BsonValue id, BsonDocument document, BsonDocument updateDescription) {
        Object[] values = new Object[schema.size()];
        values[0] = BsonText.key(id);
        values[1] = BsonText.json(document);
        values[2] = BsonText.json(updateDescription);
        for (int i = 0; i < promotions.size(); i++) {
            values[FIXED_COLUMNS.size() + i] = promotions.get(i).valueIn(document);
        }
        return Row.of(values);
    }
}
