package org.sacip.lab.attack;

import java.util.ArrayList;
import java.util.List;

/** How long each phase of a long test took, for its printed figures (never asserted). */
final class PhaseClock {
    private final List<String> phases = new ArrayList<>();
    private long last = System.currentTimeMillis();

    void mark(String phase) {
        long now = System.currentTimeMillis();
        phases.add(phase + " " + (now - last) + " ms");
        last = now;
    }

    @Override
    public String toString() {
        return String.join(", ", phases);
    }
}
