package org.sacip.lab.move;

import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.LabException;
import org.sacip.lab.topology.DadWait;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.Uplink;

/** Performs moves with ip commands inside the moving host's namespace, exactly as {@link MoveKind} defines them. */
public final class Mover {
    /** The pause between the two halves of a move. */
    public static final long HALF_PAUSE_MS = 100;

    private final Topology topology;
    private final long halfPauseMs;
    private final AddressHooks hooks;

    public Mover(Topology topology) {
        this(topology, HALF_PAUSE_MS, AddressHooks.NONE);
    }

    /**
     * A mover with another pause between the halves of a move (a break-before-make outage of 0.3 s, say) and
     * commands run as addresses come and go.
     */
    public Mover(Topology topology, long halfPauseMs, AddressHooks hooks) {
        if (halfPauseMs < 0) {
            throw new IllegalArgumentException("the pause between the halves of a move must be >= 0 ms");
        }
        this.topology = topology;
        this.halfPauseMs = halfPauseMs;
        this.hooks = hooks;
    }

    /** A mover whose moves wait {@code halfPauseMs} between their halves (a break-before-make move's outage). */
    public Mover(Topology topology, long halfPauseMs) {
        this(topology, halfPauseMs, AddressHooks.NONE);
    }

    public MoveEvent move(MoveStep step) {
        return move(step, this::pause);
    }

    /**
     * The move with {@code betweenHalves} instead of the fixed pause between its halves: a test that waits there for
     * a state (the agent having moved on the route change alone, say) takes the timing out of what it checks.
     */
    public MoveEvent move(MoveStep step, Runnable betweenHalves) {
        Uplink from = topology.uplink(step.host(), step.from());
        Uplink to = topology.uplink(step.host(), step.to());
        if (from.gateway() == null || to.gateway() == null) {
            throw new LabException("host " + step.host() + " has no router to move between in " + topology.kind().cliName());
        }
        List<String> log = new ArrayList<>();
        long start = System.currentTimeMillis();
        switch (step.kind()) {
            case MAKE_BEFORE_BREAK -> {
                // "Make" means a usable new path: with DAD on, the new address, and the router's address on the
                // link that just got carrier, are usable only once DAD is over, and a host moves its default route
                // only then (break-before-make is where the agent's wait for DAD is tested).
                attach(to, log, topology.family() == Family.IPV6_DAD);
                betweenHalves.run();
                detach(from, true, log);
            }
            case BREAK_BEFORE_MAKE -> {
                detach(from, true, log);
                betweenHalves.run();
                attach(to, log);
            }
            case DOWN_ADDRESS_LEFT -> {
                detach(from, false, log);
                betweenHalves.run();
                attach(to, log);
            }
            default -> throw new IllegalStateException("unhandled move " + step.kind());
        }
        return new MoveEvent(step.host(), step.from() + 1, step.to() + 1, step.kind(), start, System.currentTimeMillis(),
                List.copyOf(log));
    }

    private void attach(Uplink to, List<String> log) {
        attach(to, log, false);
    }

    private void attach(Uplink to, List<String> log, boolean waitForDad) {
        run(to.host(), log, List.of("ip", "link", "set", to.ifName(), "up"));
        // replace, not add: after a DOWN_ADDRESS_LEFT move the address is still there when the host comes back.
        run(to.host(), log, TopologyBuilder.addressCommand(topology.family(), "replace", to.cidr(), to.ifName()));
        for (List<String> command : hooks.added(to)) {
            run(to.host(), log, command);
        }
        if (waitForDad) {
            DadWait.untilSettled(topology.lab());
            log.add(to.host() + ": (waited until no address of the lab is tentative)");
        }
        run(to.host(), log, List.of("ip", topology.family().ipFlag(), "route", "replace", "default",
                "via", to.gateway(), "dev", to.ifName()));
    }

    private void detach(Uplink from, boolean deleteAddress, List<String> log) {
        if (deleteAddress) {
            run(from.host(), log, TopologyBuilder.addressCommand(topology.family(), "del", from.cidr(), from.ifName()));
            for (List<String> command : hooks.deleted(from)) {
                run(from.host(), log, command);
            }
        }
        run(from.host(), log, List.of("ip", "link", "set", from.ifName(), "down"));
    }

    private void run(String host, List<String> log, List<String> command) {
        log.add(host + ": " + String.join(" ", command));
        topology.lab().run(host, command.toArray(String[]::new));
    }

    private void pause() {
        try {
            Thread.sleep(halfPauseMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted during a move", e);
        }
    }
}
