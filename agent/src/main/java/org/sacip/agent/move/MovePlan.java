package org.sacip.agent.move;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.sacip.agent.session.PeerSessions;

/**
 * What to do for a move: the sessions made with {@code original}, grouped by peer, now use {@code newActive} on
 * interface {@code interfaceIndex} instead of {@code previousActive}. For {@link MoveKind#RETURN_HOME}, newActive
 * equals original. {@code seenAt} is when the triggering kernel event was seen. {@code originalInPlace} says whether
 * the original address is still usable on an interface (a move for a route change, or of an address the sessions
 * had moved to): its ghost stays standby, new connections to it still work.
 */
public record MovePlan(MoveKind kind, InetAddress original, InetAddress previousActive, InetAddress newActive,
        int interfaceIndex, String interfaceName, List<PeerSessions> peers, Instant seenAt,
        boolean originalInPlace) {

    public MovePlan {
        peers = List.copyOf(peers);
    }

    public int sessionCount() {
        return peers.stream().mapToInt(group -> group.sessions().size()).sum();
    }

    @Override
    public String toString() {
        return kind + " " + AddressText.of(original) + " (was " + AddressText.of(previousActive) + ") -> "
                + AddressText.of(newActive) + " on " + interfaceName + ": " + sessionCount() + " sessions, "
                + peers.size() + " peers";
    }
}
