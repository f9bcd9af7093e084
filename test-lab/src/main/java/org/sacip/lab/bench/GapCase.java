package org.sacip.lab.bench;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyKind;

/** The handover-gap benchmark's cases: which topology, and how A moves back and forth in it. */
enum GapCase {
    MBB_UPLINKS("mbb-uplinks", TopologyKind.ROAMING, "make-before-break across uplinks"),
    MBB_SAME_LINK("mbb-same-link", TopologyKind.TWO_HOSTS, "make-before-break on one link"),
    BBM_UPLINKS("bbm-uplinks", TopologyKind.ROAMING, "break-before-make across uplinks, 100 ms outage");

    private final String cliName;
    private final TopologyKind topology;
    private final String title;

    GapCase(String cliName, TopologyKind topology, String title) {
        this.cliName = cliName;
        this.topology = topology;
        this.title = title;
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
        return switch (this) {
            case MBB_UPLINKS -> new UplinkMoves(built, MoveKind.MAKE_BEFORE_BREAK);
            case MBB_SAME_LINK -> new SameLinkMoves(built);
            case BBM_UPLINKS -> new UplinkMoves(built, MoveKind.BREAK_BEFORE_MAKE);
        };
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
