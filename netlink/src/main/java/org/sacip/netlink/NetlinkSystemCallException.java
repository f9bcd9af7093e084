package org.sacip.netlink;

/** A system call failed (socket, bind, setsockopt, send, receive, setns; open, ioctl, read, write of a TUN). */
public class NetlinkSystemCallException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public NetlinkSystemCallException(String call, int errno) {
        super(call + " failed: " + Errno.name(errno) + " (" + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    /** With what the errno means for this call, where the bare name would leave the reader guessing. */
    public NetlinkSystemCallException(String call, int errno, String explanation) {
        super(call + " failed: " + Errno.name(errno) + " (" + errno + "): " + explanation);
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }
}
