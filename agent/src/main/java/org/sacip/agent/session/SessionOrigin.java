package org.sacip.agent.session;

/** Where the kernel told us about a session. */
public enum SessionOrigin {
    /** A TCP socket, or a connected UDP socket, from sock_diag. */
    SOCKET,
    /** An unconnected UDP flow, from conntrack. */
    CONNTRACK_FLOW,
    /** Followed by the session tracker (conntrack events and the ruleset's log). */
    TRACKED
}
