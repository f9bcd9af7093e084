package org.sacip.netlink.bench;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import org.sacip.netlink.packet.InnerPacket;
import org.sacip.netlink.testing.IpPackets;
import org.sacip.netlink.tun.TunDevice;
import org.sacip.netlink.tun.TunLab;

/**
 * Packets per second written into and read back from a TUN device in a throwaway namespace, 1400-byte IPv4 UDP
 * packets (the device's MTU). Each packet written is addressed to 198.18.0.3, which the namespace forwards back out
 * through the same device (IP forwarding on, redirects off), so one round is one write and one read through the
 * kernel's receive and forwarding paths, without a socket. Modes: one packet at a time (write, read), bursts of 32
 * (32 writes, then 32 reads), and bursts where every packet is also parsed and its destination port rewritten with
 * InnerPacket, as the agent would; heap and direct buffers.
 * Run: {@code mvn -B -q -o -pl netlink exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.netlink.bench.TunThroughputBenchmark [-Dexec.args="SECONDS"]}
 */
public final class TunThroughputBenchmark {
    private static final int PACKET = TunLab.MTU;
    private static final int BURST = 32;

    private TunThroughputBenchmark() {
    }

    private enum Mode {
        SINGLE(1, false),
        BURST(TunThroughputBenchmark.BURST, false),
        BURST_REWRITE(TunThroughputBenchmark.BURST, true);

        final int burst;
        final boolean rewrite;

        Mode(int burst, boolean rewrite) {
            this.burst = burst;
            this.rewrite = rewrite;
        }
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        try (TunLab lab = TunLab.create("tp")) {
            lab.quiet();
            lab.ns.exec("sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.send_redirects=0",
                    "net.ipv4.conf." + lab.tun.name() + ".send_redirects=0");
            byte[] packet = IpPackets.udp(InetAddress.getByName(TunLab.PEER4), 5000,
                    InetAddress.getByName("198.18.0.3"), 4253, new byte[PACKET - 28]);
            System.out.printf(Locale.ROOT, "TUN %s, MTU %d, %d-byte IPv4 UDP packets, %.1f s per mode, kernel %s%n",
                    lab.tun.name(), TunLab.MTU, packet.length, seconds, System.getProperty("os.version"));
            for (boolean direct : new boolean[] {false, true}) {
                for (Mode mode : Mode.values()) {
                    run(lab.tun, packet, mode, direct, 0.5);
                    Result result = run(lab.tun, packet, mode, direct, seconds);
                    System.out.printf(Locale.ROOT, "%-13s %-6s %9.0f packets/s written and read back"
                            + " (%6.0f Mbit/s each way), %d lost%n", mode, direct ? "direct" : "heap",
                            result.perSecond(), result.perSecond() * PACKET * 8 / 1e6, result.lost);
                }
            }
        }
    }

    private record Result(long packets, long nanos, long lost) {
        double perSecond() {
            return packets * 1e9 / nanos;
        }
    }

    private static Result run(TunDevice tun, byte[] packet, Mode mode, boolean direct, double seconds)
            throws Exception {
        ByteBuffer out = direct ? ByteBuffer.allocateDirect(PACKET) : ByteBuffer.allocate(PACKET);
        ByteBuffer in = direct ? ByteBuffer.allocateDirect(TunDevice.MAX_PACKET) : ByteBuffer.allocate(PACKET);
        long packets = 0;
        long lost = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            for (int i = 0; i < mode.burst; i++) {
                out.clear().put(packet).flip();
                if (mode.rewrite) {
                    InnerPacket.parse(out).setDestinationPort(4253 + i);
                }
                tun.send(out);
            }
            for (int i = 0; i < mode.burst; i++) {
                in.clear();
                int length = tun.receive(in, Duration.ofMillis(200));
                if (length <= 0) {
                    lost += mode.burst - i;
                    break;
                }
                if (length != PACKET || in.get(8) != 63) {
                    throw new IllegalStateException("read " + length + " bytes with TTL " + in.get(8)
                            + ", not the packet forwarded back (1400 bytes, TTL 63)");
                }
                if (mode.rewrite) {
                    in.flip();
                    InnerPacket.parse(in).setSourcePort(5001);
                }
                packets++;
            }
        }
        return new Result(packets, System.nanoTime() - start, lost);
    }
}
