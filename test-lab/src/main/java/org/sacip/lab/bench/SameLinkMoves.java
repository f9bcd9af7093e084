package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.move.AddressHooks;
import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.Uplink;

/**
 * Make-before-break on one link (the Mover only moves between uplinks with a router): A gets a second address in
 * the same subnet on the same interface, and the old one is deleted after the Mover's half pause; then back.
 * IPv4 promotes the new (secondary) address when the old primary goes: the topology sets promote_secondaries.
 */
final class SameLinkMoves implements BackAndForth {
    /** The second address's host part: the two-hosts link uses 1 (A) and 2 (B). */
    private static final int SECOND_HOST_PART = 3;

    private final Topology topology;
    private final Uplink link;
    private final String[] addresses;
    private final AddressHooks hooks;

    SameLinkMoves(Topology topology) {
        this(topology, AddressHooks.NONE);
    }

    /** With commands run as each address appears and goes (MPTCP endpoints). */
    SameLinkMoves(Topology topology, AddressHooks hooks) {
        this.topology = topology;
        this.link = topology.uplink("a", 0);
        this.addresses = new String[] {link.address(), topology.family().address(0, SECOND_HOST_PART)};
        this.hooks = hooks;
    }

    /** A's two addresses on the link, the first one configured at the start. */
    static List<String> addresses(Topology topology) {
        return List.of(topology.uplink("a", 0).address(), topology.family().address(0, SECOND_HOST_PART));
    }

    @Override
    public BenchMove move(int i) {
        String from = addresses[i % 2];
        String to = addresses[(i + 1) % 2];
        List<String> log = new ArrayList<>();
        long start = System.currentTimeMillis();
        run(log, TopologyBuilder.addressCommand(topology.family(), "add", to + "/" + link.prefixLength(), link.ifName()));
        hooks.added(on(to)).forEach(command -> run(log, command));
        Pause.ms(Mover.HALF_PAUSE_MS);
        run(log, TopologyBuilder.addressCommand(topology.family(), "del", from + "/" + link.prefixLength(), link.ifName()));
        hooks.deleted(on(from)).forEach(command -> run(log, command));
        MoveEvent event = new MoveEvent("a", 1, 1, MoveKind.MAKE_BEFORE_BREAK, start, System.currentTimeMillis(),
                List.copyOf(log));
        return new BenchMove(event, to);
    }

    private Uplink on(String address) {
        return new Uplink("a", link.ifName(), address, link.prefixLength(), null);
    }

    private void run(List<String> log, List<String> command) {
        log.add("a: " + String.join(" ", command));
        topology.lab().run("a", command.toArray(String[]::new));
    }
}
