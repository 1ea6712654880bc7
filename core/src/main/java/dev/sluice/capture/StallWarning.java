package dev.sluice.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, once per stall, that capture has been held back by an open transaction for longer than {@link #THRESHOLD}:
 * a session idle in a transaction holds the watermark (timestamp capture) or the sequence horizon (trigger capture)
 * where it is for as long as it stays open, and capture then reads nothing newer, with no other sign. The stream
 * reports what holds it back each poll ({@link #observe}); while that stays the same, the stall lasts. Used by one
 * stream's capture thread.
 */
final class StallWarning {

    private static final Logger LOG = LoggerFactory.getLogger(StallWarning.class);
    /**
     * How long capture may stay held back before it says so: far beyond the clock-skew margin and a normal
     * transaction, short enough that an operator hears of an idle session before the lag hurts.
     */
    static final Duration THRESHOLD = Duration.ofMinutes(1);

    private final CaptureDialect dialect;
    private final Clock clock;
    private final String what;
    private Object held;
    private long since;
    private boolean warned;

    StallWarning(CaptureDialect dialect, Clock clock, String what) {
        this.dialect = dialect;
        this.clock = clock;
        this.what = what;
    }

    /**
     * Notes what holds capture back now (a watermark, a fence not yet passed), or null if nothing does; warns when
     * the same thing has held it back for longer than {@link #THRESHOLD}.
     */
    void observe(Object holding, Connection connection) throws SQLException {
        long now = clock.millis();
        if (holding == null || !Objects.equals(holding, held)) {
            held = holding;
            since = now;
            warned = false;
            return;
        }
        if (warned || now - since < THRESHOLD.toMillis()) {
            return;
        }
        warned = true;
        String oldest = dialect.oldestTransaction(connection);
        LOG.warn("{} has been held back for {} s by a transaction that stays open{}. Capture reads nothing newer "
                + "until it ends (a session idle in a transaction, or a long one): commit or roll it back, or end its "
                + "session; capture then goes on by itself, with nothing lost", what, (now - since) / 1000,
                oldest == null ? " (this user cannot see which: it needs the right to see other sessions)"
                        : ": the oldest open transaction is " + oldest);
    }
}
