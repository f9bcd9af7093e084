package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.conntrack.ConntrackClient;
import org.sacip.netlink.conntrack.ConntrackEntry;
import org.sacip.netlink.conntrack.FlowCounters;
import org.sacip.netlink.conntrack.FlowTuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a peer sent us in our sessions with it, from conntrack's byte counters (the agent turns accounting on, so
 * every flow that began after it started is counted): the direction towards us of each named session. A flow from
 * before counts nothing, the safe side. Sender thread only.
 */
public final class KernelReceivedOctets implements ReceivedOctets, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelReceivedOctets.class);

    private final ConntrackClient conntrack;

    private KernelReceivedOctets(ConntrackClient conntrack) {
        this.conntrack = conntrack;
    }

    public static KernelReceivedOctets open() throws NetlinkException {
        return new KernelReceivedOctets(ConntrackClient.open());
    }

    @Override
    public long from(InetAddress peer, List<SessionTuple> sessions) {
        long octets = 0;
        for (SessionTuple session : sessions) {
            FlowTuple outbound = new FlowTuple(session.local().address(), session.remote().address(),
                    session.protocol().number(), session.local().port(), session.remote().port());
            try {
                Optional<ConntrackEntry> entry = conntrack.get(outbound);
                if (entry.isEmpty()) {
                    continue;
                }
                // Towards us is the reply direction when we sent first, the original one when the peer did.
                boolean weOpened = entry.get().original().source().equals(session.local().address());
                Optional<FlowCounters> towardsUs = weOpened ? entry.get().replyCounters()
                        : entry.get().originalCounters();
                octets += towardsUs.map(FlowCounters::bytes).orElse(0L);
            } catch (NetlinkException e) {
                LOG.debug("no counters for {}: {}", session, e.getMessage());
            }
        }
        return octets;
    }

    @Override
    public void close() {
        conntrack.close();
    }
}
