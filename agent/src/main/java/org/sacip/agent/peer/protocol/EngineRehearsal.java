package org.sacip.agent.peer.protocol;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.state.StateFileException;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * Key agreements and claims rehearsed between two real engines in memory, on a virtual clock: each round a host
 * opens a connection to a peer it has no key with (the engines agree one and claim the connection), then a second one
 * (claimed under that key), then both end. The agent's warm-up runs it so that the JIT has compiled the engine's own
 * code (sessions, claims, key agreement, views, the state file's encoding) before the first real peer needs it, not
 * only the handshake's codec. Documentation addresses only; nothing leaves the process, and nothing is written.
 */
public final class EngineRehearsal {
    private static final SacipAddress[] HOSTS = {SacipAddress.parse("192.0.2.1"), SacipAddress.parse("2001:db8::1")};
    /** Virtual time a round takes: the handshake and claims complete well within it, and no rate limit is hit. */
    private static final Duration ROUND = Duration.ofSeconds(1);
    private static final int SERVER_PORT = 22;

    private final ManualLoop loop = new ManualLoop(Instant.now());
    private final Map<SacipAddress, PeerProtocol> owners = new HashMap<>();
    private final Set<SessionTuple> boundAtHost = new HashSet<>();
    private final Set<SessionTuple> boundAtPeer = new HashSet<>();
    private final PeerProtocol host;
    private final PeerProtocol peer;
    private int nextIsn = 0x10000000;

    private EngineRehearsal(SecureRandom random) throws StateFileException {
        Outbox link = message -> {
            PeerProtocol owner = owners.get(message.to());
            if (owner != null) {
                owner.receive(message.from(), message.to(), message.octets().clone());
            }
        };
        host = PeerProtocol.rehearsing(loop, link, change -> bound(change, boundAtHost), random);
        peer = PeerProtocol.rehearsing(loop, link, change -> bound(change, boundAtPeer), random);
        for (SacipAddress address : HOSTS) {
            owners.put(address, host);
        }
    }

    /**
     * Runs {@code rounds} rounds, IPv4 and IPv6 in turn, each with a peer address of its own; returns how many ended
     * with both connections bound on both sides (all, unless something is broken, which a real peer will then show).
     */
    public static int rehearse(int rounds, SecureRandom random) throws StateFileException {
        // Nothing to close afterwards: the virtual loop has no thread, the store no file; all is garbage once done.
        EngineRehearsal rehearsal = new EngineRehearsal(random);
        int done = 0;
        for (int round = 0; round < rounds; round++) {
            done += rehearsal.round(round) ? 1 : 0;
        }
        return done;
    }

    private boolean round(int round) {
        SacipAddress local = HOSTS[round % 2];
        SacipAddress remote = round % 2 == 0
                ? SacipAddress.parse("198.51.100." + (1 + round / 2 % 250))
                : SacipAddress.parse("2001:db8:1::" + Integer.toHexString(1 + round / 2 % 65_000));
        owners.put(remote, peer);
        SessionTuple first = connect(local, 40_000 + round % 20_000, remote);
        loop.advance(ROUND);
        SessionTuple second = connect(local, 60_000 + round % 5_000, remote);
        loop.advance(ROUND);
        List<SessionTuple> sessions = List.of(first, second);
        boolean bound = boundAtHost.containsAll(sessions)
                && boundAtPeer.containsAll(sessions.stream().map(SessionTuple::reversed).toList());
        host.sessionsEnded(sessions);
        peer.sessionsEnded(sessions.stream().map(SessionTuple::reversed).toList());
        loop.advance(ROUND);
        owners.remove(remote);
        boundAtHost.removeAll(sessions);
        sessions.stream().map(SessionTuple::reversed).forEach(boundAtPeer::remove);
        return bound;
    }

    /** A TCP connection the host opened to the peer, as both agents see it once established, with both ISNs. */
    private SessionTuple connect(SacipAddress local, int port, SacipAddress remote) {
        Octets clientIsn = isn(nextIsn++);
        Octets serverIsn = isn(nextIsn++);
        SessionTuple ours = new SessionTuple(SessionProtocol.TCP, new Endpoint(local.toInetAddress(), port),
                new Endpoint(remote.toInetAddress(), SERVER_PORT));
        Instant now = loop.now();
        host.sessionsOpened(List.of(new SessionOpened(ours, Opener.LOCAL, Optional.of(new OpeningProof(
                SessionProtocol.TCP, clientIsn, serverIsn)), now)), false);
        peer.sessionsOpened(List.of(new SessionOpened(ours.reversed(), Opener.REMOTE, Optional.of(new OpeningProof(
                SessionProtocol.TCP, serverIsn, clientIsn)), now)), false);
        return ours;
    }

    /** The data path's part, done at once: the sessions a change binds are noted, and nothing fails. */
    private static CompletionStage<Set<Octets>> bound(EngineChange change, Set<SessionTuple> boundSessions) {
        for (BindingChange binding : change.bindings()) {
            if (binding.lineage().isPresent()) {
                boundSessions.add(binding.session());
            } else {
                boundSessions.remove(binding.session());
            }
        }
        return CompletableFuture.completedFuture(Set.of());
    }


    private static Octets isn(int value) {
        return Octets.of(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8),
                (byte) value});
    }
}
