package org.sacip.agent.datapath;

import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Set;

/**
 * An old local address kept on {@code lo} for the sessions that still use it. STANDBY while the address may still
 * be on its interface (make-before-break); ACTIVE once it left, when it is also in the nft ghost sets (no ARP
 * answer, no new inbound TCP connection).
 */
public record Ghost(InetAddress address, boolean active, Set<SessionTuple> holders) {
    public Ghost {
        Objects.requireNonNull(address, "address");
        holders = Set.copyOf(holders);
        if (holders.isEmpty()) {
            throw new IllegalArgumentException("a ghost without sessions has no reason to exist: "
                    + AddressText.of(address));
        }
    }

    @Override
    public String toString() {
        return AddressText.of(address) + (active ? " active" : " standby") + " for " + holders.size()
                + " session(s)";
    }
}
