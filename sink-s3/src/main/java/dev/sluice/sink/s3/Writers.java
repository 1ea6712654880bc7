package dev.sluice.sink.s3;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** Writer identities: {@code host:pid:random}, unique per open of a sink, readable in "already running" messages. */
final class Writers {

    private static final String HOST = host();

    private Writers() {}

    static String newId() {
        return HOST + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
