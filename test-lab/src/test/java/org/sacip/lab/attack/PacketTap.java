package org.sacip.lab.attack;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * Every IP packet a lab host sends or receives on any of its interfaces that matches a filter, as tcpdump in the
 * host's namespace hands them over ({@code tcpdump -i any -w -}, one pcap record per packet as it arrives). Ready
 * when tcpdump says it is listening (its filter is set by then), not after a sleep; {@link #sync} proves that
 * everything sent before it was read; {@link #stop} says how many packets the kernel dropped, so counts built on
 * a tap can be trusted or rejected.
 */
final class PacketTap implements AutoCloseable {
    /** The discard port: a marker datagram to it is the capture's own, never the lab's traffic. */
    private static final int MARKER_PORT = 9;
    private static final long READY_LIMIT_MS = 15_000;
    private static final long SYNC_LIMIT_MS = 15_000;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int LINKTYPE_LINUX_SLL = 113;
    private static final int LINKTYPE_LINUX_SLL2 = 276;
    private static final int PACKET_OUTGOING = 4;
    private static final Pattern DROPPED = Pattern.compile("(\\d+) packets? dropped by kernel");

    private final String label;
    private final String namespace;
    private final Process tcpdump;
    private final List<CapturedPacket> packets = new ArrayList<>();
    private final List<Consumer<CapturedPacket>> listeners = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final Thread reader;
    private Thread errors;
    private volatile boolean ended;
    private volatile String failure;

    private PacketTap(String label, String namespace, Process tcpdump) {
        this.label = label;
        this.namespace = namespace;
        this.tcpdump = tcpdump;
        this.reader = new Thread(this::readPcap, "tap-" + label);
        this.reader.setDaemon(true);
    }

    /**
     * Starts capturing in the host and returns once tcpdump listens. {@code filter} is a pcap filter
     * expression (blank: every packet); the tap's own marker datagrams are always let through as well.
     */
    static PacketTap start(Lab lab, String host, String filter) {
        String expression = filter.isBlank() ? "" : "(" + filter + ") or (udp dst port " + MARKER_PORT + ")";
        List<String> command = new ArrayList<>(List.of("tcpdump", "-i", "any", "-n", "-U", "--immediate-mode",
                "-B", "32768", "-w", "-"));
        if (!expression.isEmpty()) {
            command.add(expression);
        }
        try {
            Process process = new ProcessBuilder(lab.inHost(host, command)).start();
            PacketTap tap = new PacketTap(host + " " + (filter.isBlank() ? "(all)" : filter), lab.ns(host), process);
            lab.onTeardown(tap);
            tap.reader.start();
            tap.awaitListening();
            return tap;
        } catch (IOException e) {
            throw new LabException("cannot start tcpdump in " + host + ": " + e.getMessage(), e);
        }
    }

    private void awaitListening() {
        errors = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(tcpdump.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    stderr.add(line);
                    synchronized (this) {
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                stderr.add("(stderr broke: " + e.getMessage() + ")");
            }
        }, "tap-stderr-" + label);
        errors.setDaemon(true);
        errors.start();
        long deadline = System.currentTimeMillis() + READY_LIMIT_MS;
        synchronized (this) {
            while (stderr.stream().noneMatch(line -> line.contains("listening on"))) {
                long left = deadline - System.currentTimeMillis();
                if (!tcpdump.isAlive() || left <= 0) {
                    tcpdump.destroyForcibly();
                    throw new LabException("tcpdump (" + label + ") did not start listening within "
                            + READY_LIMIT_MS + " ms: " + String.join(" / ", stderr));
                }
                waitQuietly(Math.min(left, 100));
            }
        }
    }

    /** Every packet seen so far, oldest first. */
    synchronized List<CapturedPacket> packets() {
        return List.copyOf(packets);
    }

    /** Calls {@code listener} for every packet seen from now on (on the tap's reader thread, in order). */
    void onPacket(Consumer<CapturedPacket> listener) {
        listeners.add(listener);
    }

    /**
     * The first packet, already seen or still to come, that matches; a LabException naming {@code what} when none
     * came within the limit.
     */
    CapturedPacket await(Predicate<CapturedPacket> match, long limitMs, String what) {
        return awaitNth(match, 1, limitMs, what);
    }

    /** The {@code n}-th packet (from 1) that matches, already seen or still to come; as {@link #await}. */
    CapturedPacket awaitNth(Predicate<CapturedPacket> match, int n, long limitMs, String what) {
        long deadline = System.currentTimeMillis() + limitMs;
        synchronized (this) {
            int checked = 0;
            int matched = 0;
            while (true) {
                for (; checked < packets.size(); checked++) {
                    if (match.test(packets.get(checked)) && ++matched == n) {
                        return packets.get(checked);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || ended) {
                    throw new LabException("no packet " + what + " within " + limitMs + " ms in the capture of "
                            + label + (failure == null ? "" : " (capture failed: " + failure + ")"));
                }
                waitQuietly(Math.min(left, 100));
            }
        }
    }

    /**
     * Sends a marker datagram from {@code local} (an address of the tap's host) to itself and waits until the
     * tap has read it: every packet the host sent or received before this call has been read too.
     */
    void sync(InetAddress local) {
        byte[] token = new byte[16];
        random.nextBytes(token);
        try {
            NetNamespace.named(namespace).call(() -> {
                try (DatagramChannel channel = DatagramChannel.open(local instanceof Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
                    channel.bind(new InetSocketAddress(local, 0));
                    channel.send(ByteBuffer.wrap(token), new InetSocketAddress(local, MARKER_PORT));
                }
                return null;
            });
        } catch (NetlinkException e) {
            throw new LabException("cannot send the capture marker in " + namespace + ": " + e.getMessage(), e);
        }
        await(p -> p.protocol() == IpPackets.UDP && p.destinationPort() == MARKER_PORT
                && Arrays.equals(Arrays.copyOfRange(p.transport(), 8, p.transport().length), token),
                SYNC_LIMIT_MS, "carrying the capture's marker");
    }

    /** True for a marker datagram of a tap (to be left out of counts). */
    static boolean isMarker(CapturedPacket packet) {
        return packet.protocol() == IpPackets.UDP && packet.destinationPort() == MARKER_PORT
                && packet.source().equals(packet.destination());
    }

    /** Stops tcpdump and returns what it says about the capture; safe to call twice. */
    TapStatistics stop() {
        if (tcpdump.isAlive()) {
            // SIGTERM through the handle: tcpdump prints its statistics and exits. (Process.destroy would also
            // close our ends of its pipes, losing those last lines.)
            tcpdump.toHandle().destroy();
        }
        try {
            if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
                tcpdump.destroyForcibly();
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            // tcpdump's statistics are its last lines on stderr: read to the end before looking for them.
            errors.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while stopping the capture of " + label, e);
        }
        long dropped = -1;
        for (String line : stderr) {
            Matcher matcher = DROPPED.matcher(line);
            if (matcher.find()) {
                dropped = Long.parseLong(matcher.group(1));
            }
        }
        return new TapStatistics(packets().size(), dropped, failure != null ? failure
                : dropped < 0 ? "tcpdump printed no statistics: " + String.join(" / ", stderr) : null);
    }

    @Override
    public void close() {
        stop();
    }

    private void readPcap() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(tcpdump.getInputStream(), 1 << 16))) {
            byte[] global = new byte[24];
            in.readFully(global);
            ByteBuffer header = ByteBuffer.wrap(global).order(ByteOrder.LITTLE_ENDIAN);
            int magic = header.getInt(0);
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
                header.order(ByteOrder.BIG_ENDIAN);
                magic = header.getInt(0);
            }
            boolean nanos = magic == 0xa1b23c4d;
            int linkType = header.getInt(20);
            byte[] recordHeader = new byte[16];
            while (true) {
                try {
                    in.readFully(recordHeader);
                } catch (EOFException end) {
                    return;
                }
                ByteBuffer record = ByteBuffer.wrap(recordHeader).order(header.order());
                long seconds = record.getInt(0) & 0xffffffffL;
                long fraction = record.getInt(4) & 0xffffffffL;
                int captured = record.getInt(8);
                byte[] frame = new byte[captured];
                in.readFully(frame);
                CapturedPacket packet = parse(linkType, seconds * 1_000_000 + (nanos ? fraction / 1000 : fraction),
                        frame);
                if (packet != null) {
                    synchronized (this) {
                        packets.add(packet);
                        notifyAll();
                    }
                    for (Consumer<CapturedPacket> listener : listeners) {
                        listener.accept(packet);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            ended = true;
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** The IP packet of one record, or null when it carries something else (ARP, ...). */
    private static CapturedPacket parse(int linkType, long micros, byte[] frame) throws IOException {
        int protocolOffset;
        int ipOffset;
        CapturedPacket.Direction direction = CapturedPacket.Direction.INBOUND;
        int interfaceIndex = 0;
        switch (linkType) {
            case LINKTYPE_LINUX_SLL2 -> {
                protocolOffset = 0;
                ipOffset = 20;
                interfaceIndex = ByteBuffer.wrap(frame, 4, 4).getInt();
                if (frame.length > 10 && (frame[10] & 0xff) == PACKET_OUTGOING) {
                    direction = CapturedPacket.Direction.OUTBOUND;
                }
            }
            case LINKTYPE_LINUX_SLL -> {
                protocolOffset = 14;
                ipOffset = 16;
                if (frame.length > 1 && (((frame[0] & 0xff) << 8) | (frame[1] & 0xff)) == PACKET_OUTGOING) {
                    direction = CapturedPacket.Direction.OUTBOUND;
                }
            }
            case LINKTYPE_ETHERNET -> {
                protocolOffset = 12;
                ipOffset = 14;
            }
            default -> throw new IOException("link type " + linkType + " is not one the tap reads");
        }
        if (frame.length < ipOffset + IpPackets.IPV4_HEADER) {
            return null;
        }
        int protocol = ((frame[protocolOffset] & 0xff) << 8) | (frame[protocolOffset + 1] & 0xff);
        int version = (frame[ipOffset] & 0xf0) >> 4;
        if (!(protocol == 0x0800 && version == 4 || protocol == 0x86dd && version == 6
                && frame.length >= ipOffset + IpPackets.IPV6_HEADER)) {
            return null;
        }
        return new CapturedPacket(micros, direction, interfaceIndex, Arrays.copyOfRange(frame, ipOffset,
                frame.length));
    }

    private void waitQuietly(long ms) {
        try {
            wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while waiting on the capture of " + label, e);
        }
    }

    @Override
    public String toString() {
        return "capture " + label;
    }

    /** What tcpdump said at the end: packets read by the tap, packets the kernel dropped (-1: not reported). */
    record TapStatistics(int packets, long droppedByKernel, String failure) {
        /** A LabException unless the capture is complete: nothing dropped, nothing broken. */
        TapStatistics requireComplete(String what) {
            if (failure != null || droppedByKernel != 0) {
                throw new LabException("the capture of " + what + " is incomplete (" + this + "): its counts"
                        + " cannot be trusted");
            }
            return this;
        }
    }
}
