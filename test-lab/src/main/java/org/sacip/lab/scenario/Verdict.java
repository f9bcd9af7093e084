package org.sacip.lab.scenario;

/** How a stream ended, worst first. Only SURVIVED is a pass. */
public enum Verdict {
    /** The connection ended: EOF, RST or another socket error. */
    RESET,
    /** Still open but nothing delivered at the end, for longer than {@link StreamFigures#STALL_MS}. */
    STALLED,
    /** Bytes arrived that were not the ones sent. */
    CORRUPTED,
    /** Flowing at the end, but some bytes never arrived (UDP datagrams dropped during a move). */
    LOSSY,
    /** Open, flowing, nothing lost or corrupted. */
    SURVIVED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
