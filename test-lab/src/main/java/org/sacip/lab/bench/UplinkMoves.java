package org.sacip.lab.bench;

import org.sacip.lab.move.AddressHooks;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Topology;

/** A between its uplinks 1 and 2 with the lab's Mover, as the scenarios move it. */
final class UplinkMoves implements BackAndForth {
    private final Topology topology;
    private final Mover mover;
    private final MoveKind kind;

    UplinkMoves(Topology topology, MoveKind kind) {
        this(topology, kind, Mover.HALF_PAUSE_MS, AddressHooks.NONE);
    }

    /** With another pause between the halves of a move, and commands run as addresses come and go. */
    UplinkMoves(Topology topology, MoveKind kind, long halfPauseMs, AddressHooks hooks) {
        this.topology = topology;
        this.mover = new Mover(topology, halfPauseMs, hooks);
        this.kind = kind;
    }

    @Override
    public BenchMove move(int i) {
        int from = i % 2;
        int to = (i + 1) % 2;
        return new BenchMove(mover.move(new MoveStep("a", from, to, kind, 0)), topology.uplink("a", to).address());
    }
}
