package dev.sluice.source.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MySqlCaptureTablesTest {

    @Test
    void spellsNamesAsInnoDbsDictionaryShowsThem() {
        // as MariaDB 10.11 lists `My ``Odd`` "T-€` in INNODB_SYS_TABLES
        assertThat(MySqlCaptureTables.fileName("My `Odd` \"T-€"))
                .isEqualTo("My@0020@0060Odd@0060@0020@0022T@002d@20ac");
        assertThat(MySqlCaptureTables.fileName("plain_Name9")).isEqualTo("plain_Name9");
    }

    @Test
    void givesUpOnAccentedLettersWhichTheServerSpellsInItsShortCode() {
        assertThat(MySqlCaptureTables.fileName("Zé")).isNull();
    }
}
