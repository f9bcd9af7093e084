package org.sacip.netlink.conntrack;

import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetSysctl;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.SysctlException;

/**
 * Conntrack's packet and byte counters ({@code net.netfilter.nf_conntrack_acct}), per network namespace. The
 * setting applies to flows that begin after it is turned on; older flows stay without counters.
 */
public final class ConntrackAccounting {
    static final String KEY = "net.netfilter.nf_conntrack_acct";

    private ConntrackAccounting() {
    }

    /** Whether flows beginning now in the caller's namespace get counters. */
    public static boolean isEnabled() throws NetlinkException {
        return flag(NetSysctl.read(KEY));
    }

    public static boolean isEnabled(NetNamespace namespace) throws NetlinkException {
        return flag(NetSysctl.read(namespace, KEY));
    }

    public static void setEnabled(boolean enabled) throws NetlinkException {
        NetSysctl.write(KEY, enabled ? 1 : 0);
    }

    public static void setEnabled(NetNamespace namespace, boolean enabled) throws NetlinkException {
        NetSysctl.write(namespace, KEY, enabled ? 1 : 0);
    }

    private static boolean flag(long value) throws SysctlException {
        if (value != 0 && value != 1) {
            throw new SysctlException(SysctlException.Reason.UNEXPECTED_VALUE, KEY, "value " + value
                    + " is neither 0 nor 1");
        }
        return value == 1;
    }
}
