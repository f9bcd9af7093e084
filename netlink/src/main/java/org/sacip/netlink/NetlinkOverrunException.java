package org.sacip.netlink;

/**
 * The socket's receive queue overflowed (ENOBUFS): events were lost and the caller's view is stale,
 * so it must dump the state again.
 */
public class NetlinkOverrunException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    public NetlinkOverrunException() {
        super("netlink receive buffer overrun (ENOBUFS): events were lost, re-dump the state");
    }
}
