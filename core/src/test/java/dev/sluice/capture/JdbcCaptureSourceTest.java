package dev.sluice.capture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class JdbcCaptureSourceTest {

    /** A dialect no test here may reach: every call fails. */
    private static final CaptureDialect UNREACHABLE = (CaptureDialect) Proxy.newProxyInstance(
            CaptureDialect.class.getClassLoader(), new Class<?>[] {CaptureDialect.class}, (proxy, method, args) -> {
                throw new AssertionError("the dialect was called: " + method.getName());
            });

    @Test
    void onlyTriggerCaptureInstallsOrRemovesTriggers() {
        JdbcCaptureSource timestamps = JdbcCaptureSource.builder(UNREACHABLE)
                .connections(() -> {
                    throw new SQLException("no connection may be opened");
                }, "nowhere")
                .timestampColumn("updated_at")
                .build();

        assertThatThrownBy(timestamps::install).isInstanceOf(IllegalStateException.class)
                .hasMessage("triggers belong to trigger capture: build the source with capture(Capture.TRIGGER)");
        assertThatThrownBy(timestamps::uninstall).isInstanceOf(IllegalStateException.class)
                .hasMessage("triggers belong to trigger capture: build the source with capture(Capture.TRIGGER)");
    }
}
