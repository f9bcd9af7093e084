package org.sacip.lab.bench;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.sacip.lab.move.AddressHooks;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyKind;

/** The handover-gap benchmark's cases: which topology, and how A moves back and forth in it. */
enum GapCase {
    MBB_UPLINKS("mbb-uplinks", TopologyKind.ROAMING, "make-before-break across uplinks", 100),
    MBB_SAME_LINK("mbb-same-link", TopologyKind.TWO_HOSTS, "make-before-break on one link", 100),
    BBM_UPLINKS("bbm-uplinks", TopologyKind.ROAMING, "break-before-make across uplinks, 100 ms outage", 100),
    BBM_UPLINKS_300("bbm-uplinks-300", TopologyKind.ROAMING, "break-before-make across uplinks, 300 ms outage", 300);

    private final String cliName;
    private final TopologyKind topology;
    private final String title;
    /** Between the halves of a move: how long the new route is preferred first, or the outage. */
    private final long halfPauseMs;

    GapCase(String cliName, TopologyKind topology, String title, long halfPauseMs) {
        this.cliName = cliName;
        this.topology = topology;
        this.title = title;
        this.halfPauseMs = halfPauseMs;
    }

    String cliName() {
        return cliName;
    }

    TopologyKind topology() {
        return topology;
    }

    String title() {
        return title;
    }

    BackAndForth moves(Topology built) {
        return moves(built, AddressHooks.NONE);
    }

    /** The moves, with commands run as A's addresses come and go (MPTCP endpoints and source routes). */
    BackAndForth moves(Topology built, AddressHooks hooks) {
        return switch (this) {
            case MBB_UPLINKS -> new UplinkMoves(built, MoveKind.MAKE_BEFORE_BREAK, halfPauseMs, hooks);
            case MBB_SAME_LINK -> new SameLinkMoves(built, hooks);
            case BBM_UPLINKS, BBM_UPLINKS_300 -> new UplinkMoves(built, MoveKind.BREAK_BEFORE_MAKE, halfPauseMs, hooks);
        };
    }

    /** Break-before-make: the old address and link go before the new ones come. */
    boolean breakBeforeMake() {
        return this == BBM_UPLINKS || this == BBM_UPLINKS_300;
    }

    static GapCase parse(String name) {
        for (GapCase c : values()) {
            if (c.cliName.equals(name.strip())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown case '" + name + "' (choose from: " + names() + ")");
    }

    static String names() {
        return Arrays.stream(values()).map(GapCase::cliName).collect(Collectors.joining(","));
    }
}
