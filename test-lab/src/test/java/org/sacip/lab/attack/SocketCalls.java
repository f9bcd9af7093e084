package org.sacip.lab.attack;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/** The three libc calls the attacker's raw sockets need: socket, sendto, close. */
interface SocketCalls extends Library {
    SocketCalls LIBC = Native.load("c", SocketCalls.class);

    int socket(int domain, int type, int protocol) throws LastErrorException;

    NativeLong sendto(int fd, Pointer buffer, NativeLong length, int flags, Pointer address, int addressLength)
            throws LastErrorException;

    int close(int fd) throws LastErrorException;
}
