package dev.sluice.capture;

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
        assertThat(Json.write(Json.parse(text))).isEqualTo(text);
        assertThat(Json.write("\u0001")).isEqualTo("\"\\u0001\"");
    }

    @Test
    void refusesMalformedText() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "1 2", "{\"a\":1,\"a\":2}", "-",
                "\"\\u+123\"", "\"\\u12\"")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
