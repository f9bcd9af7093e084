package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.scenario.Verdict;

/** A verified stream's figures in one line, for failure messages, and the checks that it came through intact. */
final class Streams {
    private Streams() {
    }

    static String describe(StreamFigures figures) {
        return figures.verdict().label() + (figures.failure() == null ? "" : " (" + figures.failure() + ")")
                + ", longest silence " + figures.maxGapMs() + " ms, " + figures.bytesLost() + " octets lost, "
                + figures.bytesCorrupted() + " corrupted";
    }

    /**
     * The checks, for assertAll, that a stream that was moved ({@code flowing}: it flowed again both ways after
     * {@code what}) survived with nothing lost, corrupted, reordered or added.
     */
    static Stream<Executable> intact(VerifiedStream stream, StreamFigures figures, boolean flowing, String what) {
        return Stream.of(
                () -> assertTrue(flowing, "the stream did not flow again both ways after " + what + ": "
                        + describe(figures)),
                () -> assertEquals(Verdict.SURVIVED, figures.verdict(), "the stream: " + describe(figures)),
                () -> assertEquals(0, figures.bytesLost(), "bytes lost: " + describe(figures)),
                () -> assertEquals(0, figures.bytesCorrupted(), "bytes corrupted or out of order: "
                        + describe(figures)),
                () -> assertEquals(0, stream.extraOctetsAtServer(), "octets B received beyond what A sent"));
    }
}
