package org.sacip.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A netlink socket of one family, bound to a kernel-chosen port id. Requests are answered in order on the same
 * socket; keep event subscriptions ({@link #joinGroup(int)}) on a socket of their own, because request methods
 * skip messages that do not belong to their sequence number. Not thread-safe: one thread uses a socket at a time,
 * except for {@link #wakeup()}, which any thread may call to end that thread's wait in {@link #receive()} (so an event
 * loop can wait without a timeout and still stop at once).
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final int SOCKADDR_NL_LENGTH = 12;
    private static final int DEFAULT_RECEIVE_CAPACITY = 1 << 20;
    private static final int STANDING_SEND_CAPACITY = 64 * 1024;
    /** How long a request waits for the kernel's answer before giving up; the kernel answers in microseconds. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final NetlinkFamily family;
    private final int fd;
    private final int portId;
    private final Memory receiveMemory;
    private final Memory sourceAddress = new Memory(SOCKADDR_NL_LENGTH);
    private final Memory kernelAddress = new Memory(SOCKADDR_NL_LENGTH);
    /** The receiving thread's wait, which {@link #wakeup()} ends. */
    private final WakeableWait wait;
    private final Object closeLock = new Object();
    private final Memory sendMemory = new Memory(STANDING_SEND_CAPACITY);
    private int sequence = ThreadLocalRandom.current().nextInt(1, 1 << 30);
    private volatile boolean closed;

    private NetlinkSocket(NetlinkFamily family, int fd) throws NetlinkException {
        this.family = family;
        this.fd = fd;
        try {
            this.wait = WakeableWait.open();
        } catch (NetlinkSystemCallException e) {
            closeFd(fd);
            throw e;
        }
        this.receiveMemory = new Memory(DEFAULT_RECEIVE_CAPACITY);
        kernelAddress.clear();
        kernelAddress.setShort(0, (short) LibC.AF_NETLINK);
        Memory bindAddress = new Memory(SOCKADDR_NL_LENGTH);
        bindAddress.clear();
        bindAddress.setShort(0, (short) LibC.AF_NETLINK);
        try {
            LibC.INSTANCE.bind(fd, bindAddress, SOCKADDR_NL_LENGTH);
            IntByReference length = new IntByReference(SOCKADDR_NL_LENGTH);
            LibC.INSTANCE.getsockname(fd, bindAddress, length);
        } catch (LastErrorException e) {
            closeQuietly();
            throw new NetlinkSystemCallException("bind", e.getErrorCode());
        }
        this.portId = bindAddress.getInt(4);
        // Extended acks explain refusals; capped acks keep error replies from echoing whole large batches.
        setNetlinkOption(LibC.NETLINK_EXT_ACK, 1, false);
        setNetlinkOption(LibC.NETLINK_CAP_ACK, 1, false);
    }

    /** Opens a socket in the caller's network namespace. */
    public static NetlinkSocket open(NetlinkFamily family) throws NetlinkException {
        int fd;
        try {
            fd = LibC.INSTANCE.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, family.protocol());
        } catch (LastErrorException e) {
            throw new NetlinkSystemCallException("socket(AF_NETLINK, " + family + ")", e.getErrorCode());
        }
        return new NetlinkSocket(family, fd);
    }

    /** Opens a socket that talks to the kernel of {@code namespace}, without the caller leaving its own. */
    public static NetlinkSocket open(NetlinkFamily family, NetNamespace namespace) throws NetlinkException {
        return namespace.call(() -> open(family));
    }

    public NetlinkFamily family() {
        return family;
    }

    /** The port id the kernel gave this socket. */
    public int portId() {
        return portId;
    }

    /**
     * Has the kernel drop, before they are queued, the notifications that the socket with port id {@code portId}
     * caused: a process that watches what others do to its objects need not receive (and overrun on) the
     * notifications of its own large transactions. Each notification datagram names the requesting socket in its
     * first header's {@code nlmsg_pid}; a classic BPF socket filter compares that field.
     */
    public void ignoreNotificationsCausedBy(int portId) throws NetlinkException {
        ensureOpen();
        // BPF loads words big-endian; the header is in host order.
        int wire = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(portId) : portId;
        int[][] program = {
            {0x20, 0, 0, 12},          // ld  [12]          nlmsg_pid of the first message
            {0x15, 0, 1, wire},        // jeq #portId, drop, keep
            {0x06, 0, 0, 0},           // drop: ret #0
            {0x06, 0, 0, 0xFFFFFFFF},  // keep: ret #-1 (all of it)
        };
        Memory filter = new Memory(8L * program.length);
        for (int i = 0; i < program.length; i++) {
            filter.setShort(8L * i, (short) program[i][0]);
            filter.setByte(8L * i + 2, (byte) program[i][1]);
            filter.setByte(8L * i + 3, (byte) program[i][2]);
            filter.setInt(8L * i + 4, program[i][3]);
        }
        // struct sock_fprog: unsigned short len, then the pointer at its natural alignment.
        Memory fprog = new Memory(2L * Native.POINTER_SIZE);
        fprog.clear();
        fprog.setShort(0, (short) program.length);
        fprog.setPointer(Native.POINTER_SIZE, filter);
        try {
            LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, fprog, (int) fprog.size());
        } catch (LastErrorException e) {
            throw new NetlinkSystemCallException("setsockopt(SO_ATTACH_FILTER)", e.getErrorCode());
        }
    }

    /**
     * Reads and discards every datagram queued now, without waiting; returns how many. After an overrun the kernel
     * drops further notifications silently until the queue has been read empty, so a listener must drain before it
     * trusts new notifications again. An empty {@link #receive} result does not prove the queue empty (a datagram
     * may carry nothing its caller parses); this does.
     */
    public int drain() throws NetlinkException {
        ensureOpen();
        int drained = 0;
        while (true) {
            try {
                IntByReference addressLength = new IntByReference(SOCKADDR_NL_LENGTH);
                LibC.INSTANCE.recvfrom(fd, receiveMemory, new NativeLong(receiveMemory.size()),
                        LibC.MSG_DONTWAIT | LibC.MSG_TRUNC, sourceAddress, addressLength);
                drained++;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EAGAIN) {
                    return drained;
                }
                if (e.getErrorCode() != Errno.ENOBUFS && e.getErrorCode() != Errno.EINTR) {
                    throw new NetlinkSystemCallException("recvfrom", e.getErrorCode());
                }
            }
        }
    }

    /** A fresh sequence number for the next request. */
    public int nextSequence() {
        sequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
        return sequence;
    }

    /** Asks the kernel to check dump requests strictly (filters in the header are honoured, not ignored). */
    public void enableStrictChecking() throws NetlinkException {
        setNetlinkOption(LibC.NETLINK_GET_STRICT_CHK, 1, true);
    }

    /** Subscribes to a multicast group by number (RTNLGRP_*, NFNLGRP_*, SKNLGRP_*). */
    public void joinGroup(int group) throws NetlinkException {
        setNetlinkOption(LibC.NETLINK_ADD_MEMBERSHIP, group, true);
    }

    public void leaveGroup(int group) throws NetlinkException {
        setNetlinkOption(LibC.NETLINK_DROP_MEMBERSHIP, group, true);
    }

    /**
     * Sets the kernel receive buffer; as root beyond rmem_max (SO_RCVBUFFORCE), otherwise up to rmem_max.
     * A larger buffer makes event overruns rarer; it cannot rule them out.
     */
    public void setReceiveBufferSize(int bytes) throws NetlinkException {
        try {
            LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, new IntByReference(bytes), 4);
        } catch (LastErrorException forced) {
            try {
                LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, new IntByReference(bytes), 4);
            } catch (LastErrorException e) {
                throw new NetlinkSystemCallException("setsockopt(SO_RCVBUF)", e.getErrorCode());
            }
        }
    }

    /**
     * Sets the send buffer (SO_SNDBUFFORCE as root, else SO_SNDBUF). The kernel takes a netfilter transaction only as
     * one datagram and refuses a datagram larger than the send buffer with EMSGSIZE.
     */
    public void setSendBufferSize(int bytes) throws NetlinkException {
        ensureOpen();
        try {
            LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUFFORCE, new IntByReference(bytes), 4);
        } catch (LastErrorException forced) {
            try {
                LibC.INSTANCE.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUF, new IntByReference(bytes), 4);
            } catch (LastErrorException e) {
                throw new NetlinkSystemCallException("setsockopt(SO_SNDBUF)", e.getErrorCode());
            }
        }
    }

    /** The receive buffer the kernel actually granted (it doubles the requested value for bookkeeping). */
    public int receiveBufferSize() throws NetlinkException {
        IntByReference value = new IntByReference();
        try {
            LibC.INSTANCE.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, value, new IntByReference(4));
        } catch (LastErrorException e) {
            throw new NetlinkSystemCallException("getsockopt(SO_RCVBUF)", e.getErrorCode());
        }
        return value.getValue();
    }

    /**
     * Sends one message or a batch to the kernel in one system call. A request larger than the socket's standing
     * send buffer gets native memory of its own, freed as soon as it is sent: a batch of 100,000 map elements is
     * tens of megabytes, and a buffer grown to it and kept would stay in the agent's resident memory for good.
     */
    public void send(ByteBuffer request) throws NetlinkException {
        ensureOpen();
        int length = request.remaining();
        if (length <= sendMemory.size()) {
            sendFrom(sendMemory, request, length);
            return;
        }
        try (Memory large = new Memory(length)) {
            sendFrom(large, request, length);
        }
    }

    private void sendFrom(Memory memory, ByteBuffer request, int length) throws NetlinkException {
        if (request.hasArray()) {
            memory.write(0, request.array(), request.arrayOffset() + request.position(), length);
        } else {
            byte[] copy = new byte[length];
            request.duplicate().get(copy);
            memory.write(0, copy, 0, length);
        }
        try {
            long sent = LibC.INSTANCE.sendto(fd, memory, new NativeLong(length), 0, kernelAddress,
                    SOCKADDR_NL_LENGTH).longValue();
            if (sent != length) {
                throw new NetlinkException("sendto sent " + sent + " of " + length + " bytes");
            }
        } catch (LastErrorException e) {
            throw new NetlinkSystemCallException("sendto", e.getErrorCode());
        }
    }

    /** Takes the messages of a dump one at a time, as they arrive. */
    @FunctionalInterface
    public interface DumpVisitor {
        void visit(NetlinkMessage message) throws NetlinkException;
    }

    /**
     * Sends a dump request and collects every message of the answer until NLMSG_DONE.
     *
     * @throws NetlinkErrorException if the kernel refused the dump
     * @throws NetlinkDumpInterruptedException if the table changed during the dump (dump again)
     */
    public List<NetlinkMessage> dump(ByteBuffer request) throws NetlinkException {
        List<NetlinkMessage> result = new ArrayList<>();
        dump(request, result::add);
        return result;
    }

    /**
     * Sends a dump request and hands every message of the answer to {@code visitor} as it arrives, so that a dump of
     * 100,000 sockets or flows is never held whole. Whether the table changed during the dump is known only at its
     * end: then the visitor has seen every message and this throws; whatever it kept must be dropped.
     *
     * @throws NetlinkErrorException if the kernel refused the dump
     * @throws NetlinkDumpInterruptedException if the table changed during the dump (dump again)
     */
    public void dump(ByteBuffer request, DumpVisitor visitor) throws NetlinkException {
        int requestSequence = sequenceOf(request);
        send(request);
        boolean interrupted = false;
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (true) {
            for (NetlinkMessage message : receiveAnswer(deadline, requestSequence)) {
                if (message.sequence() != requestSequence || message.portId() != portId) {
                    continue;
                }
                interrupted |= message.hasFlag(NetlinkConstants.NLM_F_DUMP_INTR);
                if (message.isError()) {
                    NetlinkErrorMessage error = NetlinkErrorMessage.parse(message);
                    if (!error.isAck()) {
                        throw error.toException();
                    }
                } else if (message.isDone()) {
                    checkDoneStatus(message, requestSequence);
                    if (interrupted) {
                        throw new NetlinkDumpInterruptedException(requestSequence);
                    }
                    return;
                } else if (message.type() >= NetlinkConstants.NLMSG_MIN_TYPE) {
                    visitor.visit(message);
                }
            }
        }
    }

    /** Sends a request that carries NLM_F_ACK and waits for its acknowledgement. */
    public void execute(ByteBuffer request) throws NetlinkException {
        query(request);
    }

    /**
     * Sends a request with NLM_F_ACK and returns the replies the kernel sent before the acknowledgement
     * (e.g. the route of RTM_GETROUTE).
     */
    public List<NetlinkMessage> query(ByteBuffer request) throws NetlinkException {
        int requestSequence = sequenceOf(request);
        if ((flagsOf(request, 0) & NetlinkConstants.NLM_F_ACK) == 0) {
            throw new IllegalArgumentException("request " + requestSequence + " lacks NLM_F_ACK; nothing to wait for");
        }
        send(request);
        List<NetlinkMessage> replies = new ArrayList<>();
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (true) {
            for (NetlinkMessage message : receiveAnswer(deadline, requestSequence)) {
                if (message.sequence() != requestSequence || message.portId() != portId) {
                    continue;
                }
                if (message.isError()) {
                    NetlinkErrorMessage error = NetlinkErrorMessage.parse(message);
                    if (!error.isAck()) {
                        throw error.toException();
                    }
                    return replies;
                }
                if (message.type() >= NetlinkConstants.NLMSG_MIN_TYPE) {
                    replies.add(message);
                }
            }
        }
    }

    /**
     * Sends a buffer of several requests in one system call and collects the answer to each: waits until every
     * request that carries NLM_F_ACK was acknowledged or refused. The kernel handles the whole buffer inside the
     * send call, so once one refusal has arrived (or every acknowledgement), whatever else it said is already
     * queued and is read without waiting; refusals of requests without NLM_F_ACK are reported too. Returns the non-error replies; throws the first refusal (by arrival, which is request order) with
     * the refused request's sequence number, the others attached as suppressed exceptions.
     */
    public List<NetlinkMessage> executeAll(ByteBuffer batch) throws NetlinkException {
        Set<Integer> awaiting = new HashSet<>();
        for (NetlinkMessage message : NetlinkMessageParser.parse(batch)) {
            if (message.hasFlag(NetlinkConstants.NLM_F_ACK)) {
                awaiting.add(message.sequence());
            }
        }
        Set<Integer> batchSequences = new HashSet<>(awaiting);
        for (NetlinkMessage message : NetlinkMessageParser.parse(batch)) {
            batchSequences.add(message.sequence());
        }
        send(batch);
        List<NetlinkMessage> replies = new ArrayList<>();
        NetlinkErrorException firstError = null;
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (true) {
            List<NetlinkMessage> received;
            if (!awaiting.isEmpty() && firstError == null) {
                received = receiveAnswer(deadline, sequenceOf(batch));
            } else {
                // Everything else the kernel said about this batch is already queued.
                received = receive(0, false);
                if (received.isEmpty()) {
                    break;
                }
            }
            for (NetlinkMessage message : received) {
                if (!batchSequences.contains(message.sequence()) || message.portId() != portId) {
                    continue;
                }
                if (message.isError()) {
                    NetlinkErrorMessage error = NetlinkErrorMessage.parse(message);
                    awaiting.remove(message.sequence());
                    if (!error.isAck()) {
                        if (firstError == null) {
                            firstError = error.toException();
                        } else {
                            firstError.addSuppressed(error.toException());
                        }
                    }
                } else if (message.type() >= NetlinkConstants.NLMSG_MIN_TYPE) {
                    replies.add(message);
                }
            }
        }
        if (firstError != null) {
            throw firstError;
        }
        return replies;
    }

    /**
     * Waits up to {@code timeout} for one datagram and returns its messages; empty if nothing arrived or
     * {@link #wakeup()} was called. {@link Duration#ZERO} only looks.
     *
     * @throws NetlinkOverrunException if the kernel dropped messages because the receive buffer was full; the
     *                                  messages still queued then are discarded too (see {@link #drain()}), so
     *                                  notifications flow again and the caller's state must be read afresh
     */
    public List<NetlinkMessage> receive(Duration timeout) throws NetlinkException {
        return receive(Math.min(timeout.toMillis(), Integer.MAX_VALUE), true);
    }

    /**
     * Waits, without a time limit, for one datagram and returns its messages; empty only when {@link #wakeup()} was
     * called (since the last wait) or a signal interrupted the wait. An idle event loop costs nothing this way.
     *
     * @throws NetlinkOverrunException as {@link #receive(Duration)}
     */
    public List<NetlinkMessage> receive() throws NetlinkException {
        return receive(-1, true);
    }

    /**
     * Ends the current or next wait of {@link #receive()} or {@link #receive(Duration)} on this socket, from any
     * thread: that call returns empty. Wakeups before a wait are not lost (an eventfd counts them); several before
     * one wait end only that one. Requests ({@link #dump}, {@link #query}) ignore it. Nothing once closed.
     */
    public void wakeup() {
        wait.wakeup();
    }

    /** Waits {@code millis} (-1: without limit) for the socket, and for a wakeup when {@code wakeable}. */
    private List<NetlinkMessage> receive(long millis, boolean wakeable) throws NetlinkException {
        ensureOpen();
        if (wait.await(fd, millis, wakeable) != WakeableWait.Outcome.READABLE) {
            return List.of();
        }
        return receiveNow();
    }

    private List<NetlinkMessage> receiveNow() throws NetlinkException {
        int length;
        try {
            IntByReference addressLength = new IntByReference(SOCKADDR_NL_LENGTH);
            length = (int) LibC.INSTANCE.recvfrom(fd, receiveMemory, new NativeLong(receiveMemory.size()),
                    LibC.MSG_DONTWAIT | LibC.MSG_TRUNC, sourceAddress, addressLength).longValue();
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOBUFS) {
                // Until the queue has been read empty the kernel drops every new message without a word: empty it
                // now, so that what the caller dumps next is followed by every later notification.
                drain();
                throw new NetlinkOverrunException();
            }
            if (e.getErrorCode() == Errno.EAGAIN || e.getErrorCode() == Errno.EINTR) {
                return List.of();
            }
            throw new NetlinkSystemCallException("recvfrom", e.getErrorCode());
        }
        if (length > receiveMemory.size()) {
            throw new NetlinkParseException(NetlinkParseException.Reason.DATAGRAM_TRUNCATED,
                    "datagram of " + length + " bytes exceeds the " + receiveMemory.size() + "-byte receive buffer");
        }
        if (sourceAddress.getInt(4) != 0) {
            // Only the kernel (port 0) speaks to us; a message from another process is ignored.
            return List.of();
        }
        byte[] datagram = receiveMemory.getByteArray(0, length);
        return NetlinkMessageParser.parse(ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder()));
    }

    private List<NetlinkMessage> receiveAnswer(long deadline, int requestSequence) throws NetlinkException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new NetlinkException("no answer from the kernel to request " + requestSequence + " within "
                        + REQUEST_TIMEOUT.toSeconds() + " s");
            }
            // Not wakeable: a wakeup meant for the socket's event loop must not be spent on a request's answer.
            long millis = Math.min(Duration.ofNanos(left).plusMillis(1).toMillis(), Integer.MAX_VALUE);
            List<NetlinkMessage> messages = receive(millis, false);
            if (!messages.isEmpty()) {
                return messages;
            }
        }
    }

    private static void checkDoneStatus(NetlinkMessage done, int requestSequence) throws NetlinkErrorException {
        ByteBuffer payload = done.payloadView();
        if (payload.remaining() >= 4) {
            int status = payload.getInt(0);
            if (status < 0 && status != Integer.MIN_VALUE) {
                throw new NetlinkErrorException(-status, requestSequence, null, -1);
            }
        }
    }

    private static int sequenceOf(ByteBuffer request) {
        if (request.remaining() < NetlinkConstants.NLMSG_HDRLEN) {
            throw new IllegalArgumentException("a request needs at least a 16-byte netlink header");
        }
        return request.duplicate().order(ByteOrder.nativeOrder()).getInt(request.position() + 8);
    }

    private static int flagsOf(ByteBuffer request, int offset) {
        return Short.toUnsignedInt(request.duplicate().order(ByteOrder.nativeOrder())
                .getShort(request.position() + offset + 6));
    }

    private void setNetlinkOption(int option, int value, boolean required) throws NetlinkException {
        try {
            LibC.INSTANCE.setsockopt(fd, LibC.SOL_NETLINK, option, new IntByReference(value), 4);
        } catch (LastErrorException e) {
            if (required) {
                throw new NetlinkSystemCallException("setsockopt(SOL_NETLINK, " + option + ")", e.getErrorCode());
            }
        }
    }

    private void ensureOpen() throws NetlinkException {
        if (closed) {
            throw new NetlinkException("netlink socket is closed");
        }
    }

    private void closeQuietly() {
        closeFd(fd);
        wait.close();
    }

    private static void closeFd(int descriptor) {
        try {
            LibC.INSTANCE.close(descriptor);
        } catch (LastErrorException ignored) {
            // Nothing to recover when closing a socket that failed to bind.
        }
    }

    /** Closes the socket; call it once no thread waits in {@link #receive} any more (wake and join it first). */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly();
    }
}
