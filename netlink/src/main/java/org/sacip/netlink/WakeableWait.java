package org.sacip.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

/**
 * Waits until a socket is readable or another thread calls {@link #wakeup}, whichever comes first, without polling:
 * one poll(2) on the socket and an eventfd. Wakeups before a wait are not lost (the eventfd counts them); several
 * before one wait end only that one. One thread waits at a time; {@link #wakeup} and {@link #close} may come from
 * any thread, and a wakeup after close does nothing.
 */
public final class WakeableWait implements AutoCloseable {
    /** How a wait ended. */
    public enum Outcome {
        READABLE,
        /** Woken by {@link #wakeup}, or a signal interrupted the wait. */
        WOKEN,
        TIMED_OUT
    }

    private final int eventFd;
    /** Two struct pollfd: the socket, and the eventfd. */
    private final Memory pollFds = new Memory(16);
    private final Memory counter = new Memory(8);
    private final Object lock = new Object();
    private boolean closed;

    private WakeableWait(int eventFd) {
        this.eventFd = eventFd;
    }

    public static WakeableWait open() throws NetlinkSystemCallException {
        try {
            return new WakeableWait(LibC.INSTANCE.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC));
        } catch (LastErrorException e) {
            throw new NetlinkSystemCallException("eventfd", e.getErrorCode());
        }
    }

    /**
     * Waits up to {@code millis} (-1: without limit) for {@code socket} to be readable, and for a wakeup when
     * {@code wakeable}.
     */
    public Outcome await(int socket, long millis, boolean wakeable) throws NetlinkSystemCallException {
        pollFds.setInt(0, socket);
        pollFds.setShort(4, (short) LibC.POLLIN);
        pollFds.setShort(6, (short) 0);
        pollFds.setInt(8, eventFd);
        pollFds.setShort(12, (short) LibC.POLLIN);
        pollFds.setShort(14, (short) 0);
        int ready = Syscalls.poll(pollFds, wakeable ? 2 : 1, (int) millis);
        if (ready == 0) {
            return Outcome.TIMED_OUT;
        }
        if (ready < 0) {
            int errno = Syscalls.errno();
            if (errno == Errno.EINTR) {
                return Outcome.WOKEN;
            }
            throw new NetlinkSystemCallException("poll", errno);
        }
        if (wakeable && (pollFds.getShort(14) & LibC.POLLIN) != 0) {
            if (Syscalls.read(eventFd, counter, 8) < 0) {
                int errno = Syscalls.errno();
                if (errno != Errno.EAGAIN && errno != Errno.EINTR) {
                    throw new NetlinkSystemCallException("read(eventfd)", errno);
                }
            }
            return Outcome.WOKEN;
        }
        return Outcome.READABLE;
    }

    /** Ends the current or next wait, from any thread; nothing once closed. */
    public void wakeup() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            Memory one = new Memory(8);
            one.setLong(0, 1);
            try {
                LibC.INSTANCE.write(eventFd, one, new NativeLong(8));
            } catch (LastErrorException e) {
                // EAGAIN: the counter is at its maximum, so the next wait ends anyway.
            }
        }
    }

    /** Closes the eventfd; call it once no thread waits any more. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                LibC.INSTANCE.close(eventFd);
            } catch (LastErrorException ignored) {
                // Nothing to recover when closing.
            }
        }
    }
}
