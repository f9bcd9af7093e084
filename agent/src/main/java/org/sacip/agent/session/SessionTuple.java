package org.sacip.agent.session;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * A session as its socket sees it for life: protocol, local and remote endpoint. The data path keeps this tuple
 * intact inside the host and changes only the addresses on the wire.
 */
public record SessionTuple(SessionProtocol protocol, Endpoint local, Endpoint remote) {
    public SessionTuple {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        if (local.address().getClass() != remote.address().getClass()) {
            throw new IllegalArgumentException("local " + local + " and remote " + remote
                    + " are not of the same IP version");
        }
    }

    public boolean isIpv4() {
        return local.address() instanceof Inet4Address;
    }

    @Override
    public String toString() {
        return protocol.name().toLowerCase(java.util.Locale.ROOT) + " " + local + " -> " + remote;
    }
}
