package org.sacip.netlink.nftables;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkSocket;
import org.sacip.netlink.NetlinkSystemCallException;

/**
 * Raises the kernel send buffer of a netlink socket. The kernel takes a netfilter transaction only as one datagram
 * and refuses datagrams larger than the socket's send buffer (EMSGSIZE; 212,992 bytes by default, about 4,800
 * tuple elements). The connection core does not offer a send buffer setting, so this finds the socket's
 * descriptor among the process's descriptors by its address (AF_NETLINK, protocol, port id) and its network
 * namespace (port ids repeat across namespaces), and sets SO_SNDBUFFORCE (root) or SO_SNDBUF on it.
 */
final class SendBufferEnlarger {
    private interface Calls extends Library {
        Calls INSTANCE = Native.load("c", Calls.class);

        int getsockname(int fd, Pointer address, IntByReference addressLength) throws LastErrorException;

        int getsockopt(int fd, int level, int option, IntByReference value, IntByReference length)
                throws LastErrorException;

        int setsockopt(int fd, int level, int option, IntByReference value, int length) throws LastErrorException;

        int ioctl(int fd, long request, long argument) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int AF_NETLINK = 16;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_SNDBUFFORCE = 32;
    private static final int SO_PROTOCOL = 38;
    private static final int SOCKADDR_NL_LENGTH = 12;
    /** ioctl giving a descriptor of the network namespace a socket belongs to. */
    private static final long SIOCGSKNS = 0x894C;

    private SendBufferEnlarger() {
    }

    /**
     * Makes sure the socket can send datagrams of {@code bytes}; a no-op when its buffer is already larger.
     *
     * @param namespace the namespace the socket was opened in, null for the caller's own
     */
    static void ensure(NetlinkSocket socket, NetNamespace namespace, int bytes) throws NetlinkException {
        int fd = descriptorOf(socket, namespaceInode(namespace));
        // The kernel doubles the value for bookkeeping and compares a datagram with sk_sndbuf - 32.
        if (currentSize(fd) - 64 >= bytes) {
            return;
        }
        try {
            Calls.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, new IntByReference(bytes), 4);
        } catch (LastErrorException forced) {
            try {
                Calls.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, new IntByReference(bytes), 4);
            } catch (LastErrorException e) {
                throw new NetlinkSystemCallException("setsockopt(SO_SNDBUF)", e.getErrorCode());
            }
        }
    }

    private static int currentSize(int fd) throws NetlinkException {
        IntByReference value = new IntByReference();
        try {
            Calls.INSTANCE.getsockopt(fd, SOL_SOCKET, SO_SNDBUF, value, new IntByReference(4));
        } catch (LastErrorException e) {
            throw new NetlinkSystemCallException("getsockopt(SO_SNDBUF)", e.getErrorCode());
        }
        return value.getValue();
    }

    /** The inode that identifies a network namespace, as {@code readlink /proc/PID/fd/N} shows it: net:[INODE]. */
    private static long namespaceInode(NetNamespace namespace) throws NetlinkException {
        try {
            if (namespace == null) {
                return inodeOfLink(Path.of("/proc/thread-self/ns/net"));
            }
            return ((Number) Files.getAttribute(namespace.path(), "unix:ino")).longValue();
        } catch (IOException | RuntimeException e) {
            throw new NetlinkException("cannot identify network namespace " + (namespace == null ? "of this thread"
                    : namespace.path()) + ": " + e.getMessage(), e);
        }
    }

    private static long inodeOfLink(Path link) throws IOException {
        String target = Files.readSymbolicLink(link).toString();
        int open = target.indexOf('[');
        if (!target.startsWith("net:[") || !target.endsWith("]")) {
            throw new IOException(link + " links to " + target + ", not a network namespace");
        }
        return Long.parseLong(target.substring(open + 1, target.length() - 1));
    }

    private static int descriptorOf(NetlinkSocket socket, long namespaceInode) throws NetlinkException {
        List<Integer> matches = new ArrayList<>();
        Memory address = new Memory(SOCKADDR_NL_LENGTH);
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path descriptor : (Iterable<Path>) descriptors::iterator) {
                int fd;
                try {
                    fd = Integer.parseInt(descriptor.getFileName().toString());
                    if (!Files.readSymbolicLink(descriptor).toString().startsWith("socket:")) {
                        continue;
                    }
                } catch (NumberFormatException | IOException gone) {
                    continue;
                }
                if (isSocketOf(fd, socket, address) && isInNamespace(fd, namespaceInode)) {
                    matches.add(fd);
                }
            }
        } catch (IOException e) {
            throw new NetlinkException("cannot list /proc/self/fd to find the netlink socket", e);
        }
        if (matches.size() != 1) {
            throw new NetlinkException("cannot tell the descriptor of netlink port " + socket.portId()
                    + " (" + matches.size() + " candidates) to raise its send buffer");
        }
        return matches.get(0);
    }

    private static boolean isInNamespace(int fd, long namespaceInode) {
        int namespaceFd;
        try {
            namespaceFd = Calls.INSTANCE.ioctl(fd, SIOCGSKNS, 0);
        } catch (LastErrorException e) {
            return false;
        }
        try {
            return inodeOfLink(Path.of("/proc/self/fd/" + namespaceFd)) == namespaceInode;
        } catch (IOException | NumberFormatException e) {
            return false;
        } finally {
            try {
                Calls.INSTANCE.close(namespaceFd);
            } catch (LastErrorException ignored) {
                // nothing leaks: close failing means it is already gone
            }
        }
    }

    private static boolean isSocketOf(int fd, NetlinkSocket socket, Memory address) {
        try {
            address.clear();
            Calls.INSTANCE.getsockname(fd, address, new IntByReference(SOCKADDR_NL_LENGTH));
            if (address.getShort(0) != AF_NETLINK || address.getInt(4) != socket.portId()) {
                return false;
            }
            IntByReference protocol = new IntByReference();
            Calls.INSTANCE.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, protocol, new IntByReference(4));
            return protocol.getValue() == socket.family().protocol();
        } catch (LastErrorException closedMeanwhile) {
            return false;
        }
    }
}
