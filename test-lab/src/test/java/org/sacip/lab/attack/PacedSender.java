package org.sacip.lab.attack;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.sacip.lab.LabException;

/**
 * Sends a numbered series of forged packets through a raw socket at a steady rate, on its own thread, and keeps
 * what it sent per source address (so a test can compare what a victim sent back with what came in). Packet
 * {@code i} is due at start + i / rate; a sender that falls behind catches up without a burst limit.
 */
final class PacedSender {
    private final String label;
    private final Thread thread;
    private final Map<InetAddress, Tally> sentBySource = new HashMap<>();
    private long sent;
    private long refused;
    private volatile boolean stopping;
    private volatile RuntimeException failure;

    private PacedSender(String label, RawIpSocket socket, int count, double perSecond, IntFunction<byte[]> packetAt) {
        this.label = label;
        this.thread = new Thread(() -> run(socket, count, perSecond, packetAt), "paced-" + label);
        this.thread.setDaemon(true);
    }

    /** Starts sending {@code count} packets (Integer.MAX_VALUE: until stopped) at {@code perSecond}. */
    static PacedSender start(String label, RawIpSocket socket, int count, double perSecond,
            IntFunction<byte[]> packetAt) {
        PacedSender sender = new PacedSender(label, socket, count, perSecond, packetAt);
        sender.thread.start();
        return sender;
    }

    private void run(RawIpSocket socket, int count, double perSecond, IntFunction<byte[]> packetAt) {
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count && !stopping; i++) {
                long due = start + (long) (i * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                byte[] packet = packetAt.apply(i);
                CapturedPacket view = new CapturedPacket(0, CapturedPacket.Direction.OUTBOUND, 0, packet);
                boolean accepted = socket.send(packet);
                synchronized (this) {
                    if (accepted) {
                        sent++;
                        sentBySource.merge(view.source(), Tally.NONE.plus(view), Tally::plus);
                    } else {
                        refused++;
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Waits until every packet is sent (or the limit passes) and returns what was sent. */
    Report await(long limitMs) {
        try {
            thread.join(limitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while " + label + " was sending", e);
        }
        if (thread.isAlive()) {
            stopping = true;
            throw new LabException(label + " did not finish sending within " + limitMs + " ms (" + report() + ")");
        }
        return report();
    }

    /** Stops sending (for a series without end) and returns what was sent. */
    Report stop() {
        stopping = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while stopping " + label, e);
        }
        return report();
    }

    private synchronized Report report() {
        if (failure != null) {
            throw new LabException(label + " failed: " + failure.getMessage(), failure);
        }
        return new Report(sent, refused, Map.copyOf(sentBySource));
    }

    /** Packets the kernel took, packets it refused (ENOBUFS), and what went out per spoofed source. */
    record Report(long sent, long refused, Map<InetAddress, Tally> bySource) {
        Tally from(InetAddress source) {
            return bySource.getOrDefault(source, Tally.NONE);
        }

        @Override
        public String toString() {
            return sent + " sent, " + refused + " refused by the kernel, from " + bySource.size() + " source(s)";
        }
    }
}
