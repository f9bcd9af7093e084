package org.sacip.agent.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JVM's pause threads of this very test JVM, as the kernel reports them (/proc/self/task/TID/stat): set to the
 * event threads' nice value, and the JVM's other threads left alone. Runs as root (as CI does).
 */
class PauseThreadsTest {
    @Test
    void theVmThreadAndTheGcWorkersRunAtTheEventThreadsNiceValueAndNoOtherJvmThreadIsTouched() throws Exception {
        Map<Integer, Integer> before = nicesOf(false);
        List<String> raised = PauseThreads.raise();
        assertTrue(raised.contains("VM Thread"), "raised: " + raised);
        assertTrue(raised.stream().anyMatch(name -> name.startsWith("GC Thread#")), "raised: " + raised);
        nicesOf(true).forEach((tid, nice) -> assertEquals(EventThreads.NICE, nice, "pause thread " + tid));
        Map<Integer, Integer> others = nicesOf(false);
        assertFalse(others.isEmpty());
        others.forEach((tid, nice) -> {
            if (before.containsKey(tid)) {
                assertEquals(before.get(tid), nice, "thread " + tid + " is not a pause thread");
            }
        });
    }

    @Test
    void onlyTheVmThreadAndGcWorkersArePauseThreads() {
        assertTrue(PauseThreads.pauses("VM Thread"));
        assertTrue(PauseThreads.pauses("GC Thread#0"));
        assertTrue(PauseThreads.pauses("GC Thread#12"));
        assertFalse(PauseThreads.pauses("G1 Conc#0"));
        assertFalse(PauseThreads.pauses("G1 Main Marker"));
        assertFalse(PauseThreads.pauses("VM Periodic Tas"));
        assertFalse(PauseThreads.pauses("sacip-sender"));
    }

    /** Nice values by thread id of this JVM's pause threads ({@code pauseThreads}) or of its other threads. */
    private static Map<Integer, Integer> nicesOf(boolean pauseThreads) throws IOException {
        Map<Integer, Integer> nices = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // ended meanwhile
                }
                if (PauseThreads.pauses(comm) == pauseThreads) {
                    nices.put(Integer.parseInt(task.getFileName().toString()), EventThreadsTest.niceIn(stat));
                }
            }
        }
        return nices;
    }
}
