package org.sacip.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc calls this module's sockets and devices need (netlink, UDP in {@code org.sacip.netlink.udp}, TUN in
 * {@code org.sacip.netlink.tun}); each failure carries errno (LastErrorException). Constants are Linux's, the same on
 * x86_64 and arm64.
 */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_INET = 2;
    int AF_INET6 = 10;
    int AF_NETLINK = 16;
    int SOCK_DGRAM = 2;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_SNDBUF = 7;
    int SO_RCVBUF = 8;
    int SO_SNDBUFFORCE = 32;
    int SO_RCVBUFFORCE = 33;
    int SO_ATTACH_FILTER = 26;
    int SOL_NETLINK = 270;
    int NETLINK_ADD_MEMBERSHIP = 1;
    int NETLINK_DROP_MEMBERSHIP = 2;
    int NETLINK_NO_ENOBUFS = 5;
    int NETLINK_CAP_ACK = 10;
    int NETLINK_EXT_ACK = 11;
    int NETLINK_GET_STRICT_CHK = 12;
    int MSG_DONTWAIT = 0x40;
    int MSG_TRUNC = 0x20;
    int POLLIN = 0x1;
    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;
    int EFD_NONBLOCK = 0x800;
    int EFD_CLOEXEC = 0x80000;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, Pointer address, int addressLength) throws LastErrorException;

    int getsockname(int fd, Pointer address, IntByReference addressLength) throws LastErrorException;

    int setsockopt(int fd, int level, int option, IntByReference value, int valueLength) throws LastErrorException;

    int setsockopt(int fd, int level, int option, Pointer value, int valueLength) throws LastErrorException;

    int getsockopt(int fd, int level, int option, IntByReference value, IntByReference valueLength)
            throws LastErrorException;

    NativeLong sendto(int fd, Pointer buffer, NativeLong length, int flags, Pointer address, int addressLength)
            throws LastErrorException;

    NativeLong recvfrom(int fd, Pointer buffer, NativeLong length, int flags, Pointer address,
            IntByReference addressLength) throws LastErrorException;

    NativeLong sendmsg(int fd, Pointer message, int flags) throws LastErrorException;

    NativeLong recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    int poll(Pointer fds, NativeLong count, int timeoutMillis) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int eventfd(int initialValue, int flags) throws LastErrorException;

    NativeLong read(int fd, Pointer buffer, NativeLong count) throws LastErrorException;

    NativeLong write(int fd, Pointer buffer, NativeLong count) throws LastErrorException;

    int open(String path, int flags) throws LastErrorException;

    int setns(int fd, int namespaceType) throws LastErrorException;

    /** ioctl(2) with a pointer argument (e.g. a struct ifreq); the request is an unsigned long in C. */
    int ioctl(int fd, NativeLong request, Pointer argument) throws LastErrorException;
}
