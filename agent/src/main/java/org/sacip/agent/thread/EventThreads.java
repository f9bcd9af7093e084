package org.sacip.agent.thread;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sacip.netlink.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads from a kernel event that shows a new session to its key agreed with the peer (the conntrack and NFLOG
 * readers, the session tracker, the peer protocol's engine, capture, delivery and sender): each runs at nice
 * {@value #NICE}, so that a host whose cores are busy with its applications still covers a new connection within
 * milliseconds. Measured in the lab with 18 traffic processes on 2 cores (quick ages bench, 36 first connections): a
 * key came a median 300 ms after connect() at nice 0, 60 ms this way. The threads that do a move's bulk work (move
 * planning, the handover's data path, the guard, routes, the retransmission kick) keep the agent's nice value: raised
 * too, they took the cores from the applications during a move, and the make-before-break gaps of the lab's 2 ms
 * streams grew by 2-5 ms in the median. Saving state, metrics, the control socket and the JVM's threads keep it too.
 * Linux keeps a nice value per thread, so setpriority(PRIO_PROCESS, 0, ...) in the thread itself changes only that
 * thread. Lowering the nice value needs CAP_SYS_NICE or an RLIMIT_NICE that allows it (the packaged unit sets
 * {@code LimitNICE=-10}); without either the thread keeps its nice value and the agent says so once.
 */
public final class EventThreads {
    private static final Logger LOG = LoggerFactory.getLogger(EventThreads.class);
    /** Nice value of the event threads: ahead of ordinary processes (0) without starving them. */
    public static final int NICE = -10;
    private static final int PRIO_PROCESS = 0;
    private static final int CALLING_THREAD = 0;
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int setpriority(int which, int who, int prio) throws LastErrorException;
    }

    private EventThreads() {
    }

    /** A new, unstarted thread that runs {@code body} at nice {@value #NICE}. */
    public static Thread create(Runnable body, String name) {
        return new Thread(() -> {
            raiseCurrent();
            body.run();
        }, name);
    }

    /** Sets the calling thread's nice value to {@value #NICE}; true if it now has it. */
    static boolean raiseCurrent() {
        try {
            Libc.INSTANCE.setpriority(PRIO_PROCESS, CALLING_THREAD, NICE);
            if (REPORTED.compareAndSet(false, true)) {
                LOG.debug("event threads run at nice {}", NICE);
            }
            return true;
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            if (REPORTED.compareAndSet(false, true)) {
                String reason = e instanceof LastErrorException error ? Errno.name(error.getErrorCode())
                        : e.getMessage();
                LOG.info("event threads keep their nice value: setting nice {} was refused ({}); give the agent "
                        + "CAP_SYS_NICE or LimitNICE={}", NICE, reason, NICE);
            }
            return false;
        }
    }
}
