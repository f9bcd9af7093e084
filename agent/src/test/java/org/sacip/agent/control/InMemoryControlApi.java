package org.sacip.agent.control;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.sacip.control.FlushResult;
import org.sacip.control.GhostRow;
import org.sacip.control.GhostState;
import org.sacip.control.PeerRow;
import org.sacip.control.SessionRow;
import org.sacip.control.SessionState;
import org.sacip.control.StatusView;

/** A ControlApi with fixed rows; failures can be switched on to exercise the server's error replies. */
final class InMemoryControlApi implements ControlApi {
    static final StatusView STATUS = new StatusView("0.1.0-test", "2025-01-02T03:04:05Z", 42,
            List.of(new StatusView.ManagedAddress("198.18.0.1", "eth0")), 1, 2, 1, 3, 0,
            Map.of("BAD_MAC", 2L, "REPLAY", 0L), 2, 7, Map.of("UNRESOLVED_ANSWER", 1L),
            List.of(new StatusView.BoundRow("keys", 2, 4096)), 1_000_000, 256_000_000, Map.of("relayed", 1L),
            Map.of("kicked", 2L), Map.of("port", 4253L, "lineages", 1L, "keepalives_unanswered", 1L));
    static final SessionRow SESSION = new SessionRow("tcp", "198.18.0.1:40000", "198.19.0.9:22",
            "198.18.0.7:40000", "198.18.0.7:40000", "198.19.0.9:22", SessionState.ACTIVE, "2025-01-02T03:05:00Z", "198.19.0.9",
            "00112233445566aa", "bound", "rewritten", null, null);
    static final PeerRow PEER = new PeerRow("198.19.0.9", "198.18.0.1", "198.19.0.9", "198.18.0.7", "198.18.0.7",
            "sacip-v2", "00112233445566aa", "k1", 30L, 1, 5, 4, "2025-01-02T03:05:01Z", 1.5, "icmp", null, "none");
    static final PeerRow SILENT_PEER = new PeerRow("2001:db8::9", "2001:db8::1", "2001:db8::9", "2001:db8::1",
            "2001:db8::1", "sacip-v2", "0011223344556677", "0011223344556677", 0L, 0, 0, 0, null, null, "icmp", null,
            "none");
    static final GhostRow GHOST = new GhostRow("198.18.0.1", GhostState.ACTIVE, 1);

    /** How many rows {@link #sessions()} lists (all {@link #SESSION}). */
    volatile int sessionRows = 2;
    volatile RuntimeException statusFailure;
    volatile ControlException flushFailure;
    final AtomicInteger flushes = new AtomicInteger();

    @Override
    public StatusView status() {
        RuntimeException failure = statusFailure;
        if (failure != null) {
            throw failure;
        }
        return STATUS;
    }

    /** Rows of {@link #sessions()} read so far, and the index whose read fails (-1: none). */
    final AtomicInteger sessionRowsRead = new AtomicInteger();
    volatile int sessionRowFailsAt = -1;

    /** Rows read only when the reply encodes them, as the agent's own list makes them. */
    @Override
    public List<SessionRow> sessions() {
        int size = sessionRows;
        int failsAt = sessionRowFailsAt;
        return new java.util.AbstractList<>() {
            @Override
            public SessionRow get(int index) {
                if (index == failsAt) {
                    throw new IllegalStateException("row " + index + " cannot be made");
                }
                sessionRowsRead.incrementAndGet();
                return SESSION;
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    @Override
    public List<PeerRow> peers() {
        return List.of(PEER, SILENT_PEER);
    }

    @Override
    public List<GhostRow> ghosts() {
        return List.of(GHOST);
    }

    @Override
    public FlushResult flush() throws ControlException {
        ControlException failure = flushFailure;
        if (failure != null) {
            throw failure;
        }
        flushes.incrementAndGet();
        return new FlushResult(2, 1);
    }
}
