package org.sacip.agent.session;

import java.net.InetAddress;

/**
 * One live session as the kernel shows it: its tuple as the local socket sees it, where it was found, and the
 * kernel's id for it ({@code kernelId}: the socket cookie from sock_diag, or the conntrack flow id, as
 * {@code origin} says).
 */
public record Session(SessionTuple tuple, SessionOrigin origin, long kernelId) {

    public InetAddress peer() {
        return tuple.remote().address();
    }

    public InetAddress localAddress() {
        return tuple.local().address();
    }

    @Override
    public String toString() {
        return tuple + " (" + origin + ")";
    }
}
