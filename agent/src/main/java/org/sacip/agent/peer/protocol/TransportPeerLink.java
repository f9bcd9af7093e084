package org.sacip.agent.peer.protocol;

import org.sacip.agent.peer.transport.PeerTransport;
import org.sacip.agent.peer.transport.PeerTransportException;
import org.sacip.protocol.message.SacipAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends the engine's messages with the pcap transport; a failed send is like a lost packet (retransmission covers it). */
public final class TransportPeerLink implements PeerLink {
    private static final Logger LOG = LoggerFactory.getLogger(TransportPeerLink.class);

    private final PeerTransport transport;

    public TransportPeerLink(PeerTransport transport) {
        this.transport = transport;
    }

    @Override
    public void send(SacipAddress from, SacipAddress to, byte[] icmp) {
        try {
            long start = System.nanoTime();
            transport.send(from.toInetAddress(), to.toInetAddress(), icmp);
            if (LOG.isDebugEnabled()) {
                LOG.debug("sent {} octets {} -> {} in {} us", icmp.length, from, to,
                        (System.nanoTime() - start) / 1000);
            }
        } catch (PeerTransportException e) {
            LOG.debug("send {} -> {} failed: {}", from, to, e.getMessage());
        }
    }
}
