package org.sacip.agent.session;

/** The transport protocols the data path remaps, with their IP protocol numbers (the maps' meta l4proto). */
public enum SessionProtocol {
    TCP(6),
    UDP(17);

    private final int number;

    SessionProtocol(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
