package org.sacip.lab.move;

import java.util.ArrayList;
import java.util.List;

/** The move sequences of the scenarios: single moves of each kind, move and back, the peer moving too, flapping. */
public enum MovePattern {
    NONE, MAKE_BEFORE_BREAK, BREAK_BEFORE_MAKE, DOWN_ADDRESS_LEFT, MOVE_AND_BACK, PEER_MOVES_TOO, FLAPPING;

    /** Pause between the moves of one pattern: long enough for TCP to recover between them when it can. */
    static final long BETWEEN_MOVES_MS = 1500;
    /** Flapping: this many moves, this far apart (a few seconds in all). */
    static final int FLAPS = 6;
    static final long BETWEEN_FLAPS_MS = 400;

    public List<MoveStep> steps() {
        List<MoveStep> steps = new ArrayList<>();
        switch (this) {
            case NONE -> { }
            case MAKE_BEFORE_BREAK -> steps.add(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            case BREAK_BEFORE_MAKE -> steps.add(new MoveStep("a", 0, 1, MoveKind.BREAK_BEFORE_MAKE, 0));
            case DOWN_ADDRESS_LEFT -> steps.add(new MoveStep("a", 0, 1, MoveKind.DOWN_ADDRESS_LEFT, 0));
            case MOVE_AND_BACK -> {
                steps.add(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
                steps.add(new MoveStep("a", 1, 0, MoveKind.MAKE_BEFORE_BREAK, BETWEEN_MOVES_MS));
            }
            case PEER_MOVES_TOO -> {
                steps.add(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
                steps.add(new MoveStep("b", 0, 1, MoveKind.MAKE_BEFORE_BREAK, BETWEEN_MOVES_MS));
            }
            case FLAPPING -> {
                for (int i = 0; i < FLAPS; i++) {
                    steps.add(new MoveStep("a", i % 2, (i + 1) % 2, MoveKind.MAKE_BEFORE_BREAK, i == 0 ? 0 : BETWEEN_FLAPS_MS));
                }
            }
            default -> throw new IllegalStateException("unhandled pattern " + this);
        }
        return steps;
    }

    /** Which hosts need two uplinks for this pattern. */
    public boolean peerMoves() {
        return this == PEER_MOVES_TOO;
    }
}
