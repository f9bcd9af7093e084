package org.sacip.agent.control;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.sacip.control.AgentEvent;
import org.sacip.control.EventType;

/**
 * Fans agent events out to the control socket's followers. {@link #publish} may be called from any thread and never
 * waits for a follower: each subscription has a bounded queue, and events that do not fit are counted and later
 * reported as one "lost" event in their place.
 */
public final class EventFeed {
    public static final int SUBSCRIBER_QUEUE = 1024;

    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong lost = new AtomicLong();
    private final Clock clock;
    private final int queueCapacity;

    public EventFeed() {
        this(Clock.systemUTC(), SUBSCRIBER_QUEUE);
    }

    EventFeed(Clock clock, int queueCapacity) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1: " + queueCapacity);
        }
        this.clock = Objects.requireNonNull(clock);
        this.queueCapacity = queueCapacity;
    }

    /** Hands the event to every subscription; with none, it is simply gone. */
    public void publish(AgentEvent event) {
        Objects.requireNonNull(event, "event");
        for (Subscription subscription : subscriptions) {
            subscription.offer(event);
        }
    }

    /** A new subscription that receives every event published from now on until it is closed. */
    public Subscription subscribe() {
        Subscription subscription = new Subscription();
        subscriptions.add(subscription);
        return subscription;
    }

    public int subscriberCount() {
        return subscriptions.size();
    }

    /** Events dropped so far because a subscription's queue was full, over all subscriptions (ever growing). */
    public long lostCount() {
        return lost.get();
    }

    /**
     * One follower's queue. Its lock is held only for constant-time queue operations, never across I/O, so a
     * publisher at most waits for another thread's enqueue or dequeue.
     */
    public final class Subscription implements AutoCloseable {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ArrayDeque<AgentEvent> queue = new ArrayDeque<>();
        // Events dropped since the last lost marker. While it is non-zero, everything queued predates the drops.
        private long lost;
        private boolean closed;
        private int waitingTakers;
        private volatile Runnable onChange = () -> { };

        private Subscription() {
        }

        void offer(AgentEvent event) {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (lost > 0 && queue.size() < queueCapacity) {
                    queue.add(lostMarker());
                }
                if (queue.size() < queueCapacity) {
                    queue.add(event);
                } else {
                    lost++;
                    EventFeed.this.lost.incrementAndGet();
                }
                changed.signal();
            } finally {
                lock.unlock();
            }
            onChange.run();
        }

        /**
         * Calls {@code listener} after each event offered (queued or counted lost) and on close, on the offering or
         * closing thread; it must not block. Lets a follower wait on its socket and its queue at once.
         */
        void onChange(Runnable listener) {
            this.onChange = listener;
        }

        /**
         * The next event, or a "lost" event standing for the ones dropped at that point, waiting at most
         * {@code wait}. Empty on timeout or once closed.
         */
        public Optional<AgentEvent> take(Duration wait) throws InterruptedException {
            long nanos = wait.toNanos();
            lock.lockInterruptibly();
            try {
                while (!closed && queue.isEmpty() && lost == 0) {
                    if (nanos <= 0) {
                        return Optional.empty();
                    }
                    waitingTakers++;
                    try {
                        nanos = changed.awaitNanos(nanos);
                    } finally {
                        waitingTakers--;
                    }
                }
                if (closed) {
                    return Optional.empty();
                }
                return Optional.of(queue.isEmpty() ? lostMarker() : queue.poll());
            } finally {
                lock.unlock();
            }
        }

        /** How many threads are inside {@link #take} waiting for an event now (lets tests wait on it). */
        int waitingTakers() {
            lock.lock();
            try {
                return waitingTakers;
            } finally {
                lock.unlock();
            }
        }

        public boolean isClosed() {
            lock.lock();
            try {
                return closed;
            } finally {
                lock.unlock();
            }
        }

        /** Stops delivery, frees the queue and wakes a waiting {@link #take}. */
        @Override
        public void close() {
            subscriptions.remove(this);
            lock.lock();
            try {
                closed = true;
                queue.clear();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            onChange.run();
        }

        // Called with the lock held; resets the count it reports.
        private AgentEvent lostMarker() {
            String count = Long.toString(lost);
            lost = 0;
            return new AgentEvent(clock.instant().toString(), EventType.LOST, count + " events lost",
                    Map.of("count", count));
        }
    }
}
