package org.sacip.agent.control;

import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The events connections: at most {@link #MAX_FOLLOWERS}, each on its own daemon thread. */
final class EventFollowers {
    static final int MAX_FOLLOWERS = 16;
    private static final Logger LOG = LoggerFactory.getLogger(EventFollowers.class);
    private static final long JOIN_MILLIS = 1000;

    private final EventFeed feed;
    private final Semaphore slots = new Semaphore(MAX_FOLLOWERS);
    private final Set<EventFollower> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final AtomicLong bytesIgnored = new AtomicLong();
    private volatile boolean closed;

    EventFollowers(EventFeed feed) {
        this.feed = feed;
    }

    /** Takes a slot for a follower about to start; false when all are in use. */
    boolean tryReserve() {
        return !closed && slots.tryAcquire();
    }

    /** Gives back a slot reserved for a connection that went away before its follower started. */
    void release() {
        slots.release();
    }

    /** Starts following on the connection (non-blocking), using a slot taken by {@link #tryReserve}. */
    void start(SocketChannel channel) {
        EventFollower follower = new EventFollower(channel, feed.subscribe(), slots::release, bytesIgnored);
        running.add(follower);
        Thread thread = new Thread(() -> {
            try {
                follower.run();
            } finally {
                running.remove(follower);
            }
        }, "sacip-control-events-" + threadNumber.incrementAndGet());
        thread.setDaemon(true);
        follower.attach(thread);
        if (closed) {
            follower.close();
        }
        thread.start();
    }

    int count() {
        return running.size();
    }

    /** What followers' clients sent after their request, read and ignored, over all followers. */
    long bytesIgnored() {
        return bytesIgnored.get();
    }

    /** Ends every follower connection and waits briefly for their threads. */
    void closeAll() {
        closed = true;
        for (EventFollower follower : running) {
            follower.close();
        }
        for (EventFollower follower : running) {
            if (!follower.join(JOIN_MILLIS)) {
                LOG.warn("an events follower did not stop within {} ms", JOIN_MILLIS);
            }
        }
    }
}
