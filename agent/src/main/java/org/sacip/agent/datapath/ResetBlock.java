package org.sacip.agent.datapath;

import org.sacip.netlink.AddressText;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A policy routing rule that blackholes the kernel's own TCP resets from our new address for one moved session:
 * {@code from ACTIVE_LOCAL to ACTIVE_REMOTE ipproto tcp sport LOCAL_PORT dport REMOTE_PORT blackhole}.
 *
 * <p>Why: while our nft table is gone (between a {@code nft flush ruleset} and the guard's restore), packets the
 * peer sends to our new address are no longer rewritten back to the ghost, find no socket, and the kernel answers
 * with a reset the peer accepts. Routing rules survive an nft flush. The socket itself always sends from its
 * original address (the source is rewritten only after routing), so no packet of the session matches the rule;
 * only those resets (and a new socket bound to the same tuple, which would collide with the remapping anyway).
 * A session whose local address did not move needs no rule, and cannot have one: its rewritten packets have the
 * very tuple the reset would have.
 */
public record ResetBlock(InetAddress activeLocal, int localPort, InetAddress activeRemote, int remotePort) {
    /** The routing rule priority of every block: after the local table (0), before main (32766). */
    public static final int PRIORITY = 9361;

    public ResetBlock {
        Objects.requireNonNull(activeLocal, "activeLocal");
        Objects.requireNonNull(activeRemote, "activeRemote");
    }

    /** The block a remapping needs: a TCP session whose local address moved; none otherwise. */
    public static Optional<ResetBlock> of(Remapping remapping) {
        if (!remapping.localMoved() || remapping.original().protocol() != SessionProtocol.TCP) {
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
        return "from " + AddressText.of(activeLocal) + " to " + AddressText.of(activeRemote) + " ipproto tcp sport "
                + localPort + " dport " + remotePort + " blackhole";
    }

    @Override
    public String toString() {
        return selector();
    }
}
