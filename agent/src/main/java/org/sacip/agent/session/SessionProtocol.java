package org.sacip.agent.session;

/** The transport protocols the data path remaps, with their IP protocol numbers (the maps' meta l4proto). */
public enum SessionProtocol {
    TCP(6),
    UDP(17);

    private final int number;
    /** Lowercase, as state files, the control API and logs write it; computed once (100,000 sessions per file). */
    private final String text;

    SessionProtocol(int number) {
        this.number = number;
        this.text = name().toLowerCase(java.util.Locale.ROOT);
    }

    public int number() {
        return number;
    }

    /** "tcp" or "udp". */
    public String text() {
        return text;
    }
}
