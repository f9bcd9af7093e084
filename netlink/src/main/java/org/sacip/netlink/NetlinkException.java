package org.sacip.netlink;

/** Base of every failure this module reports: a kernel error, a malformed message or a system call failure. */
public class NetlinkException extends Exception {
    private static final long serialVersionUID = 1L;

    public NetlinkException(String message) {
        super(message);
    }

    public NetlinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
