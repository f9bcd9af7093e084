package org.sacip.netlink;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libc calls on the data path (the tunnel's device and socket, their waits), bound by JNA's direct mapping: a
 * call costs about a third of one through {@link LibC}'s proxy, and an expected failure (EAGAIN on a non-blocking
 * read, several times per burst) throws nothing: the call returns -1 and {@link #errno()}, read at once on the same
 * thread, says why. 64-bit platforms only (ssize_t and size_t as long).
 */
public final class Syscalls {
    static {
        Native.register(Syscalls.class, NativeLibrary.getInstance("c"));
    }

    private Syscalls() {
    }

    public static native long read(int fd, Pointer buffer, long count);

    public static native long write(int fd, Pointer buffer, long count);

    public static native long sendmsg(int fd, Pointer message, int flags);

    public static native long recvmsg(int fd, Pointer message, int flags);

    public static native int poll(Pointer fds, long count, int timeoutMillis);

    /** errno of the last call on this thread that returned -1. */
    public static int errno() {
        return Native.getLastError();
    }
}
