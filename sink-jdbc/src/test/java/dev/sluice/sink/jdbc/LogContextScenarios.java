package dev.sluice.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.LogContext;
import dev.sluice.TableId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.MDC;

/** The MDC names the table while the sink creates it and applies its changes, and nothing after. */
final class LogContextScenarios {

    private LogContextScenarios() {}

    static void theMdcNamesTheTableWhileItIsCreatedAndWritten(Db db) throws Exception {
        TestMdc.keepValues();
        BatchRecorder recorder = new BatchRecorder(db.database);
        List<String> namedAt = new CopyOnWriteArrayList<>();
        // called while the sink resolves a table (before creating it): records the MDC as a log line would see it
        TableNaming naming = TableNaming.of(table -> {
            namedAt.add(table + "=" + MDC.get(LogContext.TABLE));
            return "hl_" + table.name();
        });
        JdbcSink sink = JdbcSink.builder().dataSource(recorder).tableNaming(naming).build();
        Events orders = new Events(TableId.of("shop", "orders"), ApplyScenarios.ORDER);
        Events items = new Events(TableId.of("shop", "items"), ApplyScenarios.ORDER);
        MDC.remove(LogContext.TABLE);
        sink.open(ApplyScenarios.context("hl-mdc"));
        try {
            sink.write(List.of(orders.insert(1L, "a", 1), orders.insert(2L, "b", 2), items.insert(1L, "c", 3)));
            sink.flush();
        } finally {
            sink.close();
        }

        assertThat(namedAt).contains("shop.orders=shop.orders", "shop.items=shop.items");
        assertThat(recorder.batchTables).as("sluice.table at each JDBC batch").isNotEmpty()
                .containsOnly("shop.orders", "shop.items").contains("shop.orders", "shop.items");
        assertThat(MDC.get(LogContext.TABLE)).as("after write()").isNull();
        assertThat(db.rows("SELECT id, name FROM hl_orders ORDER BY id")).containsExactly("1|a", "2|b");
    }
}
