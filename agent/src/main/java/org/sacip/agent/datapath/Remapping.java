package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.util.Objects;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.AddressText;

/**
 * Where a session's packets go on the wire: the socket keeps {@code original}; inbound packets may arrive at
 * {@code activeLocal} from {@code activeRemote}, outbound packets leave from {@code sendFrom} to {@code activeRemote}.
 * {@code sendFrom} is the local address the peer has confirmed (docs/DATAPATH.md: sending from an address the
 * peer does not know yet draws its reset), {@code activeLocal} the one we announced; they differ while a move of
 * ours waits for the peer's acknowledgement.
 */
public record Remapping(SessionTuple original, InetAddress activeLocal, InetAddress sendFrom,
        InetAddress activeRemote) {

    public Remapping {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(activeLocal, "activeLocal");
        Objects.requireNonNull(sendFrom, "sendFrom");
        Objects.requireNonNull(activeRemote, "activeRemote");
        Class<?> version = original.local().address().getClass();
        if (activeLocal.getClass() != version || sendFrom.getClass() != version
                || activeRemote.getClass() != version) {
            throw new IllegalArgumentException("moves between address families are not supported: " + original
                    + " to " + AddressText.of(activeLocal) + " / " + AddressText.of(activeRemote));
        }
    }

    /** No rewriting: the session on its original addresses. */
    public static Remapping identity(SessionTuple original) {
        InetAddress local = original.local().address();
        return new Remapping(original, local, local, original.remote().address());
    }

    /** Whether inbound packets arrive at another local address than the socket's. */
    public boolean localMoved() {
        return !activeLocal.equals(original.local().address());
    }

    /** Whether outbound packets leave from another local address than the socket's. */
    public boolean sendsFromElsewhere() {
        return !sendFrom.equals(original.local().address());
    }

    public boolean remoteMoved() {
        return !activeRemote.equals(original.remote().address());
    }

    /** True when the session is back on its original addresses: no entry is needed. */
    public boolean isIdentity() {
        return !localMoved() && !sendsFromElsewhere() && !remoteMoved();
    }

    @Override
    public String toString() {
        return original + " as " + AddressText.of(activeLocal)
                + (sendFrom.equals(activeLocal) ? "" : " (sending from " + AddressText.of(sendFrom) + ")")
                + " -> " + AddressText.of(activeRemote);
    }
}
