package org.sacip.protocol.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.tunnel.ReplayWindow.Verdict;

/** The replay window of docs/PROTOCOL.md section 15.5 at its edges, and against a plain set of every counter seen. */
class ReplayWindowTest {
    private static void accept(ReplayWindow window, long counter) {
        assertEquals(Verdict.NEW, window.check(counter), "counter " + counter);
        window.accept(counter);
    }

    @Test
    void theFirstCounterIsNewWhateverItIs() {
        for (long first : new long[] {0, 1, 2047, 2048, 1L << 40, DataDatagram.COUNTER_LIMIT - 1}) {
            ReplayWindow window = new ReplayWindow();
            assertEquals(-1, window.highest());
            accept(window, first);
            assertEquals(first, window.highest());
            assertEquals(Verdict.REPLAYED, window.check(first));
        }
    }

    @Test
    void aFirstCounterFarAheadMakesTheOlderOnesTooOld() {
        ReplayWindow window = new ReplayWindow();
        accept(window, 5000);
        assertEquals(Verdict.TOO_OLD, window.check(0));
        assertEquals(Verdict.TOO_OLD, window.check(5000 - 2048));
        accept(window, 5000 - 2047);
    }

    @Test
    void aDuplicateIsReplayedAndChangesNothing() {
        ReplayWindow window = new ReplayWindow();
        accept(window, 0);
        accept(window, 1);
        assertEquals(Verdict.REPLAYED, window.check(0));
        assertEquals(Verdict.REPLAYED, window.check(1));
        assertThrows(IllegalArgumentException.class, () -> window.accept(1));
        assertEquals(1, window.highest());
        accept(window, 2);
    }

    @Test
    void theWindowHolds2047CountersBehindTheHighestAndNotOneMore() {
        ReplayWindow window = new ReplayWindow();
        accept(window, 10_000);
        assertEquals(Verdict.NEW, window.check(10_000 - 2047), "2047 behind: the window's last counter");
        assertEquals(Verdict.TOO_OLD, window.check(10_000 - 2048), "2048 behind: out");
        accept(window, 10_000 - 2047);
        assertEquals(Verdict.REPLAYED, window.check(10_000 - 2047));
        accept(window, 10_001);
        assertEquals(Verdict.TOO_OLD, window.check(10_000 - 2047), "the window moved by one");
        assertThrows(IllegalArgumentException.class, () -> window.accept(10_000 - 2047));
    }

    @Test
    void aCounterSeenAtTheEdgeStaysSeenWhileTheWindowMovesBlockByBlock() {
        ReplayWindow window = new ReplayWindow();
        accept(window, 64);
        for (long c = 65; c <= 64 + 2047; c++) {
            accept(window, c);
            assertEquals(Verdict.REPLAYED, window.check(64), "at highest " + c);
        }
        accept(window, 64 + 2048);
        assertEquals(Verdict.TOO_OLD, window.check(64));
        assertEquals(Verdict.REPLAYED, window.check(65));
    }

    @Test
    void aFarJumpAheadForgetsEverythingBehindIt() {
        ReplayWindow window = new ReplayWindow();
        for (long c = 0; c < 3000; c++) {
            accept(window, c);
        }
        long far = 3000 + 1_000_000;
        accept(window, far);
        for (long c = far - 2047; c < far; c++) {
            assertEquals(Verdict.NEW, window.check(c), "no stale bit at " + c);
        }
        assertEquals(Verdict.TOO_OLD, window.check(2999));
        // A jump of exactly one ring (33 blocks of 64) must not leave stale bits either.
        ReplayWindow ring = new ReplayWindow();
        accept(ring, 100);
        accept(ring, 100 + 33 * 64);
        assertEquals(Verdict.TOO_OLD, ring.check(100));
        for (long c = 100 + 33 * 64 - 2047; c < 100 + 33 * 64; c++) {
            assertEquals(Verdict.NEW, ring.check(c), "no stale bit at " + c);
        }
    }

    @Test
    void outOfOrderWithinTheWindowIsAcceptedOnce() {
        ReplayWindow window = new ReplayWindow();
        long[] order = {10, 3, 7, 0, 2000, 11, 1999, 9, 5, 2050, 4, 2049};
        for (long c : order) {
            accept(window, c);
        }
        for (long c : order) {
            assertEquals(c < 2050 - 2047 ? Verdict.TOO_OLD : Verdict.REPLAYED, window.check(c), "counter " + c);
        }
        assertEquals(Verdict.NEW, window.check(8));
        assertEquals(Verdict.NEW, window.check(2048));
    }

    @Test
    void negativeCountersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow().check(-1));
    }

    @Test
    void agreesWithASetOfEveryCounterSeen() {
        Random random = new Random(6479);
        ReplayWindow window = new ReplayWindow();
        Set<Long> seen = new HashSet<>();
        long highest = -1;
        long base = 0;
        for (int i = 0; i < 300_000; i++) {
            int step = random.nextInt(100);
            // Mostly near the highest, sometimes behind it around the window's edge, sometimes far ahead.
            long c = step < 60 ? base + random.nextInt(80) : step < 95 ? Math.max(0, base - 2100 + random.nextInt(150))
                    : base + random.nextInt(1 << 16);
            Verdict expected = c > highest ? Verdict.NEW : highest - c >= ReplayWindow.SIZE ? Verdict.TOO_OLD
                    : seen.contains(c) ? Verdict.REPLAYED : Verdict.NEW;
            assertEquals(expected, window.check(c), "counter " + c + " with highest " + highest);
            if (expected == Verdict.NEW && random.nextInt(4) != 0) {
                window.accept(c);
                seen.add(c);
                highest = Math.max(highest, c);
                base = highest;
            }
        }
    }
}
