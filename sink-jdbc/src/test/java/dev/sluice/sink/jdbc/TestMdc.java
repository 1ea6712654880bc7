package dev.sluice.sink.jdbc;

import java.lang.reflect.Method;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/**
 * Makes the MDC hold values in this test JVM. The tests log through slf4j-simple, whose MDC adapter drops every
 * value (a real binding such as logback keeps them); the MDC tests need one that keeps them, so the NOP adapter is
 * swapped for slf4j's own {@link BasicMDCAdapter}. Test code only.
 */
final class TestMdc {

    private TestMdc() {}

    static synchronized void keepValues() throws ReflectiveOperationException {
        MDC.get("any"); // lets slf4j set its adapter first
        if (MDC.getMDCAdapter() instanceof NOPMDCAdapter) {
            // slf4j 2.0's own (package-private) setter
            Method set = MDC.class.getDeclaredMethod("setMDCAdapter", MDCAdapter.class);
            set.setAccessible(true);
            set.invoke(null, new BasicMDCAdapter());
        }
    }
}
