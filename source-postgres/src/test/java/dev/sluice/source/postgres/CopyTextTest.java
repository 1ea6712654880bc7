package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.TableId;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CopyTextTest {

    private static final TableId T = TableId.of("public", "t");

    private static Object[] fields(String line, int columns) {
        return CopyText.fields(line.getBytes(StandardCharsets.UTF_8), columns, T);
    }

    @Test
    void splitsOnTabsAndReadsNullsAndEmptyStrings() {
        assertThat(fields("1\t\\N\t\tläuft 🚀\n", 4)).containsExactly("1", null, "", "läuft 🚀");
        assertThat(fields("only", 1)).containsExactly("only");
        assertThat(fields("\n", 1)).containsExactly("");
        assertThat(fields("\n", 0)).isEmpty();
    }

    @Test
    void undoesEveryEscapeOnBytes() {
        assertThat(fields("a\\tb\\nc\\\\d\\re\\bf\\fg\\vh\n", 1)).containsExactly("a\tb\nc\\d\re\bf\fg\u000bh");
        assertThat(fields("\\101\\x42\\x4g\\N\\x\t\\\\N\n", 2)).containsExactly("AB\u0004gNx", "\\N");
        assertThat(fields("{\"a\\\\\\\\b\",\"c\\td\"}\n", 1)).containsExactly("{\"a\\\\b\",\"c\td\"}");
    }

    @Test
    void aRowWithTheWrongNumberOfFieldsIsAnError() {
        assertThatThrownBy(() -> fields("1\t2\n", 3)).hasMessageContaining("does not have its 3 columns");
        assertThatThrownBy(() -> fields("1\t2\t3\n", 2)).hasMessageContaining("does not have its 2 columns");
        assertThatThrownBy(() -> fields("x\n", 0)).hasMessageContaining("does not have its 0 columns");
    }
}
