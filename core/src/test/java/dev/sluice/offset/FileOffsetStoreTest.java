package dev.sluice.offset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.FatalException;
import dev.sluice.OffsetStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOffsetStoreTest {

    @TempDir
    Path dir;

    @Test
    void savesLoadsAndDeletesPerPipeline() {
        FileOffsetStore store = FileOffsetStore.in(dir.resolve("nested/offsets"));

        assertThat(store.load("a")).isEmpty();
        store.save("a", "pg:0/16B3748;i=3");
        store.save("b", "unicode ✓ and\nnewlines");
        store.save("a", "pg:0/16B3750;i=0");

        assertThat(store.load("a")).contains("pg:0/16B3750;i=0");
        assertThat(store.load("b")).contains("unicode ✓ and\nnewlines");
        assertThat(FileOffsetStore.in(store.directory()).load("a")).as("another instance").contains("pg:0/16B3750;i=0");
        store.delete("a");
        assertThat(store.load("a")).isEmpty();
        assertThat(store.directory().resolve("b.offset")).exists();
        assertThat(store.directory().resolve("b.offset.tmp")).doesNotExist();
    }

    @Test
    void keepsSignalsPerPipelineInOrderUntilRemoved() throws Exception {
        FileOffsetStore store = FileOffsetStore.in(dir);
        assertThat(store.signals("a")).isEmpty();
        String first = store.addSignal("a", "backfill\nnamespace=s\nname=t\n");
        String second = store.addSignal("a", "second ✓");
        store.addSignal("b", "other pipeline");
        FileOffsetStore again = FileOffsetStore.in(dir);
        assertThat(again.signals("a")).extracting(OffsetStore.Signal::id).containsExactly(first, second);
        assertThat(again.signals("a")).extracting(OffsetStore.Signal::text)
                .containsExactly("backfill\nnamespace=s\nname=t\n", "second ✓");
        again.removeSignal("a", first);
        again.removeSignal("a", first); // idempotent
        assertThat(store.signals("a")).extracting(OffsetStore.Signal::id).containsExactly(second);
        assertThat(store.signals("b")).hasSize(1);
        Files.writeString(dir.resolve("a.signals").resolve(second + ".signal"), "torn");
        assertThat(store.signals("a").get(0).text()).startsWith("(damaged: ");
    }

    @Test
    void aDamagedFileIsReportedNeverMisread() throws Exception {
        FileOffsetStore store = FileOffsetStore.in(dir);
        store.save("p", "mem:123456");
        Path file = dir.resolve("p.offset");
        String good = Files.readString(file);

        Files.writeString(file, good.replace("123456", "923456"));
        assertThatThrownBy(() -> store.load("p")).isInstanceOf(FatalException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("checksum does not match")
                .hasMessageContaining("delete it to start the pipeline afresh");

        Files.writeString(file, good.substring(0, good.length() - 2));
        assertThatThrownBy(() -> store.load("p")).hasMessageContaining("its header says 10");

        Files.write(file, new byte[0]);
        assertThatThrownBy(() -> store.load("p")).hasMessageContaining("does not start with a 'sluice-offset v1' header");

        Files.writeString(file, "mem:123456", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> store.load("p")).isInstanceOf(FatalException.class);
    }

    @Test
    void refusesNamesThatAreNotPipelineNames() {
        FileOffsetStore store = FileOffsetStore.in(dir);
        assertThatThrownBy(() -> store.save("../escape", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
