package dev.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresCaptureValuesTest {

    @Test
    void readsTheLiteralsFormatWritesAndKeepsSqlNullApart() {
        assertThat(PostgresCaptureValues.unquote("NULL")).isNull();
        assertThat(PostgresCaptureValues.unquote("'NULL'")).isEqualTo("NULL");
        assertThat(PostgresCaptureValues.unquote("'null'")).isEqualTo("null");
        assertThat(PostgresCaptureValues.unquote("''")).isEmpty();
        assertThat(PostgresCaptureValues.unquote("'it''s'")).isEqualTo("it's");
        assertThat(PostgresCaptureValues.unquote("E'a\\\\b''c'")).isEqualTo("a\\b'c");
        assertThat(PostgresCaptureValues.unquote("E'\\\\\\\\'")).isEqualTo("\\\\");
        assertThat(PostgresCaptureValues.unquote("'😀 ''x'''")).isEqualTo("😀 'x'");
    }
}
