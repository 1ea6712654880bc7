package dev.sluice.source.mongo;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import org.bson.BsonBinary;
import org.bson.BsonDbPointer;
import org.bson.BsonDocument;
import org.bson.BsonRegularExpression;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * MongoDB's comparison of BSON values with the simple collation, as its indexes and sorts use it: by type bracket
 * ({@link IdOrder#bracket}), then by value (numbers exactly across int, long, double and decimal with NaN first;
 * strings by their UTF-8 bytes; documents field by field, by the value's bracket, the name, the value; binaries by
 * length, subtype, bytes; timestamps unsigned). A total order for the values an {@code _id} can hold. Stateless.
 */
final class BsonOrder {

    static final Comparator<BsonValue> ORDER = BsonOrder::compare;

    private BsonOrder() {}

    static int compare(BsonValue a, BsonValue b) {
        int cmp = Integer.compare(IdOrder.bracket(a), IdOrder.bracket(b));
        if (cmp != 0) {
            return cmp;
        }
        return switch (a.getBsonType()) {
            case DOUBLE, INT32, INT64, DECIMAL128 -> compareNumbers(a, b);
            case STRING, SYMBOL -> compareText(text(a), text(b));
            case DOCUMENT -> compareDocuments(a.asDocument(), b.asDocument());
            case ARRAY -> compareDocuments(indexed(a), indexed(b));
            case BINARY -> compareBinaries(a.asBinary(), b.asBinary());
            case OBJECT_ID -> a.asObjectId().getValue().compareTo(b.asObjectId().getValue());
            case BOOLEAN -> Boolean.compare(a.asBoolean().getValue(), b.asBoolean().getValue());
            case DATE_TIME -> Long.compare(a.asDateTime().getValue(), b.asDateTime().getValue());
            case TIMESTAMP -> Long.compareUnsigned(a.asTimestamp().getValue(), b.asTimestamp().getValue());
            case REGULAR_EXPRESSION -> compareRegex(a.asRegularExpression(), b.asRegularExpression());
            case DB_POINTER -> compareDbPointers(a.asDBPointer(), b.asDBPointer());
            case JAVASCRIPT -> compareText(a.asJavaScript().getCode(), b.asJavaScript().getCode());
            case JAVASCRIPT_WITH_SCOPE -> {
                int code = compareText(a.asJavaScriptWithScope().getCode(), b.asJavaScriptWithScope().getCode());
                yield code != 0 ? code
                        : compareDocuments(a.asJavaScriptWithScope().getScope(), b.asJavaScriptWithScope().getScope());
            }
            default -> 0; // MinKey, MaxKey, Null, Undefined: one value per bracket
        };
    }

    /** True for a double or decimal NaN, which MongoDB sorts before every other number. */
    static boolean isNaN(BsonValue number) {
        return number.isDouble() && Double.isNaN(number.asDouble().getValue())
                || number.isDecimal128() && number.asDecimal128().getValue().isNaN();
    }

    private static int compareNumbers(BsonValue a, BsonValue b) {
        int cmp = Integer.compare(numberClass(a), numberClass(b));
        if (cmp != 0 || numberClass(a) != 2) {
            return cmp;
        }
        return exact(a).compareTo(exact(b));
    }

    /** 0 NaN, 1 minus infinity, 2 finite, 3 infinity. */
    private static int numberClass(BsonValue number) {
        if (isNaN(number)) {
            return 0;
        }
        if (number.isDecimal128()) {
            Decimal128 decimal = number.asDecimal128().getValue();
            return decimal.isInfinite() ? (decimal.isNegative() ? 1 : 3) : 2;
        }
        double value = number.asNumber().doubleValue();
        return Double.isInfinite(value) ? (value < 0 ? 1 : 3) : 2;
    }

    private static BigDecimal exact(BsonValue number) {
        return switch (number.getBsonType()) {
            case INT32 -> BigDecimal.valueOf(number.asInt32().getValue());
            case INT64 -> BigDecimal.valueOf(number.asInt64().getValue());
            case DOUBLE -> new BigDecimal(number.asDouble().getValue());
            default -> {
                try {
                    yield number.asDecimal128().getValue().bigDecimalValue();
                } catch (ArithmeticException e) {
                    yield BigDecimal.ZERO; // a negative zero, which has no BigDecimal; MongoDB orders it as 0
                }
            }
        };
    }

    private static String text(BsonValue value) {
        return value.isString() ? value.asString().getValue() : value.asSymbol().getSymbol();
    }

    private static int compareText(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static int compareDocuments(BsonDocument a, BsonDocument b) {
        Iterator<Map.Entry<String, BsonValue>> left = a.entrySet().iterator();
        Iterator<Map.Entry<String, BsonValue>> right = b.entrySet().iterator();
        while (left.hasNext() && right.hasNext()) {
            Map.Entry<String, BsonValue> l = left.next();
            Map.Entry<String, BsonValue> r = right.next();
            int cmp = Integer.compare(IdOrder.bracket(l.getValue()), IdOrder.bracket(r.getValue()));
            if (cmp == 0) {
                cmp = compareText(l.getKey(), r.getKey());
            }
            if (cmp == 0) {
                cmp = compare(l.getValue(), r.getValue());
            }
            if (cmp != 0) {
                return cmp;
            }
        }
        return Boolean.compare(left.hasNext(), right.hasNext());
    }

    private static BsonDocument indexed(BsonValue array) {
        BsonDocument document = new BsonDocument();
        int i = 0;
        for (BsonValue value : array.asArray()) {
            document.append(Integer.toString(i++), value);
        }
        return document;
    }

    private static int compareBinaries(BsonBinary a, BsonBinary b) {
        int cmp = Integer.compare(a.getData().length, b.getData().length);
        if (cmp == 0) {
            cmp = Integer.compare(a.getType() & 0xff, b.getType() & 0xff);
        }
        return cmp != 0 ? cmp : Arrays.compareUnsigned(a.getData(), b.getData());
    }

    private static int compareRegex(BsonRegularExpression a, BsonRegularExpression b) {
        int cmp = compareText(a.getPattern(), b.getPattern());
        return cmp != 0 ? cmp : compareText(a.getOptions(), b.getOptions());
    }

    private static int compareDbPointers(BsonDbPointer a, BsonDbPointer b) {
        int cmp = Integer.compare(a.getNamespace().getBytes(StandardCharsets.UTF_8).length,
                b.getNamespace().getBytes(StandardCharsets.UTF_8).length);
        if (cmp == 0) {
            cmp = compareText(a.getNamespace(), b.getNamespace());
        }
        return cmp != 0 ? cmp : a.getId().compareTo(b.getId());
    }
}
