package dev.sluice.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesNestedValuesKeepingNumbersExactAndKeysInOrder() {
        Object value = Json.parse(" {\"b\": 12.30, \"a\": [1, -2e3, true, false, null], \"c\": {\"\": \"x\"}} ");
        assertThat(value).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        assertThat(map.keySet()).containsExactly("b", "a", "c");
        assertThat(map.get("b")).isEqualTo(new BigDecimal("12.30"));
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) map.get("a");
        assertThat(list).containsExactly(BigDecimal.ONE, new BigDecimal("-2e3"), true, false, null);
        assertThat(map.get("c")).isEqualTo(Map.of("", "x"));
    }

    @Test
    void readsEscapesAndUnicode() {
        assertThat(Json.parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00 ü\"")).isEqualTo("a\"b\\c/d\n\té😀 ü");
    }

    @Test
    void joinsEscapedSurrogatePairsIntoOneCharacterBeyondTheBasicPlane() {
        // MariaDB's and MySQL's JSON functions may spell U+1F600 as two escaped UTF-16 units
        assertThat(Json.parse("\"\\uD83D\\uDE00\"")).isEqualTo("😀");
        assertThat(Json.parse("\"a\\uD834\\uDD1Eb\\ud83d\\ude00c\"")).isEqualTo("a𝄞b😀c");
        assertThat(Json.parse("{\"\\uD83D\\uDE00\": \"😀\"}")).isEqualTo(Map.of("😀", "😀"));
        assertThat(((String) Json.parse("\"\\uD83D\\uDE00\"")).codePointAt(0)).isEqualTo(0x1F600);
        assertThat(Json.parse(Json.write("x😀𝄞"))).isEqualTo("x😀𝄞");
    }

    @Test
    void refusesLoneSurrogatesWhichNoCharacterHas() {
        for (String bad : List.of("\"\\uD83D\"", "\"\\uDE00\"", "\"\\uDE00\\uD83D\"", "\"\\uD83Dx\"",
                "\"\\uD83D\\uD83D\"", "{\"\\uD83D\": 1}")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lone UTF-16 surrogate");
        }
    }

    @Test
    void writesInJsonbStyleAndReadsBack() {
        String text = "{\"k\": [1, 2.50, \"q\\\"\\n\"], \"n\": null, \"t\": true}";
        assertThat(Json.writeJsonbStyle(Json.parse(text))).isEqualTo(text);
        assertThat(Json.write(Json.parse(text))).isEqualTo(text.replace(", ", ",").replace(": ", ":"));
        assertThat(Json.write("\u0001")).isEqualTo("\"\\u0001\"");
    }

    @Test
    void readsLeadingZerosAsMariaDbWritesThem() {
        // JSON_OBJECT('y', year_column) gives {"y": 0000} for the year 0
        assertThat(Json.parse("{\"y\": 0000, \"n\": -007.50}")).isEqualTo(
                Map.of("y", new BigDecimal("0"), "n", new BigDecimal("-7.50")));
    }

    @Test
    void refusesMalformedText() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "1 2", "{\"a\":1,\"a\":2}", "-",
                "\"\\u+123\"", "\"\\u12\"", "1.", ".5", "+1", "1e", "-.0", "0x1")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void writesNumbersExactlyAndRefusesNonFiniteOnes() {
        assertThat(Json.write(new BigDecimal("123456789012345678901234567890.000000000000000000001")))
                .isEqualTo("123456789012345678901234567890.000000000000000000001");
        assertThat(Json.write(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(Json.write(List.of(Long.MIN_VALUE, (short) -1, 0.5d, -0.0d, 1.5f))).isEqualTo(
                "[-9223372036854775808,-1,0.5,-0.0,1.5]");
        assertThat(Json.parse(Json.write(Double.MAX_VALUE))).isEqualTo(new BigDecimal("1.7976931348623157E308"));
        for (Object bad : List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)) {
            assertThatThrownBy(() -> Json.write(List.of(bad))).as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("write it as a string");
        }
        assertThat(Json.parse("1e400")).isEqualTo(new BigDecimal("1e400")); // not an infinity
    }

    @Test
    void escapesEveryControlCharacterAndReadsItBack() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append("\u007f\"\\/");
        String written = Json.write(all.toString());
        for (int i = 1; i < written.length() - 1; i++) {
            assertThat(written.charAt(i)).as("raw character at %d", i).isGreaterThanOrEqualTo(' ');
        }
        assertThat(written).startsWith("\"\\u0000\\u0001").contains("\\b\\t\\n\\u000b\\f\\r")
                .endsWith("\u007f\\\"\\\\/\"");
        assertThat(Json.parse(written)).isEqualTo(all.toString());
    }

    @Test
    void keepsCharactersBeyondTheBasicPlaneWholeAndEscapesLoneSurrogates() {
        String fourBytes = "😀𝄞\uD800\uDC00";
        assertThat(Json.write(fourBytes)).isEqualTo("\"" + fourBytes + "\"");
        assertThat(Json.write(fourBytes).getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(14);
        assertThat(Json.write("a\uD83Db")).isEqualTo("\"a\\ud83db\"");
        assertThat(Json.write("\uDE00\uD83D")).isEqualTo("\"\\ude00\\ud83d\"");
        assertThat(Json.write(Map.of("k\uD83D", 1))).isEqualTo("{\"k\\ud83d\":1}");
    }

    @Test
    void refusesWhatIsNotTheJsonModel() {
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a JSON model value: java.lang.Object");
        assertThatThrownBy(() -> Json.write(Map.of(1, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keys are strings");
    }
}
