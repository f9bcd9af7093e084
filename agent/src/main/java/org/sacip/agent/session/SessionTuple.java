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

    /**
     * Mixed, unlike the record's own {@code 31 * h + next}: with that, a local port one higher and a peer address one
     * lower gave the same hash, so 100,000 sessions from one address to 100 peers fell into some 28,000 hashes and
     * every map of sessions (the handover's book, the data path's ledgers) spent its time comparing tuples. The enum
     * contributes its ordinal, not its identity hash. Equal tuples have equal fields, hence equal hashes.
     */
    @Override
    public int hashCode() {
        int h = protocol.ordinal();
        h = h * 0x9E3779B1 + local.address().hashCode();
        h = h * 0x9E3779B1 + local.port();
        h = h * 0x9E3779B1 + remote.address().hashCode();
        h = h * 0x9E3779B1 + remote.port();
        return h ^ (h >>> 16);
    }

    /** The same session as the peer's socket sees it: its local endpoint is our remote one. */
    public SessionTuple reversed() {
        return new SessionTuple(protocol, remote, local);
    }

    public boolean isIpv4() {
        return local.address() instanceof Inet4Address;
    }

    @Override
    public String toString() {
        return protocol.text() + " " + local + " -> " + remote;
    }
}
