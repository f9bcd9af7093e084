package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Octets exchanged with each peer address that has not proved it receives at its address (PROTOCOL.md 12): what we
 * sent it in SACIP messages, and what it sent us in SACIP messages. The sender lets a message go to such an address
 * only while the SACIP octets sent stay below the octets received from it in any protocol (these plus what the
 * kernel counted in our sessions with it), so SACIP never amplifies traffic towards a victim. Bounded: the least
 * recently used addresses are forgotten first (forgetting starts an address from nothing, the safe side).
 * Thread-safe.
 */
public final class AmplificationLedger {
    /** Octets of one address. */
    private static final class Entry {
        long sent;
        long received;
    }

    private final int capacity;
    private final Map<InetAddress, Entry> entries;

    public AmplificationLedger(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Entry> eldest) {
                return size() > AmplificationLedger.this.capacity;
            }
        };
    }

    /** A SACIP message of {@code octets} (IP packet) arrived from {@code source}. */
    public synchronized void received(InetAddress source, long octets) {
        entries.computeIfAbsent(source, a -> new Entry()).received += octets;
    }

    /**
     * Whether {@code octets} more may go to {@code destination}, given {@code kernelOctets} received from it in our
     * sessions; charges them if so.
     */
    public synchronized boolean charge(InetAddress destination, long octets, long kernelOctets) {
        Entry entry = entries.computeIfAbsent(destination, a -> new Entry());
        if (entry.sent + octets > entry.received + kernelOctets) {
            return false;
        }
        entry.sent += octets;
        return true;
    }

    public synchronized int size() {
        return entries.size();
    }

    public int capacity() {
        return capacity;
    }
}
