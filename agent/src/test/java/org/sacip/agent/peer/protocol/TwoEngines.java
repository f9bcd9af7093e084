package org.sacip.agent.peer.protocol;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * The fixture of the engine tests: two real engines A and B (real codec and crypto) over an in-memory link, on a
 * virtual clock, each with its own state directory and data-path port. A owns A0, A1 and A2, B owns B0; subclasses
 * add what they need (a third engine C, an attacker's address).
 */
abstract class TwoEngines {
    static final SacipAddress A0 = SacipAddress.parse("198.18.0.1");
    static final SacipAddress B0 = SacipAddress.parse("198.18.0.2");
    static final SacipAddress A1 = SacipAddress.parse("198.19.0.1");
    static final SacipAddress A2 = SacipAddress.parse("198.19.0.2");
    static final SacipAddress MALLORY = SacipAddress.parse("198.18.0.66");
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path stateA;
    @TempDir
    Path stateB;

    final ManualLoop loop = new ManualLoop(T0);
    final MemoryLink link = new MemoryLink();
    final RecordingHandover atA = new RecordingHandover();
    final RecordingHandover atB = new RecordingHandover();
    PeerProtocol a;
    PeerProtocol b;
    private int nextPort = 40000;
    private int nextIsn = 0x10000000;
    /** The opening proof each end's engine was given for each session {@link #connect} opened, by its tuple there. */
    final Map<SessionTuple, OpeningProof> proofs = new HashMap<>();

    /** The limits the engines start with; subclasses may tighten them. */
    EngineLimits limits() {
        return EngineLimits.defaults();
    }

    @BeforeEach
    void engines() throws Exception {
        a = open(atA, stateA);
        b = open(atB, stateB);
        link.own(A0, a);
        link.own(A1, a);
        link.own(A2, a);
        link.own(B0, b);
        loop.runReady();
    }

    /** The engines' SACIP over UDP; off unless a subclass turns it on. */
    UdpSettings udp() {
        return UdpSettings.OFF;
    }

    PeerProtocol open(RecordingHandover handover, Path state) throws Exception {
        return PeerProtocol.open(loop, link.outbox(), handover, EngineStore.inline(state), new SecureRandom(), limits(),
                peer -> true, udp());
    }

    /**
     * A TCP connection {@code client} opened to {@code server}, as both agents see it once established: the
     * client's agent recorded our SYN and their SYN-ACK, the server's agent the other way round. Returns the
     * client's tuple.
     */
    SessionTuple connect(PeerProtocol client, SacipAddress clientAddress, PeerProtocol server,
            SacipAddress serverAddress, int serverPort) {
        int port = nextPort++;
        Octets clientIsn = isn(nextIsn++);
        Octets serverIsn = isn(nextIsn++ * 7);
        SessionTuple ours = tuple(clientAddress, port, serverAddress, serverPort);
        SessionTuple theirs = tuple(serverAddress, serverPort, clientAddress, port);
        OpeningProof clientProof = new OpeningProof(SessionProtocol.TCP, clientIsn, serverIsn);
        OpeningProof serverProof = new OpeningProof(SessionProtocol.TCP, serverIsn, clientIsn);
        proofs.put(ours, clientProof);
        proofs.put(theirs, serverProof);
        client.sessionsOpened(List.of(new SessionOpened(ours, Opener.LOCAL, Optional.of(clientProof), loop.now())),
                false);
        if (server != null) {
            server.sessionsOpened(List.of(new SessionOpened(theirs, Opener.REMOTE, Optional.of(serverProof),
                    loop.now())), false);
        }
        return ours;
    }

    /** A session the agent has no record of (it began before the agent watched). */
    static SessionOpened unrecorded(SessionTuple tuple, Opener opener, Instant since) {
        return new SessionOpened(tuple, opener, Optional.empty(), since);
    }

    static SessionTuple tuple(SacipAddress local, int localPort, SacipAddress remote, int remotePort) {
        return new SessionTuple(SessionProtocol.TCP, new Endpoint(local.toInetAddress(), localPort),
                new Endpoint(remote.toInetAddress(), remotePort));
    }


    static Octets isn(int value) {
        return Octets.of(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8),
                (byte) value});
    }

    /** The engine's lineages as its published view shows them (published now, on the loop). */
    static List<AssociationView> lineages(PeerProtocol engine) {
        engine.publishViewNow();
        return engine.view().lineages();
    }
}
