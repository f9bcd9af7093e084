package org.sacip.netlink.udp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.Errno;
import org.sacip.netlink.LibC;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkSystemCallException;
import org.sacip.netlink.Syscalls;
import org.sacip.netlink.WakeableWait;

/**
 * A UDP socket of one IP version, opened through libc because Java's DatagramChannel can set neither Don't Fragment
 * nor the source address of one datagram, and does not tell the local address a datagram arrived at. Every datagram
 * leaves with DF set (IPv4) or unfragmented (IPv6): one larger than the path MTU the kernel knows fails with
 * EMSGSIZE instead of being fragmented. {@link #send} may name the source address (any local address, the agent's
 * ghosts included); {@link #receive} reports the local address each datagram was sent to. IPv6 sockets take only
 * IPv6. One thread sends and one receives at a time; {@link #wakeup} and {@link #close} may come from any thread.
 * Where the kernel offers it (Linux 4.18 and 5.0 on), {@link #sendSegments} hands it many datagrams of one size in
 * one call (UDP_SEGMENT) and {@link #receive} takes datagrams the kernel kept together (UDP_GRO) in one: a burst then
 * crosses the stack, and every firewall and NAT on this host, as one packet rather than dozens.
 */
public final class UdpSocket implements AutoCloseable {
    /** The largest UDP payload over IPv4 (65535 minus 20 and 8); IPv6 allows 65527 but no path carries it. */
    private static final int MAX_PAYLOAD = 65535;
    private static final int MSGHDR = 56;
    private static final int IOVEC = 16;
    private static final int CMSG_HEADER = 16;
    private static final int CONTROL = 128;
    private static final int SOL_SOCKET = 1;
    private static final int SO_MARK = 36;
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IP_PKTINFO = 8;
    private static final int IP_MTU_DISCOVER = 10;
    private static final int IP_PMTUDISC_DO = 2;
    private static final int IP_PMTUDISC_PROBE = 3;
    private static final int IPV6_MTU_DISCOVER = 23;
    private static final int IPV6_PMTUDISC_DO = 2;
    private static final int IPV6_PMTUDISC_PROBE = 3;
    private static final int IPV6_V6ONLY = 26;
    private static final int IPV6_RECVPKTINFO = 49;
    private static final int IPV6_PKTINFO = 50;
    private static final int SOL_UDP = 17;
    private static final int UDP_SEGMENT = 103;
    private static final int UDP_GRO = 104;
    /** The most datagrams one UDP_SEGMENT call may carry (Linux's UDP_MAX_SEGMENTS before 6.10 was 64). */
    public static final int MAX_SEGMENTS = 64;
    /** CMSG_SPACE(sizeof(uint16_t)): the UDP_SEGMENT control message. */
    private static final int SEGMENT_SPACE = CMSG_HEADER + 8;

    private final int family;
    private final int fd;
    /** The receiving thread's wait, which {@link #wakeup} and {@link #close} end. */
    private final WakeableWait wait;
    private final int localPort;
    /** Whether the kernel takes UDP_SEGMENT (probed at open). */
    private final boolean segmentation;
    private final Object closeLock = new Object();
    private volatile boolean closed;
    private final Send sendState = new Send();
    private final Receive receiveState = new Receive();

    /** Native memory of the sending thread. */
    private static final class Send {
        final Memory message = new Memory(MSGHDR);
        final Memory iov = new Memory(IOVEC);
        final Memory name = new Memory(SocketAddressCodec.SOCKADDR_IN6);
        final Memory control = new Memory(CONTROL);
        Memory payload = new Memory(2048);
    }

    /** Native memory of the receiving thread. */
    private static final class Receive {
        final Memory message = new Memory(MSGHDR);
        final Memory iov = new Memory(IOVEC);
        final Memory name = new Memory(SocketAddressCodec.SOCKADDR_IN6);
        final Memory control = new Memory(CONTROL);
        final Memory payload = new Memory(MAX_PAYLOAD);
        /** The rest of what one receive took, when the kernel handed over several datagrams at once. */
        final ArrayDeque<ReceivedDatagram> pending = new ArrayDeque<>();
    }

    private UdpSocket(int family, int fd, WakeableWait wait, int localPort, boolean segmentation) {
        this.family = family;
        this.fd = fd;
        this.wait = wait;
        this.localPort = localPort;
        this.segmentation = segmentation;
    }

    /**
     * Opens an IPv4 ({@code ipVersion} 4) or IPv6 (6) socket bound to every local address at {@code port} (0: a
     * free port the kernel picks) in the caller's namespace. Its datagrams carry {@code mark} (0: none).
     */
    public static UdpSocket open(int ipVersion, int port, long mark) throws NetlinkException {
        if (ipVersion != 4 && ipVersion != 6) {
            throw new IllegalArgumentException("IP version " + ipVersion + " is neither 4 nor 6");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("UDP port " + port + " is outside 0..65535");
        }
        if (Native.POINTER_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
            throw new NetlinkException("UDP sockets need a 64-bit platform (struct msghdr layout)");
        }
        int family = ipVersion == 4 ? LibC.AF_INET : LibC.AF_INET6;
        int fd = call("socket", () -> LibC.INSTANCE.socket(family, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0));
        try {
            configure(fd, family, mark);
            boolean segmentation = offload(fd);
            Memory address = new Memory(SocketAddressCodec.SOCKADDR_IN6);
            int length = SocketAddressCodec.write(address, family, null, port);
            call("bind(UDP port " + port + ")", () -> LibC.INSTANCE.bind(fd, address, length));
            IntByReference boundLength = new IntByReference(SocketAddressCodec.SOCKADDR_IN6);
            call("getsockname", () -> LibC.INSTANCE.getsockname(fd, address, boundLength));
            return new UdpSocket(family, fd, WakeableWait.open(), SocketAddressCodec.port(address), segmentation);
        } catch (NetlinkException | RuntimeException e) {
            LibC.INSTANCE.close(fd);
            throw e;
        }
    }

    /** As {@link #open(int, int, long)}, in {@code namespace}: the socket stays there whatever thread uses it. */
    public static UdpSocket open(NetNamespace namespace, int ipVersion, int port, long mark) throws NetlinkException {
        return namespace.call(() -> open(ipVersion, port, mark));
    }

    private static void configure(int fd, int family, long mark) throws NetlinkException {
        if (family == LibC.AF_INET) {
            setOption(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO, "IP_MTU_DISCOVER");
            setOption(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
        } else {
            setOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
            setOption(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO,
                    "IPV6_MTU_DISCOVER");
            setOption(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
        }
        if (mark != 0) {
            setOption(fd, SOL_SOCKET, SO_MARK, (int) mark, "SO_MARK");
        }
    }

    /**
     * Asks for UDP_GRO (received bursts kept together) and probes UDP_SEGMENT (a size of 0 sets no default, it only
     * shows the kernel knows the option); true when segmented sends work. Kernels without them get one datagram per
     * call both ways, as before.
     */
    private static boolean offload(int fd) {
        try {
            setOption(fd, SOL_UDP, UDP_GRO, 1, "UDP_GRO");
        } catch (NetlinkException e) {
            // Received datagrams come one by one.
        }
        try {
            setOption(fd, SOL_UDP, UDP_SEGMENT, 0, "UDP_SEGMENT");
            return true;
        } catch (NetlinkException e) {
            return false;
        }
    }

    private static void setOption(int fd, int level, int option, int value, String name) throws NetlinkException {
        call("setsockopt(" + name + ")",
                () -> LibC.INSTANCE.setsockopt(fd, level, option, new IntByReference(value), 4));
    }

    /**
     * Sets the kernel's receive buffer to {@code bytes}: as root beyond {@code net.core.rmem_max} (SO_RCVBUFFORCE),
     * otherwise up to it. Datagrams that arrive while the buffer is full are dropped, however briefly the receiving
     * thread was away.
     */
    public void setReceiveBufferSize(int bytes) throws NetlinkException {
        ensureOpen();
        try {
            LibC.INSTANCE.setsockopt(fd, SOL_SOCKET, LibC.SO_RCVBUFFORCE, new IntByReference(bytes), 4);
        } catch (LastErrorException forced) {
            setOption(fd, SOL_SOCKET, LibC.SO_RCVBUF, bytes, "SO_RCVBUF");
        }
    }

    /**
     * Sends datagrams up to the outgoing device's MTU, still with Don't Fragment, whatever smaller path MTU the
     * kernel's route to the destination holds (learnt from a "fragmentation needed", or configured): for a sender
     * that sizes its datagrams for a path it assumes, when other traffic to the same address may lower that record.
     */
    public void ignoreRoutePathMtu() throws NetlinkException {
        ensureOpen();
        if (family == LibC.AF_INET) {
            setOption(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE, "IP_MTU_DISCOVER");
        } else {
            setOption(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_PROBE, "IPV6_MTU_DISCOVER");
        }
    }

    /** The kernel's receive buffer in bytes, as it counts it (twice what was set: it includes its bookkeeping). */
    public int receiveBufferSize() throws NetlinkException {
        ensureOpen();
        IntByReference value = new IntByReference();
        call("getsockopt(SO_RCVBUF)", () -> LibC.INSTANCE.getsockopt(fd, SOL_SOCKET, LibC.SO_RCVBUF, value,
                new IntByReference(4)));
        return value.getValue();
    }

    /** The port the socket is bound to. */
    public int localPort() {
        return localPort;
    }

    /** 4 or 6. */
    public int ipVersion() {
        return family == LibC.AF_INET ? 4 : 6;
    }

    /**
     * Sends one datagram to {@code destination}:{@code port}, from {@code source} when given (it must be a local
     * address; null: the kernel chooses as for any unconnected socket).
     *
     * @throws NetlinkSystemCallException with {@link #isTooLarge} true when the datagram exceeds the path MTU the
     *                                    kernel knows (it was not sent), or another errno (ENETUNREACH,
     *                                    EADDRNOTAVAIL for a source that is not local, ...)
     */
    public void send(byte[] payload, InetAddress destination, int port, InetAddress source) throws NetlinkException {
        checkDestination(destination, port, source);
        if (payload.length > MAX_PAYLOAD - 28) {
            throw new IllegalArgumentException(payload.length + " octets do not fit a UDP datagram");
        }
        synchronized (sendState) {
            ensureOpen();
            Send s = stage(payload, payload.length);
            sendStaged(s, 0, payload.length, 0, destination, port, source);
        }
    }

    /**
     * Sends the datagrams laid end to end in {@code data[0, length)}: each {@code segmentSize} octets long but the
     * last, which may be shorter; at most {@link #MAX_SEGMENTS}. Where the kernel takes UDP_SEGMENT they go in one
     * call, else (or when it refuses the call) one by one in order, each with the outcome {@link #send} would have,
     * stopping at the first refused.
     *
     * @return how many were sent, the first that many (the failure is thrown when none was)
     */
    public int sendSegments(byte[] data, int length, int segmentSize, InetAddress destination, int port,
            InetAddress source) throws NetlinkException {
        checkDestination(destination, port, source);
        if (segmentSize < 1 || length < 1 || length > data.length || segmentSize > MAX_PAYLOAD - 28) {
            throw new IllegalArgumentException(length + " octets in segments of " + segmentSize);
        }
        int count = (length + segmentSize - 1) / segmentSize;
        if (count > MAX_SEGMENTS || length > MAX_PAYLOAD - 28) {
            throw new IllegalArgumentException(count + " datagrams in " + length + " octets exceed one call");
        }
        synchronized (sendState) {
            ensureOpen();
            Send s = stage(data, length);
            if (count > 1 && segmentation) {
                try {
                    sendStaged(s, 0, length, segmentSize, destination, port, source);
                    return count;
                } catch (NetlinkSystemCallException e) {
                    // EINVAL when a segment exceeds the path MTU, EIO where the device cannot checksum: one by one
                    // below, each then failing or passing as a single datagram does.
                }
            }
            int sent = 0;
            for (int offset = 0; offset < length; offset += segmentSize) {
                try {
                    sendStaged(s, offset, Math.min(segmentSize, length - offset), 0, destination, port, source);
                } catch (NetlinkException e) {
                    if (sent == 0) {
                        throw e;
                    }
                    return sent;
                }
                sent++;
            }
            return sent;
        }
    }

    private void checkDestination(InetAddress destination, int port, InetAddress source) throws NetlinkException {
        ensureOpen();
        if (SocketAddressCodec.familyOf(destination) != family
                || (source != null && SocketAddressCodec.familyOf(source) != family)) {
            throw new IllegalArgumentException("an IPv" + ipVersion() + " socket cannot send from " + source + " to "
                    + destination);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("UDP port " + port + " is outside 1..65535");
        }
    }

    /** Copies {@code data[0, length)} into the sending thread's native memory. */
    private Send stage(byte[] data, int length) {
        Send s = sendState;
        if (s.payload.size() < length) {
            s.payload = new Memory(Math.max(length, 2 * s.payload.size()));
        }
        s.payload.write(0, data, 0, length);
        return s;
    }

    /** One sendmsg of the staged octets {@code [offset, offset + length)}; segmented when {@code segmentSize} > 0. */
    private void sendStaged(Send s, int offset, int length, int segmentSize, InetAddress destination, int port,
            InetAddress source) throws NetlinkException {
        s.iov.setPointer(0, s.payload.share(offset));
        s.iov.setLong(8, length);
        int nameLength = SocketAddressCodec.write(s.name, family, destination, port);
        s.message.clear(MSGHDR);
        s.message.setPointer(0, s.name);
        s.message.setInt(8, nameLength);
        s.message.setPointer(16, s.iov);
        s.message.setLong(24, 1);
        int control = 0;
        if (source != null) {
            control += writeSourceInfo(s.control, source);
        }
        if (segmentSize > 0) {
            s.control.setLong(control, CMSG_HEADER + 2);
            s.control.setInt(control + 8, SOL_UDP);
            s.control.setInt(control + 12, UDP_SEGMENT);
            s.control.setShort(control + CMSG_HEADER, (short) segmentSize);
            control += SEGMENT_SPACE;
        }
        if (control > 0) {
            s.message.setPointer(32, s.control);
            s.message.setLong(40, control);
        }
        if (Syscalls.sendmsg(fd, s.message, 0) < 0) {
            throw new NetlinkSystemCallException("sendmsg(" + AddressText.endpoint(destination, port) + ")",
                    Syscalls.errno());
        }
    }

    /** IP_PKTINFO (ipi_spec_dst = source) or IPV6_PKTINFO (ipi6_addr = source); returns CMSG_SPACE. */
    private int writeSourceInfo(Memory control, InetAddress source) {
        byte[] raw = source.getAddress();
        control.clear(CONTROL);
        if (family == LibC.AF_INET) {
            control.setLong(0, CMSG_HEADER + 12);
            control.setInt(8, IPPROTO_IP);
            control.setInt(12, IP_PKTINFO);
            control.write(CMSG_HEADER + 4, raw, 0, 4);
            return CMSG_HEADER + 16;
        }
        control.setLong(0, CMSG_HEADER + 20);
        control.setInt(8, IPPROTO_IPV6);
        control.setInt(12, IPV6_PKTINFO);
        control.write(CMSG_HEADER, raw, 0, 16);
        return CMSG_HEADER + 24;
    }

    /** True when {@code e} says a datagram was larger than the path MTU and was not sent. */
    public static boolean isTooLarge(NetlinkException e) {
        return e instanceof NetlinkSystemCallException call && call.errno() == Errno.EMSGSIZE;
    }

    /**
     * Waits up to {@code timeout} (null: without limit) for a datagram. Empty when the time ran out, {@link #wakeup}
     * was called, a signal interrupted the wait or the datagram was not whole (larger than any UDP payload: never).
     */
    public Optional<ReceivedDatagram> receive(Duration timeout) throws NetlinkException {
        ensureOpen();
        synchronized (receiveState) {
            ensureOpen();
            Receive r = receiveState;
            if (!r.pending.isEmpty()) {
                return Optional.of(r.pending.poll());
            }
            // Read first: while datagrams are queued, that is one system call each rather than two.
            Optional<ReceivedDatagram> queued = receiveNow(r);
            if (queued.isPresent()) {
                return queued;
            }
            long millis = timeout == null ? -1 : Math.min(Integer.MAX_VALUE, timeout.toMillis());
            if (millis == 0 || wait.await(fd, millis, true) != WakeableWait.Outcome.READABLE) {
                return Optional.empty();
            }
            return receiveNow(r);
        }
    }

    private Optional<ReceivedDatagram> receiveNow(Receive r) throws NetlinkException {
        r.iov.setPointer(0, r.payload);
        r.iov.setLong(8, r.payload.size());
        r.message.clear(MSGHDR);
        r.message.setPointer(0, r.name);
        r.message.setInt(8, SocketAddressCodec.SOCKADDR_IN6);
        r.message.setPointer(16, r.iov);
        r.message.setLong(24, 1);
        r.message.setPointer(32, r.control);
        r.message.setLong(40, CONTROL);
        long length = Syscalls.recvmsg(fd, r.message, LibC.MSG_DONTWAIT);
        if (length < 0) {
            int errno = Syscalls.errno();
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                return Optional.empty();
            }
            throw new NetlinkSystemCallException("recvmsg", errno);
        }
        if ((r.message.getInt(48) & LibC.MSG_TRUNC) != 0) {
            return Optional.empty();
        }
        InetAddress localAddress = null;
        int interfaceIndex = 0;
        int segmentSize = 0;
        long controlLength = r.message.getLong(40);
        for (long at = 0; at + CMSG_HEADER <= controlLength; ) {
            long cmsgLength = r.control.getLong(at);
            if (cmsgLength < CMSG_HEADER || at + cmsgLength > controlLength) {
                break;
            }
            int level = r.control.getInt(at + 8);
            int type = r.control.getInt(at + 12);
            Pointer data = r.control.share(at + CMSG_HEADER);
            if (level == IPPROTO_IP && type == IP_PKTINFO) {
                interfaceIndex = data.getInt(0);
                localAddress = SocketAddressCodec.inet(data.getByteArray(8, 4));
            } else if (level == IPPROTO_IPV6 && type == IPV6_PKTINFO) {
                localAddress = SocketAddressCodec.inet(data.getByteArray(0, 16));
                interfaceIndex = data.getInt(16);
            } else if (level == SOL_UDP && type == UDP_GRO) {
                segmentSize = data.getInt(0);
            }
            at += (cmsgLength + 7) & ~7L;
        }
        if (localAddress == null) {
            throw new NetlinkException("recvmsg gave no packet information although it was asked for");
        }
        InetAddress source = SocketAddressCodec.address(r.name, family);
        int sourcePort = SocketAddressCodec.port(r.name);
        // Datagrams the kernel kept together (UDP_GRO) are each segmentSize long but the last: handed out one by one.
        int each = segmentSize > 0 && segmentSize < length ? segmentSize : Math.max(1, (int) length);
        ReceivedDatagram first = datagram(r, source, sourcePort, localAddress, interfaceIndex, 0,
                (int) Math.min(each, length));
        for (int offset = each; offset < length; offset += each) {
            r.pending.add(datagram(r, source, sourcePort, localAddress, interfaceIndex, offset,
                    (int) Math.min(each, length - offset)));
        }
        return Optional.of(first);
    }

    private ReceivedDatagram datagram(Receive r, InetAddress source, int sourcePort, InetAddress localAddress,
            int interfaceIndex, int offset, int length) {
        return new ReceivedDatagram(source, sourcePort, localAddress, localPort, interfaceIndex,
                r.payload.getByteArray(offset, length));
    }

    /** Ends the current or next wait of {@link #receive}, from any thread. Nothing once closed. */
    public void wakeup() {
        wait.wakeup();
    }

    private void ensureOpen() throws NetlinkException {
        if (closed) {
            throw new NetlinkException("UDP socket is closed");
        }
    }

    /** Closes the socket; a receive waiting in another thread returns first (it is woken, then the fds go). */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        wait.wakeup();
        synchronized (receiveState) {
            synchronized (sendState) {
                LibC.INSTANCE.close(fd);
                wait.close();
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        int run() throws LastErrorException;
    }

    private static int call(String what, Call call) throws NetlinkSystemCallException {
        try {
            return call.run();
        } catch (LastErrorException e) {
            throw new NetlinkSystemCallException(what, e.getErrorCode());
        }
    }

    @Override
    public String toString() {
        return "UdpSocket[IPv" + ipVersion() + " port " + localPort + (closed ? ", closed" : "") + "]";
    }
}
