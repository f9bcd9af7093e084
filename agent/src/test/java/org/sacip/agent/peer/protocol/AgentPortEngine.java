package org.sacip.agent.peer.protocol;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.sacip.agent.peer.transport.HostTransport;
import org.sacip.agent.peer.transport.NamespaceLab;
import org.sacip.agent.peer.transport.Transports;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.message.SacipAddress;

/**
 * An engine wired as the agent wires it in a throwaway namespace, with its agent port open: captures and a sender
 * through the namespace's kernel, SACIP over UDP on {@code port}, its own loop and a state directory. Everything is
 * closed with the lab.
 */
final class AgentPortEngine {
    private AgentPortEngine() {
    }

    static PeerProtocol start(NamespaceLab lab, TestNamespace namespace, Path state, int port) throws Exception {
        HostTransport transport = lab.add(HostTransport.openIn(namespace, Transports.SETTINGS, port));
        ExecutorEngineLoop loop = lab.add(new ExecutorEngineLoop(Clock.systemUTC()));
        PeerProtocol engine = PeerProtocol.open(loop, transport.sender(),
                new PeerProtocolNamespaceTest.SharedHandover(), EngineStore.inline(state), new SecureRandom(),
                EngineLimits.defaults(), peer -> true, new UdpSettings(port, UdpSettings.DEFAULT_KEEPALIVE));
        lab.add(engine::close);
        transport.start(message -> engine.receive(SacipAddress.of(message.source()),
                SacipAddress.of(message.destination()), message.icmp()));
        transport.startUdp(datagram -> engine.receiveUdp(SacipAddress.of(datagram.source()), datagram.sourcePort(),
                SacipAddress.of(datagram.localAddress()), datagram.localPort(), datagram.payload()));
        return engine;
    }
}
