package org.sacip.agent.datapath;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.sacip.agent.rate.TokenBucket;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.nflog.LoggedPacket;
import org.sacip.netlink.nflog.NflogClient;
import org.sacip.netlink.nflog.NflogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Path MTU discovery for remapped sessions (docs/DATAPATH.md). A router that finds a moved session's packet too big
 * answers with "fragmentation needed" (ICMP) or "packet too big" (ICMPv6) quoting the packet as it was on the wire;
 * no socket has that tuple, so the kernel drops the error and the socket never learns the smaller MTU. The ruleset
 * logs such errors addressed to this host to the path MTU log group ({@link DataPathSettings#pathMtuGroup()}); this
 * relay reads them ({@link PathMtuError#parse}), asks the data path whose remapped wire tuple the quote is
 * ({@link DataPath#sessionQuotedBy}: only a tuple that would reach that session's socket anyway), and hands the
 * stack a copy quoting the socket's own tuple ({@link PathMtuError#towards}) through a raw socket, marked so the
 * ruleset does not log it again. The kernel's own copy goes on and finds no socket. At most {@link #PER_SECOND}
 * errors a second are relayed; the rest are counted and dropped. One daemon thread; {@link #close()} stops it.
 */
public final class PathMtuRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PathMtuRelay.class);
    /** Relayed errors a second, and as many at once. */
    public static final int PER_SECOND = 100;
    /** The ruleset's snaplen: a whole ICMPv6 error (at most the IPv6 minimum MTU), and any IPv4 one up to it. */
    static final int COPY_RANGE = 1280;
    private static final int RECEIVE_BUFFER = 1 << 20;
    /** After a failed read, the relay waits this long before it tries again (instead of spinning). */
    private static final Duration ERROR_PAUSE = Duration.ofMillis(200);
    /** How long {@link #close()} waits for the woken relay thread to end. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);
    private static final Duration BUDGET_WARNING_INTERVAL = Duration.ofMinutes(1);

    /**
     * What the relay did with the errors it read since it started: relayed; not about a remapped wire tuple (left to
     * the kernel's copy); refused by the parser; dropped over the rate limit; failed to send; and how often the
     * kernel dropped logged errors because the socket's buffer was full.
     */
    public record Counts(long relayed, long notRemapped, long refused, long rateLimited, long failed, long overruns) {
    }

    private final DataPath dataPath;
    private final NflogClient log;
    private final RawIpSender sender;
    private final Clock clock;
    private final TokenBucket budget;
    private final Thread thread;
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong notRemapped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private volatile boolean running = true;
    /** Relay thread only. */
    private Instant lastBudgetWarning;

    private PathMtuRelay(DataPath dataPath, NflogClient log, RawIpSender sender, Clock clock) {
        this.dataPath = dataPath;
        this.log = log;
        this.sender = sender;
        this.clock = clock;
        this.budget = new TokenBucket(PER_SECOND, PER_SECOND, clock.instant());
        this.thread = EventThreads.ordinary(this::run, "sacip-pmtu");
        thread.setDaemon(true);
    }

    /** Binds the path MTU log group of the data path's namespace, opens the raw sockets and starts relaying. */
    public static PathMtuRelay start(DataPath dataPath, DataPathSettings settings, Clock clock)
            throws DataPathException {
        NetNamespace namespace = dataPath.namespace();
        NflogConfig config = NflogConfig.group(settings.pathMtuGroup()).withCopyRange(COPY_RANGE)
                .withReceiveBuffer(RECEIVE_BUFFER);
        NflogClient log;
        try {
            log = namespace == null ? NflogClient.open(config) : NflogClient.open(namespace, config);
        } catch (NetlinkException e) {
            throw new DataPathException("cannot bind the path MTU log group " + settings.pathMtuGroup(), e);
        }
        try {
            PathMtuRelay relay = new PathMtuRelay(dataPath, log, RawIpSender.open(namespace, settings.relayedMark()),
                    clock);
            relay.thread.start();
            return relay;
        } catch (DataPathException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    public Counts counts() {
        return new Counts(relayed.get(), notRemapped.get(), refused.get(), rateLimited.get(), failed.get(),
                overruns.get());
    }

    private void run() {
        try {
            while (running) {
                try {
                    // Waits without a timeout; close() wakes it.
                    for (LoggedPacket packet : log.take()) {
                        if (!running) {
                            break;
                        }
                        relay(packet.payload());
                    }
                } catch (NetlinkOverrunException e) {
                    overruns.incrementAndGet();
                    LOG.debug("path MTU errors lost: {}", e.getMessage());
                } catch (NetlinkException e) {
                    if (running) {
                        LOG.warn("reading path MTU errors failed: {}", e.getMessage());
                        pause();
                    }
                } catch (RuntimeException e) {
                    // A bug: its trace helps; the relay goes on with the next error.
                    LOG.error("path MTU relay: unexpected {}", e.toString(), e);
                }
            }
        } finally {
            // Closed here, not by close(): a thread still waiting for the data path's lock must not find its file
            // descriptors closed, and perhaps reused, when it goes on.
            log.close();
            sender.close();
        }
    }

    /** Relays one logged error if it is about a remapped wire tuple and the budget allows. */
    private void relay(byte[] captured) {
        PathMtuError error;
        try {
            error = PathMtuError.parse(captured);
        } catch (PathMtuErrorException e) {
            refused.incrementAndGet();
            LOG.debug("logged path MTU error not read: {}", e.getMessage());
            return;
        }
        Optional<SessionTuple> session = dataPath.sessionQuotedBy(error.quoted());
        if (session.isEmpty()) {
            notRemapped.incrementAndGet();
            return;
        }
        Instant now = clock.instant();
        if (!budget.take(now)) {
            long dropped = rateLimited.incrementAndGet();
            if (lastBudgetWarning == null || !now.isBefore(lastBudgetWarning.plus(BUDGET_WARNING_INTERVAL))) {
                lastBudgetWarning = now;
                LOG.warn("path MTU errors beyond {} a second are not relayed ({} so far)", PER_SECOND, dropped);
            }
            return;
        }
        try {
            sender.send(error.towards(session.get()), session.get().local().address());
            relayed.incrementAndGet();
            LOG.debug("relayed {} to {}", error, session.get());
        } catch (DataPathException e) {
            failed.incrementAndGet();
            LOG.debug("relaying {} failed: {}", error, e.getMessage());
        }
    }

    /** After a failure, wait a little before the next attempt instead of spinning. */
    private void pause() {
        try {
            Thread.sleep(ERROR_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops relaying; errors that arrive from now on reach only the kernel. The thread closes its sockets. */
    @Override
    public void close() {
        running = false;
        log.wakeup();
        try {
            thread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
