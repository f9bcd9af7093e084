package org.sacip.netlink.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.sacip.netlink.Errno;
import org.sacip.netlink.LibC;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkSystemCallException;
import org.sacip.netlink.Syscalls;
import org.sacip.netlink.WakeableWait;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.LinkRequest;
import org.sacip.netlink.route.RtnetlinkClient;

/**
 * A TUN device: IP packets the kernel routes to it are read here, packets written here enter the kernel as if they
 * had arrived on it. Without a packet-information header (IFF_NO_PI), one read is one whole packet and one write must
 * be one, starting at its IP header. The device lives in the network namespace of the thread that opened it, is this
 * process's alone (a device of that name already there is refused, never shared) and disappears when it is closed.
 * Its MTU and state are changed over rtnetlink in that same namespace, whichever thread asks.
 *
 * <p>Opened with virtio headers (IFF_VNET_HDR), every packet read or written starts with a
 * {@link org.sacip.netlink.packet.VirtioNetHeader}: a write may then hand the kernel many TCP segments as one packet
 * it cuts itself (the device advertises no offloads, so reads are whole packets with their checksums done, or say what
 * is left to finish).
 *
 * <p>One thread receives and one sends at a time; {@link #wakeup}, {@link #close}, {@link #setMtu} and {@link #setUp}
 * may come from any thread.
 */
public final class TunDevice implements AutoCloseable {
    /** IFNAMSIZ minus the terminating NUL. */
    public static final int MAX_NAME_LENGTH = 15;
    /** The largest IP packet (an IPv4 total length is 16 bits; a TUN's MTU is at most 65535). */
    public static final int MAX_PACKET = 65535;

    private static final String DEVICE_FILE = "/dev/net/tun";
    /** _IOW('T', 202, int) of linux/if_tun.h; the same number on x86_64 and arm64. */
    private static final long TUNSETIFF = 0x400454caL;
    /** struct ifreq on a 64-bit kernel: the name, then a 24-byte union whose first member is ifr_flags. */
    private static final int IFREQ = 40;
    private static final int IFREQ_FLAGS = 16;
    private static final int IFF_TUN = 0x0001;
    private static final int IFF_NO_PI = 0x1000;
    /** Refuse a device of that name that already exists (EBUSY) instead of attaching to it. */
    private static final int IFF_TUN_EXCL = 0x8000;
    private static final int IFF_VNET_HDR = 0x4000;
    private static final int VIRTIO_HEADER = 10;

    private final int fd;
    private final String name;
    private final int index;
    /** A socket of the device's namespace, so MTU and state go to the right kernel whichever thread asks. */
    private final RtnetlinkClient links;
    /** The receiving thread's wait, which {@link #wakeup} and {@link #close} end. */
    private final WakeableWait wait;
    private final Object closeLock = new Object();
    private final Object receiveLock = new Object();
    private final Object sendLock = new Object();
    private final Object linkLock = new Object();
    /** Native copies of heap buffers (and of direct ones too short for any packet, on receive). */
    /** The longest read or write: a packet, and its virtio header where there is one. */
    private final int maxFrame;
    private final Memory receiveMemory;
    private final Memory sendMemory;
    private volatile boolean closed;

    private TunDevice(int fd, String name, int index, RtnetlinkClient links, WakeableWait wait,
            boolean virtioHeaders) {
        this.fd = fd;
        this.name = name;
        this.index = index;
        this.links = links;
        this.wait = wait;
        this.maxFrame = MAX_PACKET + (virtioHeaders ? VIRTIO_HEADER : 0);
        this.receiveMemory = new Memory(maxFrame);
        this.sendMemory = new Memory(maxFrame);
    }

    /**
     * Creates a TUN device in the calling thread's namespace. {@code name} may hold one {@code %d}, which the kernel
     * replaces by the lowest free number; empty lets the kernel call it {@code tunN}.
     *
     * @throws IllegalArgumentException if the name cannot be an interface name (over 15 bytes, '/', ':', spaces)
     * @throws NetlinkSystemCallException with a reason: no /dev/net/tun, no permission (CAP_NET_ADMIN), name taken
     */
    public static TunDevice open(String name) throws NetlinkException {
        return open(name, false);
    }

    /** As {@link #open(String)}; with {@code virtioHeaders}, every packet read or written starts with one. */
    public static TunDevice open(String name, boolean virtioHeaders) throws NetlinkException {
        byte[] requested = checkName(name);
        int fd = openDeviceFile();
        try {
            String actual = attach(fd, requested, name, virtioHeaders);
            RtnetlinkClient links = RtnetlinkClient.open();
            try {
                LinkInfo link = links.link(actual).orElseThrow(() -> new NetlinkException("TUN device " + actual
                        + " was made but the kernel does not list it"));
                return new TunDevice(fd, actual, link.index(), links, WakeableWait.open(), virtioHeaders);
            } catch (NetlinkException | RuntimeException e) {
                links.close();
                throw e;
            }
        } catch (NetlinkException | RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /** As {@link #open(String)}, in {@code namespace}: the device is made there and stays there. */
    public static TunDevice open(NetNamespace namespace, String name) throws NetlinkException {
        return open(namespace, name, false);
    }

    /** As {@link #open(String, boolean)}, in {@code namespace}. */
    public static TunDevice open(NetNamespace namespace, String name, boolean virtioHeaders) throws NetlinkException {
        checkName(name);
        return namespace.call(() -> open(name, virtioHeaders));
    }

    private static byte[] checkName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("interface name '" + name + "' has " + bytes.length
                    + " bytes; the kernel takes at most " + MAX_NAME_LENGTH);
        }
        if (name.equals(".") || name.equals("..") || name.chars().anyMatch(c -> c == '/' || c == ':' || c == 0
                || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("'" + name + "' is not a valid interface name");
        }
        return bytes;
    }

    private static int openDeviceFile() throws NetlinkSystemCallException {
        // Non-blocking so that a waiting receive sleeps in poll(2), which close() can end (a read(2) it cannot).
        try {
            return LibC.INSTANCE.open(DEVICE_FILE, LibC.O_RDWR | LibC.O_CLOEXEC | LibC.O_NONBLOCK);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            String call = "open(" + DEVICE_FILE + ")";
            throw switch (errno) {
                case Errno.ENOENT -> new NetlinkSystemCallException(call, errno, "there is no " + DEVICE_FILE
                        + " (in a container, pass the device in; otherwise 'mknod " + DEVICE_FILE + " c 10 200')");
                case Errno.ENODEV -> new NetlinkSystemCallException(call, errno,
                        "the kernel has no TUN driver (modprobe tun)");
                case Errno.EACCES, Errno.EPERM -> new NetlinkSystemCallException(call, errno,
                        "no permission to open " + DEVICE_FILE);
                default -> new NetlinkSystemCallException(call, errno);
            };
        }
    }

    /** TUNSETIFF: makes the device and binds the file to it; returns the name the kernel gave it. */
    private static String attach(int fd, byte[] requested, String name, boolean virtioHeaders)
            throws NetlinkSystemCallException {
        Memory ifreq = new Memory(IFREQ);
        ifreq.clear();
        ifreq.write(0, requested, 0, requested.length);
        ifreq.setShort(IFREQ_FLAGS, (short) (IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL | (virtioHeaders ? IFF_VNET_HDR : 0)));
        try {
            LibC.INSTANCE.ioctl(fd, new NativeLong(TUNSETIFF), ifreq);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            String call = "ioctl(TUNSETIFF, '" + name + "')";
            throw switch (errno) {
                case Errno.EPERM -> new NetlinkSystemCallException(call, errno,
                        "making a TUN device needs CAP_NET_ADMIN in the network namespace");
                case Errno.EBUSY -> new NetlinkSystemCallException(call, errno,
                        "an interface named '" + name + "' exists already");
                case Errno.EINVAL -> new NetlinkSystemCallException(call, errno,
                        "the kernel refuses the name '" + name + "'");
                default -> new NetlinkSystemCallException(call, errno);
            };
        }
        return ifreq.getString(0, StandardCharsets.UTF_8.name());
    }

    /** The name the kernel gave the device (the requested one with any {@code %d} filled in). */
    /** The longest packet a read gives or a write takes, its virtio header included where there is one. */
    public int maxFrame() {
        return maxFrame;
    }

    public boolean hasVirtioHeaders() {
        return maxFrame > MAX_PACKET;
    }

    public String name() {
        return name;
    }

    /** The interface index in the device's namespace. */
    public int index() {
        return index;
    }

    /**
     * Sets the MTU: the kernel fragments or refuses (Don't Fragment, IPv6) larger packets it would route into the
     * device; IPv6 stays off the device below 1280.
     *
     * @throws org.sacip.netlink.NetlinkErrorException EINVAL for an MTU outside 68..65535
     */
    public void setMtu(int mtu) throws NetlinkException {
        changeLink(LinkRequest.mtu(index, mtu));
    }

    /**
     * Sets how many packets the kernel keeps for the reader ({@code txqueuelen}, 500 by default): what the kernel
     * routes into the device while the ring is full is dropped.
     */
    public void setTxQueueLength(int packets) throws NetlinkException {
        changeLink(LinkRequest.txQueueLength(index, packets));
    }

    /** Brings the device up: only then does the kernel route packets into it and take packets written into it. */
    public void setUp() throws NetlinkException {
        changeLink(LinkRequest.up(index, true));
    }

    private void changeLink(LinkRequest request) throws NetlinkException {
        synchronized (linkLock) {
            ensureOpen();
            links.setLink(request);
        }
    }

    /** As {@link #receive(ByteBuffer, Duration)} without a time limit. */
    public int receive(ByteBuffer packet) throws NetlinkException {
        return receive(packet, null);
    }

    /**
     * Waits up to {@code timeout} (null: without limit) for one packet and puts it at the buffer's position, which
     * advances past it (as {@link java.nio.channels.ReadableByteChannel#read} does).
     *
     * @return the packet's length; 0 when the time ran out, {@link #wakeup} was called or a signal interrupted the
     *         wait; -1 once the device is closed (also for a receive that was waiting when it closed)
     * @throws NetlinkException if the packet was longer than the space left in the buffer (it is lost: leave the
     *                          MTU's worth), or the read failed. A direct buffer with {@link #maxFrame()} bytes left
     *                          is read into where it is; others through a copy
     */
    public int receive(ByteBuffer packet, Duration timeout) throws NetlinkException {
        if (packet.isReadOnly()) {
            throw new IllegalArgumentException("a read-only buffer cannot take a packet");
        }
        synchronized (receiveLock) {
            long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
            while (!closed) {
                // Read first: while packets are queued, that is one system call per packet rather than two.
                int length = readNow(packet);
                if (length > 0) {
                    return length;
                }
                long millis = -1;
                if (timeout != null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return 0;
                    }
                    millis = Math.min(Integer.MAX_VALUE, Math.max(1, Duration.ofNanos(left).toMillis()));
                }
                WakeableWait.Outcome outcome = wait.await(fd, millis, true);
                if (outcome == WakeableWait.Outcome.WOKEN && !closed) {
                    return 0;
                }
            }
            return -1;
        }
    }

    /**
     * One non-blocking read; 0 when nothing is queued. A read shorter than the packet returns what it copied and the
     * rest is gone without a sign (Linux 6.18), so the kernel reads into the caller's memory only when that can hold
     * any packet (a direct buffer with {@link #maxFrame()} bytes left); otherwise into ours, which can, and a packet
     * too long for the caller's buffer is told apart from one that fits.
     */
    private int readNow(ByteBuffer packet) throws NetlinkException {
        int space = packet.remaining();
        boolean inPlace = packet.isDirect() && space >= maxFrame;
        Pointer target = inPlace ? Native.getDirectBufferPointer(packet).share(packet.position()) : receiveMemory;
        long length = Syscalls.read(fd, target, maxFrame);
        if (length < 0) {
            int errno = Syscalls.errno();
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                return 0;
            }
            throw new NetlinkSystemCallException("read(" + name + ")", errno);
        }
        if (length > space) {
            throw new NetlinkException("a packet of " + length + " bytes from " + name + " did not fit the "
                    + space + " bytes left in the buffer; it is lost");
        }
        if (!inPlace) {
            if (packet.hasArray()) {
                receiveMemory.read(0, packet.array(), packet.arrayOffset() + packet.position(), (int) length);
            } else {
                packet.duplicate().put(receiveMemory.getByteBuffer(0, length));
            }
        }
        packet.position(packet.position() + (int) length);
        return (int) length;
    }

    /**
     * Hands one IP packet (the buffer's remaining bytes, from its IP header on) to the kernel as if it had arrived on
     * the device; the buffer's position advances to its limit. The kernel checks it as any received packet (header
     * and transport checksums, reverse path filter, a local destination or a route on) and drops what fails without
     * a word.
     *
     * @throws NetlinkSystemCallException EIO while the device is down, EINVAL for a first nibble neither 4 nor 6
     */
    public void send(ByteBuffer packet) throws NetlinkException {
        int length = packet.remaining();
        if (length == 0 || length > maxFrame) {
            throw new IllegalArgumentException("a packet of " + length + " bytes; this TUN takes 1.." + maxFrame);
        }
        synchronized (sendLock) {
            ensureOpen();
            Pointer source;
            if (packet.isDirect()) {
                source = Native.getDirectBufferPointer(packet).share(packet.position());
            } else if (packet.hasArray()) {
                sendMemory.write(0, packet.array(), packet.arrayOffset() + packet.position(), length);
                source = sendMemory;
            } else {
                byte[] copy = new byte[length];
                packet.duplicate().get(copy);
                sendMemory.write(0, copy, 0, length);
                source = sendMemory;
            }
            long written = Syscalls.write(fd, source, length);
            if (written < 0) {
                int errno = Syscalls.errno();
                String call = "write(" + name + ", " + length + " bytes)";
                throw switch (errno) {
                    case Errno.EIO -> new NetlinkSystemCallException(call, errno, "the device is down");
                    case Errno.EINVAL -> new NetlinkSystemCallException(call, errno,
                            "the kernel refused it as an IP packet");
                    default -> new NetlinkSystemCallException(call, errno);
                };
            }
            if (written != length) {
                throw new NetlinkException("write(" + name + ") took " + written + " of " + length + " bytes");
            }
            packet.position(packet.limit());
        }
    }

    /** Ends the current or next wait of {@link #receive}, which returns 0; from any thread, nothing once closed. */
    public void wakeup() {
        wait.wakeup();
    }

    private void ensureOpen() throws NetlinkException {
        if (closed) {
            throw new NetlinkException("TUN device " + name + " is closed");
        }
    }

    /**
     * Closes the device file, which removes the device with its addresses and routes. A receive waiting in another
     * thread returns -1 first; a send in progress finishes first.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        wait.wakeup();
        synchronized (receiveLock) {
            synchronized (sendLock) {
                synchronized (linkLock) {
                    closeQuietly(fd);
                    wait.close();
                    links.close();
                }
            }
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException ignored) {
            // Nothing to recover when closing.
        }
    }

    @Override
    public String toString() {
        return "TunDevice[" + name + " #" + index + (closed ? ", closed" : "") + "]";
    }
}
