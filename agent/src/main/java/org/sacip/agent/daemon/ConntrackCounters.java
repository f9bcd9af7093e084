package org.sacip.agent.daemon;

import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.SysctlException;
import org.sacip.netlink.conntrack.ConntrackAccounting;

/**
 * Turns on conntrack's byte counters ({@code net.netfilter.nf_conntrack_acct}) in the agent's namespace: what a peer
 * sent bounds what SACIP may send it before it proved itself. Written only when it is off, so a service whose
 * /proc/sys is read-only (systemd's ProtectKernelTunables) starts when the setting was made before it
 * ({@code ExecStartPre=+/usr/sbin/sysctl -q -w net.netfilter.nf_conntrack_acct=1}). Without root, the write needs
 * CAP_NET_ADMIN: the kernel lets the network administrator of a namespace write its net.* settings as root would.
 */
final class ConntrackCounters {
    private ConntrackCounters() {
    }

    static void ensureEnabled() throws AgentStartException {
        String key = "net.netfilter.nf_conntrack_acct";
        try {
            if (ConntrackAccounting.isEnabled()) {
                return;
            }
            ConntrackAccounting.setEnabled(true);
        } catch (SysctlException e) {
            if (e.reason() != SysctlException.Reason.REFUSED) {
                throw new AgentStartException("conntrack counters: " + e.getMessage(), e);
            }
            throw new AgentStartException(AgentStartException.Reason.CONFIGURATION, "conntrack counters: " + key
                    + " is 0 and the agent may not set it (" + e.getMessage() + "); set it to 1 before the agent "
                    + "starts (sysctl -w " + key + "=1), or give the agent CAP_NET_ADMIN and a writable /proc/sys", e);
        } catch (NetlinkException e) {
            throw new AgentStartException("conntrack counters: " + e.getMessage(), e);
        }
    }
}
