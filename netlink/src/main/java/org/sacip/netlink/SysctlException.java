package org.sacip.netlink;

/** A network sysctl could not be read or written, or held something other than what was expected. */
public class SysctlException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    /** Why, so callers can tell a missing setting from a refused write without reading text. */
    public enum Reason {
        /** The kernel has no such setting (a module not loaded, a kernel built without it). */
        NO_SUCH_SETTING,
        /** The kernel refused the read or write (not privileged, a value out of range). */
        REFUSED,
        /** The setting held text that is not the expected kind of value. */
        UNEXPECTED_VALUE
    }

    private final Reason reason;
    private final String key;

    public SysctlException(Reason reason, String key, String message) {
        super(reason + ": " + key + ": " + message);
        this.reason = reason;
        this.key = key;
    }

    public Reason reason() {
        return reason;
    }

    /** The setting's dotted name, e.g. net.netfilter.nf_conntrack_acct. */
    public String key() {
        return key;
    }
}
