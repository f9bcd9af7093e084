package org.sacip.agent.thread;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the JVM's threads that do a stop-the-world pause (the VM thread, which runs every safepoint operation, and
 * G1's parallel "GC Thread#N" workers) the event threads' nice value. While they work, every agent thread is stopped,
 * the event threads included; at the JVM's default nice value they queue behind the host's ordinary processes, and
 * the pause stretches with the host's load. Measured in the lab's quick ages bench on 2 cores with the endpoints'
 * JVMs starting: a 17 MB young collection that took 103 ms (80 ms of it one worker's class-loader root scan), in the
 * middle of the first key agreement, which took 230 ms instead of 15. The launcher starts every GC worker with the
 * JVM ({@code -XX:-UseDynamicNumberOfGCThreads}), so the workers seen here are all there will be; a worker the JVM
 * makes later keeps the agent's nice value. G1's concurrent threads (marking, refinement) run beside the agent and
 * keep its nice value too.
 */
public final class PauseThreads {
    private static final Logger LOG = LoggerFactory.getLogger(PauseThreads.class);
    private static final Path TASKS = Path.of("/proc/self/task");

    private PauseThreads() {
    }

    /** Whether a thread of this name (its /proc comm, at most 15 characters) does the JVM's pauses. */
    static boolean pauses(String comm) {
        return comm.equals("VM Thread") || comm.startsWith("GC Thread#");
    }

    /**
     * Sets every pause thread of this JVM to nice {@value EventThreads#NICE}; returns the names of those set. Refusal
     * (no CAP_SYS_NICE, no RLIMIT_NICE that allows it) leaves them as they were and is said once, at debug level:
     * the event threads already say it at info.
     */
    public static List<String> raise() {
        List<String> raised = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String comm;
                int tid;
                try {
                    comm = Files.readString(task.resolve("comm")).strip();
                    tid = Integer.parseInt(task.getFileName().toString());
                } catch (IOException | NumberFormatException e) {
                    continue; // a thread that ended meanwhile
                }
                if (!pauses(comm)) {
                    continue;
                }
                try {
                    EventThreads.setThread(tid, EventThreads.NICE);
                    raised.add(comm);
                } catch (LastErrorException | LinkageError e) {
                    LOG.debug("the JVM's pause threads keep their nice value: {}", e.getMessage());
                    return raised;
                }
            }
        } catch (IOException e) {
            LOG.debug("the JVM's pause threads keep their nice value: cannot list {}: {}", TASKS, e.getMessage());
            return raised;
        }
        LOG.debug("the JVM's pause threads run at nice {}: {}", EventThreads.NICE, raised);
        return raised;
    }
}
