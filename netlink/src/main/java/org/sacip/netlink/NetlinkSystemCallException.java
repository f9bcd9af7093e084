package org.sacip.netlink;

/** A system call on the netlink socket failed (socket, bind, setsockopt, send, receive, setns). */
public class NetlinkSystemCallException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public NetlinkSystemCallException(String call, int errno) {
        super(call + " failed: " + Errno.name(errno) + " (" + errno + ")");
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
