package org.sacip.lab.attack;

import org.sacip.lab.scenario.StreamFigures;

/** A verified stream's figures in one line, for failure messages. */
final class Streams {
    private Streams() {
    }

    static String describe(StreamFigures figures) {
        return figures.verdict().label() + (figures.failure() == null ? "" : " (" + figures.failure() + ")")
                + ", longest silence " + figures.maxGapMs() + " ms, " + figures.bytesLost() + " octets lost, "
                + figures.bytesCorrupted() + " corrupted";
    }
}
