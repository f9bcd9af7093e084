package org.sacip.netlink.diag;

/** The transport protocols sock_diag dumps for the agent, with their IP protocol numbers. */
public enum TransportProtocol {
    TCP(6),
    UDP(17);

    private final int number;

    TransportProtocol(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    static TransportProtocol of(int number) {
        return number == 6 ? TCP : number == 17 ? UDP : null;
    }
}
