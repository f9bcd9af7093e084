package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.util.Objects;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.AddressText;

/**
 * Where a session's packets go on the wire: the socket keeps {@code original}; inbound packets may arrive at
 * {@code activeLocal} from {@code activeRemote}, outbound packets leave from {@code sendFrom} to {@code activeRemote}.
 * {@code sendFrom} is the local address the peer has confirmed (docs/DATAPATH.md: sending from an address the
 * peer does not know yet draws its reset), {@code activeLocal} the one we announced; they differ while a move of
 * ours waits for the peer's acknowledgement. {@code activeRemotePort} is the peer's port on the wire: the socket's
 * remote port, unless the peer reached us through a NAT that translated its port and now comes on a path without
 * it (docs/DATAPATH.md "Port maps"). Our own port never changes on the wire. A {@code carried} session goes through
 * the tunnel to a peer behind a NAT (docs/DATAPATH.md "Carrying sessions through a NAT"): its packets keep the
 * socket's tuple, and the agents carry them, so nothing is rewritten here.
 */
public record Remapping(SessionTuple original, InetAddress activeLocal, InetAddress sendFrom,
        InetAddress activeRemote, int activeRemotePort, boolean carried) {

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
        if (activeRemotePort < 1 || activeRemotePort > 65535) {
            throw new IllegalArgumentException("the peer's port on the wire " + activeRemotePort
                    + " is outside 1..65535: " + original);
        }
        if (carried && (!activeLocal.equals(original.local().address())
                || !sendFrom.equals(original.local().address()) || !activeRemote.equals(original.remote().address())
                || activeRemotePort != original.remote().port())) {
            throw new IllegalArgumentException("a carried session keeps its socket's tuple: " + original);
        }
    }

    /** Not carried through the tunnel. */
    public Remapping(SessionTuple original, InetAddress activeLocal, InetAddress sendFrom, InetAddress activeRemote,
            int activeRemotePort) {
        this(original, activeLocal, sendFrom, activeRemote, activeRemotePort, false);
    }

    /** The peer keeps the socket's remote port on the wire (no port translated). */
    public Remapping(SessionTuple original, InetAddress activeLocal, InetAddress sendFrom, InetAddress activeRemote) {
        this(original, activeLocal, sendFrom, activeRemote, remotePortOf(original));
    }

    private static int remotePortOf(SessionTuple original) {
        return Objects.requireNonNull(original, "original").remote().port();
    }

    /** No rewriting: the session on its original addresses. */
    public static Remapping identity(SessionTuple original) {
        InetAddress local = original.local().address();
        return new Remapping(original, local, local, original.remote().address());
    }

    /** Carried through the tunnel with the socket's own tuple. */
    public static Remapping carried(SessionTuple original) {
        InetAddress local = original.local().address();
        return new Remapping(original, local, local, original.remote().address(), original.remote().port(), true);
    }

    /** Whether inbound packets arrive at another local address than the socket's. */
    public boolean localMoved() {
        return !activeLocal.equals(original.local().address());
    }

    /** Whether outbound packets leave from another local address than the socket's. */
    public boolean sendsFromElsewhere() {
        return !sendFrom.equals(original.local().address());
    }

    /** Whether the peer's end on the wire differs from the socket's remote end: its address, its port or both. */
    public boolean remoteMoved() {
        return remoteAddressMoved() || remotePortMoved();
    }

    /** Whether the peer's address on the wire is another than the socket's remote address. */
    public boolean remoteAddressMoved() {
        return !activeRemote.equals(original.remote().address());
    }

    /** Whether the peer's port on the wire is another than the socket's remote port. */
    public boolean remotePortMoved() {
        return activeRemotePort != original.remote().port();
    }

    /** True when the session is back on its original addresses and not carried: no entry is needed. */
    public boolean isIdentity() {
        return !carried && !localMoved() && !sendsFromElsewhere() && !remoteMoved();
    }

    @Override
    public String toString() {
        if (carried) {
            return original + " carried through the tunnel";
        }
        String remote = AddressText.of(activeRemote);
        return original + " as " + AddressText.of(activeLocal)
                + (sendFrom.equals(activeLocal) ? "" : " (sending from " + AddressText.of(sendFrom) + ")")
                + " -> " + (remotePortMoved() ? Endpoint.text(remote, activeRemotePort) : remote);
    }
}
