package org.sacip.protocol.bench;

import java.nio.ByteBuffer;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.tunnel.DataDatagram;
import org.sacip.protocol.tunnel.TunnelKeys;
import org.sacip.protocol.tunnel.TunnelOpener;
import org.sacip.protocol.tunnel.TunnelRole;
import org.sacip.protocol.tunnel.TunnelSealer;

/**
 * Single-threaded throughput of the tunnel's data path: 1400-octet inner packets sealed by one host and opened by the
 * other, one after the other on one thread, with the JVM's default flags (C2). Prints Gbit/s of inner packets. Not a
 * test: run with {@code mvn -o -q -pl icmp-codec test-compile exec:java
 * -Dexec.mainClass=org.sacip.protocol.bench.TunnelBenchmark -Dexec.classpathScope=test}.
 */
public final class TunnelBenchmark {
    private static final int PACKET = 1400;
    private static volatile long sink;

    private TunnelBenchmark() {
    }

    public static void main(String[] args) {
        TunnelKeys keys = TunnelKeys.derive(Octets.zeros(32), Octets.zeros(8), Octets.zeros(16), Octets.zeros(16));
        ByteBuffer inner = ByteBuffer.allocate(PACKET);
        for (int i = 0; i < PACKET; i++) {
            inner.put(i, (byte) i);
        }
        for (boolean direct : new boolean[] {false, true}) {
            TunnelSealer sealer = new TunnelSealer(keys, TunnelRole.OPENER);
            TunnelOpener opener = new TunnelOpener(keys, TunnelRole.ACCEPTER);
            ByteBuffer datagram = direct ? ByteBuffer.allocateDirect(DataDatagram.length(PACKET))
                    : ByteBuffer.allocate(DataDatagram.length(PACKET));
            ByteBuffer plaintext = direct ? ByteBuffer.allocateDirect(PACKET) : ByteBuffer.allocate(PACKET);
            String buffers = direct ? "direct buffers" : "heap buffers";
            run("seal", buffers, 300_000, () -> {
                datagram.clear();
                sealer.seal(inner, datagram);
            });
            run("seal + open", buffers, 300_000, () -> {
                datagram.clear();
                sealer.seal(inner, datagram);
                datagram.flip();
                plaintext.clear();
                if (opener.open(datagram, plaintext) != PACKET) {
                    throw new IllegalStateException("a datagram did not open");
                }
                sink += plaintext.get(PACKET - 1);
            });
        }
    }

    private static void run(String what, String buffers, int iterations, Runnable packet) {
        for (int i = 0; i < iterations; i++) {
            packet.run();
        }
        double best = 0;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                packet.run();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, iterations * (double) PACKET * 8 / seconds / 1e9);
        }
        System.out.printf("%-12s %-15s %d-octet packets: %6.2f Gbit/s (%,.0f packets/s), best of 5 rounds%n", what,
                buffers, PACKET, best, best * 1e9 / (PACKET * 8));
    }
}
