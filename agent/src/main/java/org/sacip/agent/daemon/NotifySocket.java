package org.sacip.agent.daemon;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import org.sacip.netlink.Errno;

/**
 * The datagram socket through which a service manager hears how the agent is doing (sd_notify(3)): an AF_UNIX
 * datagram socket, which Java 17 cannot open itself, so through libc (JNA, as the netlink module does). The address
 * is NOTIFY_SOCKET's value: an absolute path, or {@code @name} for a name in the abstract namespace (a leading NUL
 * byte on the wire, and the address length without a trailing NUL). Thread-safe.
 */
final class NotifySocket implements AutoCloseable {
    private interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, Pointer buffer, NativeLong length, int flags, Pointer address, int addressLength)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** struct sockaddr_un: sa_family_t, then sun_path[108]. */
    private static final int PATH_OFFSET = 2;
    private static final int PATH_SIZE = 108;

    private final String name;
    private final Memory address = new Memory(PATH_OFFSET + PATH_SIZE);
    private final int addressLength;
    private final int fd;
    private boolean closed;

    private NotifySocket(String name, byte[] path, int addressLength, int fd) {
        this.name = name;
        this.addressLength = addressLength;
        this.fd = fd;
        address.clear();
        address.setShort(0, (short) AF_UNIX);
        address.write(PATH_OFFSET, path, 0, path.length);
    }

    /** Opens a socket that sends to {@code name} (NOTIFY_SOCKET's value). */
    static NotifySocket open(String name) throws NotifyException {
        byte[] path = name.getBytes(StandardCharsets.UTF_8);
        int addressLength;
        if (name.startsWith("@") && path.length > 1) {
            // Abstract: every byte of the name counts, so the length ends exactly after it.
            path[0] = 0;
            if (path.length > PATH_SIZE) {
                throw new NotifyException(NotifyException.Reason.BAD_ADDRESS, "NOTIFY_SOCKET " + printable(name)
                        + " is longer than an abstract socket name may be (" + PATH_SIZE + " bytes)");
            }
            addressLength = PATH_OFFSET + path.length;
        } else if (name.startsWith("/")) {
            if (path.length >= PATH_SIZE) {
                throw new NotifyException(NotifyException.Reason.BAD_ADDRESS, "NOTIFY_SOCKET " + printable(name)
                        + " is longer than a socket path may be (" + (PATH_SIZE - 1) + " bytes)");
            }
            addressLength = PATH_OFFSET + path.length + 1;
        } else {
            throw new NotifyException(NotifyException.Reason.BAD_ADDRESS, "NOTIFY_SOCKET " + printable(name)
                    + " is neither an absolute path nor an abstract name (@name)");
        }
        int fd;
        try {
            fd = Libc.INSTANCE.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new NotifyException(NotifyException.Reason.SEND_FAILED, "socket(AF_UNIX, SOCK_DGRAM) failed: "
                    + Errno.name(e.getErrorCode()));
        }
        return new NotifySocket(name, path, addressLength, fd);
    }

    /** Sends {@code message} (newline-separated {@code VARIABLE=value} assignments) as one datagram. */
    synchronized void send(String message) throws NotifyException {
        if (closed) {
            throw new NotifyException(NotifyException.Reason.SEND_FAILED, "the notify socket is closed");
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        Memory buffer = new Memory(Math.max(1, bytes.length));
        buffer.write(0, bytes, 0, bytes.length);
        try {
            Libc.INSTANCE.sendto(fd, buffer, new NativeLong(bytes.length), MSG_NOSIGNAL, address, addressLength);
        } catch (LastErrorException e) {
            throw new NotifyException(NotifyException.Reason.SEND_FAILED, "sending to NOTIFY_SOCKET "
                    + printable(name) + " failed: " + Errno.name(e.getErrorCode()));
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                Libc.INSTANCE.close(fd);
            } catch (LastErrorException e) {
                // Nothing to do: the descriptor is gone either way.
            }
        }
    }

    /** The environment is not ours to trust: no control characters into the log. */
    private static String printable(String text) {
        String cut = text.length() > 120 ? text.substring(0, 120) + "..." : text;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
