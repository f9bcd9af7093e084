package org.sacip.agent.thread;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads from a kernel event that shows a new session to its key agreed with the peer, and those that carry a
 * move's messages and commit its data path (the conntrack and NFLOG readers, the session tracker, the peer protocol's
 * engine, capture and sender, the handover): each runs at nice {@value #NICE}, so that a host whose cores
 * are busy with its applications still covers a new connection and finishes a move quickly. Measured in the lab with
 * 18 traffic processes on 2 cores (quick ages bench, 36 first connections): a key came a median 300 ms after
 * connect() at nice 0, 56-60 ms this way. The other threads ({@link #ordinary}: move planning, the guard, routes, the
 * retransmission kick, the PMTU relay) keep the agent's own nice value: with them raised as well, the
 * make-before-break gaps of the lab's 2 ms streams grew by 2-5 ms in the median. Saving state, metrics, the control
 * socket and the JVM's threads keep it too, except those of its pauses ({@link PauseThreads}). The warm-up at start
 * runs at nice {@value #IDLE_NICE} ({@link #idle}), below everything else on the host; raising a nice value needs no
 * privilege.
 * Linux keeps a nice value per thread and a new thread inherits its creator's, so setpriority(PRIO_PROCESS, 0, ...)
 * in the thread itself sets only that thread, and an executor's thread made on demand by an event thread is set
 * back explicitly. Lowering the nice value needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (the packaged unit
 * sets {@code LimitNICE=-10}); without either the thread keeps its nice value and the agent says so once.
 */
public final class EventThreads {
    private static final Logger LOG = LoggerFactory.getLogger(EventThreads.class);
    /** Nice value of the event threads: ahead of ordinary processes (0) without starving them. */
    public static final int NICE = -10;
    /** Nice value of {@link #idle} threads: the lowest share of a busy core Linux gives. */
    public static final int IDLE_NICE = 19;
    private static final int PRIO_PROCESS = 0;
    private static final int CALLING_THREAD = 0;
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int setpriority(int which, int who, int prio) throws LastErrorException;

        int getpriority(int which, int who) throws LastErrorException;
    }

    /** The agent's own nice value: its main thread's (whose id is the process id), which nothing here changes. */
    private static final int AGENT_NICE = agentNice();

    private EventThreads() {
    }

    /** A new, unstarted thread that runs {@code body} at nice {@value #NICE}. */
    public static Thread create(Runnable body, String name) {
        return new Thread(() -> {
            raiseCurrent();
            body.run();
        }, name);
    }

    /**
     * A new, unstarted thread that runs {@code body} at the agent's own nice value, even when an event thread starts
     * it (as an executor does with its first task).
     */
    public static Thread ordinary(Runnable body, String name) {
        // A nice value may always be raised back up: this fails only if libc cannot be loaded (LinkageError).
        return atNice(AGENT_NICE, body, name);
    }

    /**
     * A new, unstarted thread that runs {@code body} at nice {@value #IDLE_NICE}: work that may use only what the
     * host's other work leaves of its cores (the warm-up at start, which must not slow the start of anything else).
     */
    public static Thread idle(Runnable body, String name) {
        return atNice(IDLE_NICE, body, name);
    }

    /** A new, unstarted thread that sets its nice value to {@code nice}, or keeps its creator's if refused. */
    private static Thread atNice(int nice, Runnable body, String name) {
        return new Thread(() -> {
            try {
                setCurrent(nice);
            } catch (LastErrorException | LinkageError e) {
                LOG.debug("{} keeps the nice value of the thread that made it: {}", name, e.getMessage());
            }
            body.run();
        }, name);
    }

    private static int agentNice() {
        try {
            return Libc.INSTANCE.getpriority(PRIO_PROCESS, (int) ProcessHandle.current().pid());
        } catch (LastErrorException | LinkageError e) {
            return 0;
        }
    }

    /** Sets the calling thread's nice value to {@value #NICE}; true if it now has it. */
    static boolean raiseCurrent() {
        try {
            setCurrent(NICE);
            if (REPORTED.compareAndSet(false, true)) {
                LOG.debug("event threads run at nice {}", NICE);
            }
            return true;
        } catch (LastErrorException | LinkageError e) {
            if (REPORTED.compareAndSet(false, true)) {
                String reason = e instanceof LastErrorException error ? Errno.name(error.getErrorCode())
                        : e.getMessage();
                LOG.info("event threads keep their nice value: setting nice {} was refused ({}); give the agent "
                        + "CAP_SYS_NICE or LimitNICE={}", NICE, reason, NICE);
            }
            return false;
        }
    }

    private static void setCurrent(int nice) {
        Libc.INSTANCE.setpriority(PRIO_PROCESS, CALLING_THREAD, nice);
    }

    /** Sets the nice value of the thread whose kernel id is {@code tid} (one of this process's threads). */
    static void setThread(int tid, int nice) {
        Libc.INSTANCE.setpriority(PRIO_PROCESS, tid, nice);
    }
}
