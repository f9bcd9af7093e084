package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.SacipAddress;

/**
 * A move's data-path work rehearsed in memory, so that the JIT has compiled it before the first real move: without
 * it, the first move's commit of 10,000 sessions staged its elements in 80-100 ms, against 3-18 ms once compiled
 * (the kernel took 10-40 ms of each commit either way). Each round takes {@code sessions} sessions of one address
 * through what a host sees: they come, the host moves and announces it, the peer confirms, the peers move, the grace
 * periods end, everything returns home, the sessions end. The data path is {@link DataPath#rehearsing}: it stages,
 * accounts and applies every change as a real one, and sends nothing. Documentation addresses only.
 */
public final class DataPathRehearsal {
    private static final int PEERS = 10;

    private DataPathRehearsal() {
    }

    /** One family's addresses: the host's original and new one, a peer's original and new one. */
    private record Family(InetAddress original, InetAddress moved, Function<Integer, InetAddress> peer,
            Function<Integer, InetAddress> peerMoved) {
    }

    private static final List<Family> FAMILIES = List.of(
            new Family(address("192.0.2.1"), address("192.0.2.2"),
                    n -> address("198.51.100." + (1 + n)), n -> address("203.0.113." + (1 + n))),
            new Family(address("2001:db8::1"), address("2001:db8::2"),
                    n -> address("2001:db8:1::" + (1 + n)),
                    n -> address("2001:db8:2::" + (1 + n))));

    /**
     * Runs {@code rounds} rounds of {@code sessions} sessions, IPv4 and IPv6 in turn; returns how many ended with
     * nothing left in the data path (all, unless its accounting is broken).
     *
     * @throws DataPathException never in practice: a rehearsal sends nothing
     */
    public static int rehearse(int rounds, int sessions) throws DataPathException {
        if (sessions < 1 || sessions > 60_000) {
            throw new IllegalArgumentException("sessions must be 1..60000: " + sessions);
        }
        SteppedClock clock = new SteppedClock();
        int clean = 0;
        try (DataPath path = DataPath.rehearsing(clock)) {
            for (int round = 0; round < rounds; round++) {
                round(path, clock, FAMILIES.get(round % FAMILIES.size()), sessions);
                clean += path.remappingCount() == 0 && path.elementCount() == 0 && path.ghosts().isEmpty() ? 1 : 0;
            }
        }
        return clean;
    }

    private static void round(DataPath path, SteppedClock clock, Family family, int count)
            throws DataPathException {
        InetAddress x = family.original();
        InetAddress y = family.moved();
        List<SessionTuple> sessions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sessions.add(new SessionTuple(i % 3 == 0 ? SessionProtocol.UDP : SessionProtocol.TCP,
                    new Endpoint(x, 1024 + i), new Endpoint(family.peer().apply(i % PEERS), 443)));
        }
        Set<SessionTuple> all = Set.copyOf(sessions);
        path.commit(List.of(), List.of(GhostChange.hold(x, all)), List.of());
        // The host moves to y and tells its peers; they confirm; then they move too.
        path.commit(remapped(sessions, s -> new Remapping(s, y, x, s.remote().address())),
                List.of(GhostChange.activity(x, true)), List.of());
        path.commit(remapped(sessions, s -> new Remapping(s, y, y, s.remote().address())), List.of(), List.of());
        List<Remapping> peersMoved = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            peersMoved.add(new Remapping(sessions.get(i), y, y, family.peerMoved().apply(i % PEERS)));
        }
        path.commit(peersMoved, List.of(), List.of());
        endGracePeriods(path, clock);
        // Home again on both sides, then the sessions end.
        path.commit(remapped(sessions, Remapping::identity), List.of(GhostChange.activity(x, false)), List.of());
        endGracePeriods(path, clock);
        // As the handover ends them: their ghost holds go with them.
        path.commit(List.of(), List.of(), sessions);
    }

    private static InetAddress address(String text) {
        return SacipAddress.parse(text).toInetAddress();
    }

    private static List<Remapping> remapped(List<SessionTuple> sessions, Function<SessionTuple, Remapping> how) {
        List<Remapping> remappings = new ArrayList<>(sessions.size());
        for (SessionTuple session : sessions) {
            remappings.add(how.apply(session));
        }
        return remappings;
    }

    private static void endGracePeriods(DataPath path, SteppedClock clock) throws DataPathException {
        clock.advancePast(DataPath.LINGER.toMillis());
        while (path.maintain()) {
            clock.advancePast(DataPath.LINGER.toMillis());
        }
    }

    /** Virtual time: the rehearsal ends grace periods without waiting for them. Views in other zones share it. */
    private static final class SteppedClock extends Clock {
        private final Instant[] now;
        private final ZoneId zone;

        SteppedClock() {
            this(new Instant[] {Instant.EPOCH}, ZoneOffset.UTC);
        }

        private SteppedClock(Instant[] now, ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        void advancePast(long millis) {
            now[0] = now[0].plusMillis(millis + 1);
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return new SteppedClock(now, other);
        }

        @Override
        public Instant instant() {
            return now[0];
        }
    }
}
