package org.sacip.lab.bench;

import org.sacip.lab.LabException;

/** Sleeps that turn an interrupt into a LabException, so the lab's try-with-resources tears everything down. */
public final class Pause {
    private Pause() {
    }

    public static void ms(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }

    /** Sleeps until the epoch-ms time (at once when it has passed): keeps a move schedule from drifting. */
    public static void until(long epochMs) {
        ms(epochMs - System.currentTimeMillis());
    }
}
