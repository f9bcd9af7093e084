package org.sacip.lab.traffic;

/** The bulk stream's content: byte n is a fixed function of n, so the receiver can check every byte it gets. */
public final class BulkPattern {
    private BulkPattern() {
    }

    /** SplitMix64's finalizer of the block number: cheap, and no two nearby blocks look alike. */
    public static long block(long index) {
        long z = index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static byte at(long offset) {
        return (byte) (block(offset >>> 3) >>> (56 - 8 * (offset & 7)));
    }

    /** Fills buf with the pattern from the given stream offset (a multiple of 8 keeps it simple and fast). */
    public static void fill(byte[] buf, long offset) {
        for (int i = 0; i < buf.length; i++) {
            buf[i] = at(offset + i);
        }
    }
}
