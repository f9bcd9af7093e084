package org.sacip.agent.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the kernel says of an event thread's nice value (/proc/thread-self/stat), and that a raise in one thread
 * leaves the threads beside it as they were. Runs as root (as CI does): CAP_SYS_NICE allows the raise.
 */
class EventThreadsTest {
    @Test
    void anEventThreadRunsAtItsNiceValueAndTheThreadThatMadeItKeepsItsOwn() throws Exception {
        int before = niceOfThisThread();
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread thread = EventThreads.create(recordNice(seen), "sacip-test-event");
        thread.start();
        thread.join();
        assertEquals(EventThreads.NICE, seen.get(), "nice value of the event thread, from the kernel");
        assertEquals("sacip-test-event", thread.getName());
        assertEquals(before, niceOfThisThread(), "the creating thread keeps its nice value");
    }

    @Test
    void aPlainThreadStartedBesideAnEventThreadIsNotRaised() throws Exception {
        Thread event = EventThreads.create(() -> { }, "sacip-test-event");
        event.start();
        event.join();
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread plain = new Thread(recordNice(seen));
        plain.start();
        plain.join();
        assertEquals(niceOfThisThread(), seen.get(), "a thread made by this one has this one's nice value");
    }

    @Test
    void anOrdinaryThreadMadeByAnEventThreadRunsAtTheAgentsOwnNiceValue() throws Exception {
        // As an executor makes its thread on its first task, here from an event thread, which a new thread inherits.
        int agent = niceOfThisThread();
        AtomicReference<Object> inherited = new AtomicReference<>();
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread event = EventThreads.create(() -> {
            Thread ordinary = EventThreads.ordinary(recordNice(seen), "sacip-test-ordinary");
            Thread plain = new Thread(recordNice(inherited));
            ordinary.start();
            plain.start();
            try {
                ordinary.join();
                plain.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sacip-test-event");
        event.start();
        event.join();
        assertEquals(EventThreads.NICE, inherited.get(), "a plain thread inherits its creator's nice value");
        assertEquals(agent, seen.get(), "the ordinary thread is set back to the agent's nice value");
    }

    @Test
    void anIdleThreadRunsAtTheLowestPriorityEvenWhenAnEventThreadMakesIt() throws Exception {
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread event = EventThreads.create(() -> {
            Thread idle = EventThreads.idle(recordNice(seen), "sacip-test-idle");
            idle.start();
            try {
                idle.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sacip-test-event");
        event.start();
        event.join();
        assertEquals(EventThreads.IDLE_NICE, seen.get(), "nice value of the idle thread, from the kernel");
    }

    /** Records the running thread's nice value, or what kept it from being read. */
    private static Runnable recordNice(AtomicReference<Object> into) {
        return () -> {
            try {
                into.set(niceOfThisThread());
            } catch (IOException | RuntimeException e) {
                into.set(e);
            }
        };
    }

    static int niceOfThisThread() throws IOException {
        return niceIn(Files.readString(Path.of("/proc/thread-self/stat")));
    }

    /** Field 19 of a thread's /proc stat line; the command name (field 2) may hold blanks, so counted after its ')'. */
    static int niceIn(String stat) {
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[19 - 3]);
    }
}
