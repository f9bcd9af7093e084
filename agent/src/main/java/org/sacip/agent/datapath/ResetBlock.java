package org.sacip.agent.datapath;

import org.sacip.netlink.AddressText;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A policy routing rule that blackholes the kernel's own TCP resets for one remapped session:
 * {@code from ACTIVE_LOCAL to ACTIVE_REMOTE fwmark 0/MARK ipproto tcp sport LOCAL_PORT dport REMOTE_PORT blackhole}.
 *
 * <p>Why: while our nft table is gone (between a {@code nft flush ruleset} and the guard's restore), packets that
 * arrive with the session's wire addresses are no longer rewritten back to the socket's tuple, find no socket, and
 * the kernel answers with a reset the other end would accept. Routing rules survive an nft flush. Our side moved:
 * the socket sends from its original address (the source is rewritten only after routing), so no packet of the
 * session matches. The peer moved: the socket's packets are re-routed to the peer's new address, i.e. to exactly
 * this tuple, but our {@code out} chain marks every packet it rewrites ({@link #MARK}) and the rule takes only
 * unmarked ones (the kernel's resets carry no mark; with {@code fwmark_reflect} on they would carry the mark of
 * the packet they answer, also none of ours).
 */
public record ResetBlock(InetAddress activeLocal, int localPort, InetAddress activeRemote, int remotePort) {
    /** The routing rule priority of every block: after the local table (0), before main (32766). */
    public static final int PRIORITY = 9361;

    public ResetBlock {
        Objects.requireNonNull(activeLocal, "activeLocal");
        Objects.requireNonNull(activeRemote, "activeRemote");
    }

    /** The mark bit our {@code out} chain sets on the packets it rewrites (sacip.nft). */
    public static final long MARK = 0x20000000L;

    /** The block a remapping needs: a TCP session that moved on either side; none otherwise. */
    public static Optional<ResetBlock> of(Remapping remapping) {
        if (remapping.isIdentity() || remapping.original().protocol() != SessionProtocol.TCP) {
            return Optional.empty();
        }
        return Optional.of(new ResetBlock(remapping.activeLocal(), remapping.original().local().port(),
                remapping.activeRemote(), remapping.original().remote().port()));
    }

    public boolean isIpv4() {
        return activeLocal instanceof Inet4Address;
    }

    /** The selector and action as {@code ip rule} takes and shows them. */
    String selector() {
        return "from " + AddressText.of(activeLocal) + " to " + AddressText.of(activeRemote) + " fwmark 0/0x"
                + Long.toHexString(MARK) + " ipproto tcp sport " + localPort + " dport " + remotePort + " blackhole";
    }

    @Override
    public String toString() {
        return selector();
    }
}
