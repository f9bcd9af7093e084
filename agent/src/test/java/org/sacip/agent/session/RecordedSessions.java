package org.sacip.agent.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A tracker listener that keeps every call it gets, in order, and lets a test wait for a state of them with a
 * deadline (woken by each call, never by a fixed sleep). Thread-safe: the tracker calls in, the test reads.
 */
final class RecordedSessions implements SessionTracker.Listener {
    /** One session reported opened, and whether it came in the initial dump. */
    record Opening(SessionOpened session, boolean initialDump) {
        SessionTuple tuple() {
            return session.tuple();
        }
    }

    private final String host;
    private final List<Opening> openings = new ArrayList<>();
    private final List<SessionTuple> ends = new ArrayList<>();
    private final Set<SessionTuple> live = new HashSet<>();
    private List<Opening> initialDump;
    private int duplicates;
    /** Sessions reported without a proof of their opening: once more, with one, is no duplicate. */
    private final Set<SessionTuple> unproven = new HashSet<>();
    private int provenLate;
    private String violation;

    /** {@code host} names the side in failure messages. */
    RecordedSessions(String host) {
        this.host = host;
    }

    @Override
    public synchronized void opened(List<SessionOpened> sessions, boolean initial) {
        List<Opening> batch = sessions.stream().map(session -> new Opening(session, initial)).toList();
        openings.addAll(batch);
        for (SessionOpened session : sessions) {
            if (live.add(session.tuple())) {
                if (session.proof().isEmpty()) {
                    unproven.add(session.tuple());
                }
            } else if (session.proof().isPresent() && unproven.remove(session.tuple())) {
                provenLate++;
            } else {
                duplicates++;
            }
        }
        if (initial) {
            if (initialDump != null) {
                // Thrown here it would die on the tracker's thread: the test's next wait reports it.
                violation = "a second initial dump: " + batch;
            } else {
                initialDump = batch;
            }
        }
        notifyAll();
    }

    @Override
    public synchronized void ended(List<SessionTuple> sessions) {
        ends.addAll(sessions);
        live.removeAll(sessions);
        notifyAll();
    }

    /** Waits for the initial dump and returns what it reported. */
    synchronized List<Opening> awaitInitialDump(Duration limit) throws InterruptedException {
        return await(() -> Optional.ofNullable(initialDump), limit, "the initial dump");
    }

    /** Waits until {@code tuple} was reported opened; returns its first report. */
    synchronized Opening awaitOpened(SessionTuple tuple, Duration limit) throws InterruptedException {
        return await(() -> openingsOf(tuple).stream().findFirst(), limit, tuple + " reported opened");
    }

    /** Waits until {@code tuple} was reported ended. */
    synchronized void awaitEnded(SessionTuple tuple, Duration limit) throws InterruptedException {
        await(() -> ends.contains(tuple) ? Optional.of(tuple) : Optional.empty(), limit, tuple + " reported ended");
    }

    synchronized List<Opening> openingsOf(SessionTuple tuple) {
        return openings.stream().filter(opening -> opening.tuple().equals(tuple)).toList();
    }

    synchronized List<Opening> openings() {
        return List.copyOf(openings);
    }

    synchronized List<SessionTuple> ends() {
        return List.copyOf(ends);
    }

    /** The sessions reported opened and not ended since. */
    synchronized Set<SessionTuple> live() {
        return Set.copyOf(live);
    }

    /** How many reports opened a session that was open already (reported, and not ended since). */
    /** Sessions reported twice, other than once without and then once with the proof of their opening. */
    synchronized int duplicateOpenings() {
        return duplicates;
    }

    /** Sessions reported again with the proof their first report lacked (the record came late). */
    synchronized int provenLate() {
        return provenLate;
    }

    /** Waits until something changes or {@code limit} passes, whichever comes first. */
    synchronized void awaitChange(Duration limit) throws InterruptedException {
        wait(Math.max(1, limit.toMillis()));
    }

    /** A list for a failure message: all of it, or its first 20 and how many more. */
    private static String firstOf(List<?> list) {
        return list.size() <= 20 ? list.toString()
                : list.subList(0, 20) + " and " + (list.size() - 20) + " more";
    }

    private <T> T await(Supplier<Optional<T>> state, Duration limit, String awaited) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Optional<T> value = state.get();
        while (value.isEmpty() || violation != null) {
            if (violation != null) {
                throw new AssertionError(host + ": " + violation);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(host + ": waited " + limit.toSeconds() + " s for " + awaited
                        + "; reported opened: " + firstOf(openings) + ", ended: " + firstOf(ends));
            }
            wait(Math.max(1, left / 1_000_000));
            value = state.get();
        }
        return value.get();
    }
}
