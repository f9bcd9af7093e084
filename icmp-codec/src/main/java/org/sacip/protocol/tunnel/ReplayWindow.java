package org.sacip.protocol.tunnel;

/**
 * The receiver's record of the counters it accepted in one direction of a tunnel (docs/PROTOCOL.md section 15.5):
 * a counter above every accepted one is new; one at most {@link #SIZE} - 1 below the highest is new unless already
 * accepted; anything older is too old. A bitmap in the manner of RFC 6479: a ring of 64-bit blocks with one block
 * more than the window needs, so that moving the window ahead only clears whole blocks and the check stays exact to
 * the counter. Callers {@link #check} before verifying a datagram and {@link #accept} only after its tag verified,
 * so a forged datagram never moves the window. Not thread-safe: {@link TunnelOpener} serializes its use.
 */
public final class ReplayWindow {
    /** Counters accepted behind the highest: the highest and the 2047 below it. */
    public static final int SIZE = 2048;
    private static final int BLOCK_BITS = 64;
    private static final int BLOCKS = SIZE / BLOCK_BITS + 1;

    /** What {@link #check} says of a counter. */
    public enum Verdict {
        NEW,
        /** Accepted before. */
        REPLAYED,
        /** {@link #SIZE} or more below the highest accepted counter: no longer remembered. */
        TOO_OLD
    }

    private final long[] blocks = new long[BLOCKS];
    /** The highest accepted counter; -1 before the first. */
    private long highest = -1;

    /** Says whether {@code counter} (0 to 2^63 - 1) may be accepted; changes nothing. */
    public Verdict check(long counter) {
        requireCounter(counter);
        if (counter > highest) {
            return Verdict.NEW;
        }
        if (highest - counter >= SIZE) {
            return Verdict.TOO_OLD;
        }
        return (blocks[blockOf(counter)] & bitOf(counter)) != 0 ? Verdict.REPLAYED : Verdict.NEW;
    }

    /**
     * Records {@code counter} as accepted, moving the window ahead when it is the highest yet.
     *
     * @throws IllegalArgumentException when {@link #check} would not say NEW
     */
    public void accept(long counter) {
        Verdict verdict = check(counter);
        if (verdict != Verdict.NEW) {
            throw new IllegalArgumentException("counter " + counter + " is " + verdict);
        }
        if (counter > highest) {
            long from = highest < 0 ? -1 : highest / BLOCK_BITS;
            long to = counter / BLOCK_BITS;
            // Blocks between the old highest's and the new one's hold counters now out of the window (or none yet).
            for (long block = from + 1; block <= to && block <= from + BLOCKS; block++) {
                blocks[(int) (block % BLOCKS)] = 0;
            }
            highest = counter;
        }
        blocks[blockOf(counter)] |= bitOf(counter);
    }

    /** The highest accepted counter, or -1 when none was. */
    public long highest() {
        return highest;
    }

    private static int blockOf(long counter) {
        return (int) ((counter / BLOCK_BITS) % BLOCKS);
    }

    private static long bitOf(long counter) {
        return 1L << (counter % BLOCK_BITS);
    }

    private static void requireCounter(long counter) {
        if (counter < 0) {
            throw new IllegalArgumentException("counters are 0 to 2^63 - 1, not " + counter);
        }
    }
}
