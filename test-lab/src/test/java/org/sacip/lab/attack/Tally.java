package org.sacip.lab.attack;

/** Packets and the octets of their whole IP packets (what the wire carried between the two hosts). */
record Tally(long packets, long octets) {
    static final Tally NONE = new Tally(0, 0);

    Tally plus(CapturedPacket packet) {
        return new Tally(packets + 1, octets + packet.length());
    }

    Tally plus(Tally other) {
        return new Tally(packets + other.packets, octets + other.octets);
    }

    @Override
    public String toString() {
        return packets + " packet(s), " + octets + " octets";
    }
}
