package org.sacip.agent.peer.protocol;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.protocol.message.SacipAddress;

/**
 * The fixture of the engine tests: two real engines A and B (real codec and crypto) over an in-memory link, on a
 * virtual clock, each with its own state directory. A owns A0, A1 and A2, B owns B0; subclasses add what they need.
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
    final RecordingProtocolListener atA = new RecordingProtocolListener();
    final RecordingProtocolListener atB = new RecordingProtocolListener();
    PeerProtocol a;
    PeerProtocol b;

    @BeforeEach
    void engines() throws Exception {
        a = PeerProtocol.open(loop, link.endpoint(), atA, stateA, new SecureRandom());
        b = PeerProtocol.open(loop, link.endpoint(), atB, stateB, new SecureRandom());
        link.own(A0, a);
        link.own(A1, a);
        link.own(A2, a);
        link.own(B0, b);
    }
}
