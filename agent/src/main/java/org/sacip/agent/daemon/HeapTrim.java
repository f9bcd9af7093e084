package org.sacip.agent.daemon;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.sacip.agent.thread.EventThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the heap a burst of work grew, once the burst is over. G1 grows the heap while collections take more
 * than the launcher's share of the time (a move of 75,000 sessions in the lab: 97 MiB live, 276 MiB committed, RSS
 * 409 MiB), but returns memory only after a marking cycle or a full collection. An agent that holds many sessions
 * may run neither for a long time: its periodic collection (the launcher's 10 minutes) comes only when no collection
 * at all came in that time. So {@code HeapTrim} waits until the committed heap has not changed at a collection for
 * {@link #QUIET}; then, if it grew by {@link #GROWTH_OCTETS} or more since the agent started or since its last trim,
 * it asks for a collection: {@code System.gc()}, which the launcher's {@code -XX:+ExplicitGCInvokesConcurrent} makes a
 * concurrent marking cycle (its pauses take a few ms; a full collection of that heap stopped the agent for 170 ms),
 * at whose remark G1 shrinks the heap to its {@code MaxHeapFreeRatio}. Growth, not the occupancy after the last
 * collection, is the sign: the garbage a move leaves in the old generation counts as in use until a marking cycle
 * finds it, and is still there after that cycle, until G1's next collections take it: so once those came and the
 * heap is again quiet, a trim that followed growth gets one more, if the heap is {@link #FOLLOW_UP_RATIO} times what
 * they left in use. The heap a trim leaves is the next one's starting point, so a heap that holds only live data
 * (sessions that opened) costs at most two cycles per such growth. An idle agent makes no collections, hence no
 * checks. Whenever the heap settles, cycle or not, it has the C library give back the free memory of its allocator
 * ({@code malloc_trim}, a few ms): a move's netlink batches are native buffers of megabytes, freed once sent, and
 * glibc kept about 30 MiB of them in its arenas (lab, 75,000 sessions: RSS 409 MiB after the move, 314 MiB after the
 * cycle, 283 MiB after the trim; after a move whose heap G1 had shrunk by itself, 367 MiB with 236 MiB of heap).
 */
final class HeapTrim implements NotificationListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeapTrim.class);
    /** How long the committed heap must stay as it is, collections or not, to count as settled. */
    static final Duration QUIET = Duration.ofSeconds(10);
    /** Growth of the committed heap (octets) worth a marking cycle: a small agent's heap is left to G1. */
    static final long GROWTH_OCTETS = 32L << 20;
    /**
     * After a trim that followed growth, one more when the heap is this many times what a collection since left in use
     * (and {@link #GROWTH_OCTETS} more): above the 1.43 that {@code MaxHeapFreeRatio=30} leaves after a remark.
     */
    static final double FOLLOW_UP_RATIO = 1.5;
    private static final long MIB = 1L << 20;

    /** glibc's: gives free memory at the top of and within its arenas back to the kernel. */
    private interface Allocator extends Library {
        /** Loaded once, at the first trim: a busy agent trims every {@link #QUIET} or so. */
        Allocator INSTANCE = Native.load("c", Allocator.class);

        int malloc_trim(long pad);
    }

    private final LongSupplier committed;
    private final Runnable collect;
    private final Runnable trimAllocator;
    private final Set<String> heapPools;
    private final ScheduledExecutorService timer;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private ScheduledFuture<?> pending;
    private long collections;
    /** Checks scheduled so far; only the last one counts. */
    private long schedules;
    private long committedAtSchedule;
    /** The committed heap at start or after the last trim. */
    private long settledAt;
    private long inUseAfterLast;
    /** Whether the last trim followed growth: its cycle left the burst's garbage to the next collections. */
    private boolean followUp;

    HeapTrim(LongSupplier committed, Runnable collect, Runnable trimAllocator, Set<String> heapPools) {
        this.heapPools = Set.copyOf(heapPools);
        this.committed = committed;
        this.collect = collect;
        this.trimAllocator = trimAllocator;
        this.settledAt = committed.getAsLong();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, body -> {
            Thread thread = EventThreads.idle(body, "sacip-heap-trim");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
    }

    /** Watches this JVM's collectors; {@code null} when it cannot (a JVM without GC notifications). */
    static HeapTrim start() {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        HeapTrim trim = new HeapTrim(() -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(),
                System::gc, HeapTrim::trimAllocator, heapPools);
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(trim, null, null);
                trim.emitters.add(emitter);
            }
        }
        if (trim.emitters.isEmpty()) {
            trim.close();
            return null;
        }
        return trim;
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())
                || !(notification.getUserData() instanceof CompositeData data)) {
            return;
        }
        long inUse = 0;
        for (Map.Entry<String, MemoryUsage> pool
                : GarbageCollectionNotificationInfo.from(data).getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                inUse += pool.getValue().getUsed();
            }
        }
        collected(inUse);
    }

    /**
     * A collection ended, leaving {@code inUse} octets of heap. The check comes {@link #QUIET} after the first
     * collection since the last check, or after the last one that changed the committed heap: an agent busy with many
     * sessions collects every few seconds without growing its heap, and that must not put the check off for good.
     */
    synchronized void collected(long inUse) {
        inUseAfterLast = inUse;
        collections++;
        long now = committed.getAsLong();
        if (pending != null && now == committedAtSchedule) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        committedAtSchedule = now;
        long token = ++schedules;
        pending = timer.schedule(() -> settled(token), QUIET.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The check scheduled as {@code token}: asks for a cycle if the heap grew enough, or holds the garbage of the last
     * growth (whether it did), and trims the allocator.
     */
    synchronized boolean settled(long token) {
        if (token != schedules) {
            return false;
        }
        pending = null;
        long now = committed.getAsLong();
        // G1 may have shrunk it by itself meanwhile: growth counts from there.
        settledAt = Math.min(settledAt, now);
        boolean grew = now - settledAt >= GROWTH_OCTETS;
        boolean garbageFreed = followUp && now - inUseAfterLast >= GROWTH_OCTETS
                && now >= FOLLOW_UP_RATIO * inUseAfterLast;
        if (!grew && !garbageFreed) {
            trimAllocator.run();
            return false;
        }
        long started = System.nanoTime();
        // Returns once the cycle is over: G1 waits for the concurrent cycle that System.gc() asked for.
        collect.run();
        trimAllocator.run();
        long before = settledAt;
        settledAt = committed.getAsLong();
        followUp = grew;
        LOG.info("heap: {} MiB committed ({}), {} MiB in use after the last collection: a marking cycle and the "
                + "allocator's trim left {} MiB ({} ms)", now / MIB, grew ? (now - before) / MIB
                + " MiB more than after the last trim" : "the garbage of the last growth collected since",
                inUseAfterLast / MIB, settledAt / MIB, (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    /** How many collections it has been told of. */
    synchronized long collectionsSeen() {
        return collections;
    }

    /** Has glibc give back the free memory of its arenas; a C library without {@code malloc_trim} is passed over. */
    private static void trimAllocator() {
        try {
            Allocator.INSTANCE.malloc_trim(0);
        } catch (LinkageError e) {
            LOG.debug("heap: the C library has no malloc_trim: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(this);
            } catch (ListenerNotFoundException e) {
                // Not listening: nothing to undo.
            }
        }
        timer.shutdownNow();
    }
}
