package org.sacip.agent.session;

/** Which end opened a session: it sent the TCP SYN or the UDP flow's first datagram. */
public enum Opener {
    /** This host opened it. */
    LOCAL,
    /** The peer opened it. */
    REMOTE,
    /** Not known: the session began before the agent watched (or its record was lost). */
    UNKNOWN
}
