package dev.sluice.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackfillQueueTest {

    private static final TableId ORDERS = TableId.of("shop", "orders");
    private static final TableId ODD = TableId.of("we/ird,sch;ema", "ta~ble=x");

    @Test
    void roundTripsEveryState() {
        BackfillQueue queue = BackfillQueue.append(null, BackfillQueue.Backfill.of(ORDERS, null));
        assertEquals(queue, BackfillQueue.decode(queue.encode()));
        queue = BackfillQueue.append(queue, BackfillQueue.Backfill.of(ODD, "note = 'a/b~c,d;e' AND x <> '%'"));
        assertEquals(queue, BackfillQueue.decode(queue.encode()));
        queue = queue.emitted(List.of("7", "a/b")).emitted(List.of("8", "~"));
        assertEquals(queue, BackfillQueue.decode(queue.encode()));
        assertEquals(2, queue.current().rows());
        queue = queue.through(List.of("9", ""));
        assertEquals(queue, BackfillQueue.decode(queue.encode()));
        assertEquals(List.of("9", ""), BackfillQueue.decode(queue.encode()).current().lastKey());
        String text = queue.encode();
        for (char c : new char[] {',', ';', '='}) {
            assertTrue(text.indexOf(c) < 0, text);
        }
    }

    @Test
    void movesOnInOrder() {
        BackfillQueue queue = BackfillQueue.append(BackfillQueue.append(null, BackfillQueue.Backfill.of(ORDERS, "a > 1")),
                BackfillQueue.Backfill.of(ODD, null)).emitted(List.of("1"));
        assertEquals(ORDERS, queue.current().table());
        assertEquals("a > 1", queue.current().condition());
        BackfillQueue next = queue.next();
        assertEquals(ODD, next.current().table());
        assertNull(next.current().condition());
        assertEquals(0, next.current().rows());
        assertNull(next.next());
        assertEquals(List.of(), queue.restarted().current().lastKey());
        assertEquals(0, queue.restarted().current().rows());
    }

    @Test
    void refusesWhatIsNotAQueue() {
        assertThrows(IllegalArgumentException.class, () -> BackfillQueue.decode(""));
        assertThrows(IllegalArgumentException.class, () -> BackfillQueue.decode("x/shop/orders/"));
        assertThrows(IllegalArgumentException.class, () -> BackfillQueue.decode("1/shop/orders"));
        assertThrows(IllegalArgumentException.class, () -> BackfillQueue.decode("1//orders/"));
    }
}
