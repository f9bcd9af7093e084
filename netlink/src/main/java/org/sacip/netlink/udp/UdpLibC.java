package org.sacip.netlink.udp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/** The libc calls and constants a UDP socket with ancillary data needs (x86_64 and arm64 share them). */
interface UdpLibC extends Library {
    UdpLibC INSTANCE = Native.load("c", UdpLibC.class);

    int AF_INET = 2;
    int AF_INET6 = 10;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_MARK = 36;
    int IPPROTO_IP = 0;
    int IPPROTO_IPV6 = 41;
    int IP_PKTINFO = 8;
    int IP_MTU_DISCOVER = 10;
    int IP_PMTUDISC_DO = 2;
    int IPV6_MTU_DISCOVER = 23;
    int IPV6_PMTUDISC_DO = 2;
    int IPV6_V6ONLY = 26;
    int IPV6_RECVPKTINFO = 49;
    int IPV6_PKTINFO = 50;
    int MSG_DONTWAIT = 0x40;
    int MSG_TRUNC = 0x20;
    int POLLIN = 0x1;
    int EFD_NONBLOCK = 0x800;
    int EFD_CLOEXEC = 0x80000;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, Pointer address, int addressLength) throws LastErrorException;

    int getsockname(int fd, Pointer address, IntByReference addressLength) throws LastErrorException;

    int setsockopt(int fd, int level, int option, IntByReference value, int valueLength) throws LastErrorException;

    NativeLong sendmsg(int fd, Pointer message, int flags) throws LastErrorException;

    NativeLong recvmsg(int fd, Pointer message, int flags) throws LastErrorException;

    int poll(Pointer fds, NativeLong count, int timeoutMillis) throws LastErrorException;

    int eventfd(int initialValue, int flags) throws LastErrorException;

    NativeLong read(int fd, Pointer buffer, NativeLong count) throws LastErrorException;

    NativeLong write(int fd, Pointer buffer, NativeLong count) throws LastErrorException;

    int close(int fd) throws LastErrorException;
}
