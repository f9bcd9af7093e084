package org.sacip.agent.datapath;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Where a session's packets go on the wire: the socket keeps {@code original}; packets carry
 * {@code activeLocal} and {@code activeRemote} instead. {@code sendFromActiveLocal} is false while a local move
 * waits for the peer's confirmation (datapath.md: until then we only accept packets to the new address and still
 * send from the old one, or the peer would answer with a reset).
 */
public record Remapping(SessionTuple original, InetAddress activeLocal, InetAddress activeRemote,
        boolean sendFromActiveLocal) {

    public Remapping {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(activeLocal, "activeLocal");
        Objects.requireNonNull(activeRemote, "activeRemote");
        Class<?> version = original.local().address().getClass();
        if (activeLocal.getClass() != version || activeRemote.getClass() != version) {
            throw new IllegalArgumentException("moves between address families are not supported: " + original
                    + " to " + AddressText.of(activeLocal) + " / " + AddressText.of(activeRemote));
        }
    }

    /** We moved from the original local address to {@code activeLocal}; the peer has not confirmed yet. */
    public static Remapping localMoveAnnounced(SessionTuple original, InetAddress activeLocal) {
        return new Remapping(original, activeLocal, original.remote().address(), false);
    }

    /** The peer moved from the original remote address to {@code activeRemote}. */
    public static Remapping peerMove(SessionTuple original, InetAddress activeRemote) {
        return new Remapping(original, original.local().address(), activeRemote, false);
    }

    /** The same remapping, now also sending from the active local address (the peer confirmed our move). */
    public Remapping confirmed() {
        return new Remapping(original, activeLocal, activeRemote, true);
    }

    /** This session with the peer at a new address, keeping our side as it is. */
    public Remapping withActiveRemote(InetAddress remote) {
        return new Remapping(original, activeLocal, remote, sendFromActiveLocal);
    }

    public boolean localMoved() {
        return !activeLocal.equals(original.local().address());
    }

    public boolean remoteMoved() {
        return !activeRemote.equals(original.remote().address());
    }

    /** True when the session is back on its original addresses: no entry is needed. */
    public boolean isIdentity() {
        return !localMoved() && !remoteMoved();
    }

    @Override
    public String toString() {
        return original + " as " + AddressText.of(activeLocal) + " -> " + AddressText.of(activeRemote)
                + (localMoved() && !sendFromActiveLocal ? " (receive only)" : "");
    }
}
