package org.sacip.agent.session;

/** Where the kernel told us about a session. */
public enum SessionOrigin {
    /** A TCP socket, or a connected UDP socket, from sock_diag. */
    SOCKET,
    /** An unconnected UDP flow, from conntrack. */
    CONNTRACK_FLOW
}
