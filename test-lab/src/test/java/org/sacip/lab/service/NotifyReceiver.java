package org.sacip.lab.service;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * The service manager's end of NOTIFY_SOCKET, as systemd opens it: an AF_UNIX datagram socket bound to a path or to
 * an abstract name, with SO_PASSCRED so each datagram carries its sender's pid (systemd accepts notifications from
 * the main pid only). An abstract name lives in a network namespace, so that socket is made inside the agent's.
 * Java 17 has no AF_UNIX datagram sockets: libc through JNA, as the agent does.
 */
final class NotifyReceiver implements AutoCloseable {
    private interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, Pointer address, int addressLength) throws LastErrorException;

        int setsockopt(int fd, int level, int option, IntByReference value, int valueLength)
                throws LastErrorException;

        int poll(Pointer fds, NativeLong count, int timeoutMillis) throws LastErrorException;

        NativeLong recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** One datagram: its text and the pid the kernel vouches sent it. */
    record Datagram(String text, long senderPid) {
        List<String> lines() {
            return text.lines().toList();
        }
    }

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_PASSCRED = 16;
    private static final int SCM_CREDENTIALS = 2;
    private static final int POLLIN = 1;
    private static final int PATH_SIZE = 108;
    private static final int BUFFER = 4096;

    private final int fd;
    private final String name;
    private final Optional<Path> path;
    private final Memory buffer = new Memory(BUFFER);
    private final Memory control = new Memory(64);
    private final Memory iovec = new Memory(16);
    private final Memory message = new Memory(56);
    private final Memory pollFd = new Memory(8);
    private final List<Datagram> received = new ArrayList<>();
    /** How many of {@link #received} an await has passed over (returned, or skipped before what it returned). */
    private int consumed;

    private NotifyReceiver(int fd, String name, Optional<Path> path) {
        this.fd = fd;
        this.name = name;
        this.path = path;
    }

    /** A socket bound to {@code path} (a file system name: the same in every network namespace). */
    static NotifyReceiver atPath(Path path) throws IOException {
        return open(path.toString(), Optional.of(path));
    }

    /** A socket bound to the abstract name {@code @name} in {@code namespace}. */
    static NotifyReceiver abstractIn(NetNamespace namespace, String name) throws IOException {
        try {
            return namespace.call(() -> open("@" + name, Optional.empty()));
        } catch (NetlinkException e) {
            throw new IOException("cannot open @" + name + " in " + namespace.path() + ": " + e.getMessage(), e);
        }
    }

    private static NotifyReceiver open(String name, Optional<Path> path) throws IOException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name.startsWith("@");
        if (abstractName) {
            bytes[0] = 0;
        }
        Memory address = new Memory(2 + PATH_SIZE);
        address.clear();
        address.setShort(0, (short) AF_UNIX);
        address.write(2, bytes, 0, bytes.length);
        int fd = Libc.INSTANCE.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        try {
            Libc.INSTANCE.bind(fd, address, 2 + bytes.length + (abstractName ? 0 : 1));
            Libc.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_PASSCRED, new IntByReference(1), 4);
        } catch (LastErrorException e) {
            Libc.INSTANCE.close(fd);
            throw new IOException("cannot bind " + name + ": errno " + e.getErrorCode(), e);
        }
        return new NotifyReceiver(fd, name, path);
    }

    /** What NOTIFY_SOCKET must say for the agent to send here. */
    String name() {
        return name;
    }

    /**
     * Returns the first datagram, received from now on or kept from earlier calls, that has a line equal to {@code
     * line} and was sent after every datagram returned before; fails with all that came when none does within
     * {@code limit}. Datagrams that do not match are kept in {@link #received()}.
     */
    Datagram await(String line, Duration limit) throws IOException {
        return awaitMatching("a datagram with the line '" + line + "'", d -> d.lines().contains(line), limit);
    }

    /** As {@link #await}, for a datagram with a line that starts with {@code prefix}. */
    Datagram awaitStarting(String prefix, Duration limit) throws IOException {
        return awaitMatching("a datagram with a line starting '" + prefix + "'",
                d -> d.lines().stream().anyMatch(l -> l.startsWith(prefix)), limit);
    }

    private Datagram awaitMatching(String what, java.util.function.Predicate<Datagram> test, Duration limit)
            throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            for (int i = consumed; i < received.size(); i++) {
                if (test.test(received.get(i))) {
                    consumed = i + 1;
                    return received.get(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 && !receive(0)) {
                throw new IOException("no " + what + " on " + name + " within " + limit.toMillis() + " ms; received "
                        + received.subList(consumed, received.size()));
            }
            if (left > 0) {
                receive(left);
            }
        }
    }

    /** Every datagram received so far, in order. */
    List<Datagram> received() {
        return List.copyOf(received);
    }

    /** Waits up to {@code waitNanos} for one datagram and keeps it; returns whether one came. */
    private boolean receive(long waitNanos) throws IOException {
        pollFd.clear();
        pollFd.setInt(0, fd);
        pollFd.setShort(4, (short) POLLIN);
        int ready;
        try {
            ready = Libc.INSTANCE.poll(pollFd, new NativeLong(1), (int) Math.min(
                    (waitNanos + 999_999) / 1_000_000, Integer.MAX_VALUE));
        } catch (LastErrorException e) {
            throw new IOException("poll on " + name + ": errno " + e.getErrorCode(), e);
        }
        if (ready == 0) {
            return false;
        }
        // struct msghdr (LP64): name, namelen, iov, iovlen, control, controllen, flags.
        iovec.setPointer(0, buffer);
        iovec.setLong(8, BUFFER);
        message.clear();
        message.setPointer(16, iovec);
        message.setLong(24, 1);
        control.clear();
        message.setPointer(32, control);
        message.setLong(40, control.size());
        long length;
        try {
            length = Libc.INSTANCE.recvmsg(fd, message, 0).longValue();
        } catch (LastErrorException e) {
            throw new IOException("recvmsg on " + name + ": errno " + e.getErrorCode(), e);
        }
        long pid = -1;
        // struct cmsghdr: size_t len, int level, int type, then struct ucred {pid, uid, gid}.
        if (message.getLong(40) >= 16 + 12 && control.getInt(8) == SOL_SOCKET
                && control.getInt(12) == SCM_CREDENTIALS) {
            pid = control.getInt(16);
        }
        received.add(new Datagram(new String(buffer.getByteArray(0, (int) length), StandardCharsets.UTF_8), pid));
        return true;
    }

    @Override
    public void close() {
        try {
            Libc.INSTANCE.close(fd);
        } catch (LastErrorException e) {
            // Gone either way.
        }
        path.ifPresent(p -> {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // A socket file in a temporary directory: removed with it.
            }
        });
    }
}
