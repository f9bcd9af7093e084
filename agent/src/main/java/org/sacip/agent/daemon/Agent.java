package org.sacip.agent.daemon;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.sacip.agent.datapath.DataPath;
import org.sacip.agent.datapath.DataPathException;
import org.sacip.agent.datapath.DataPathGuard;
import org.sacip.agent.handover.Handover;
import org.sacip.agent.handover.HandoverEvents;
import org.sacip.agent.handover.HandoverStore;
import org.sacip.agent.handover.KeyPreAgreement;
import org.sacip.agent.handover.PeerDirectory;
import org.sacip.agent.handover.SessionBook;
import org.sacip.agent.move.MoveMonitor;
import org.sacip.agent.move.MovePlan;
import org.sacip.agent.peer.protocol.ExecutorEngineLoop;
import org.sacip.agent.peer.protocol.PeerProtocol;
import org.sacip.agent.peer.protocol.TransportPeerLink;
import org.sacip.agent.peer.transport.InterfaceSelection;
import org.sacip.agent.peer.transport.PeerTransport;
import org.sacip.agent.peer.transport.TransportSettings;
import org.sacip.agent.session.RecentUdpFlows;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionDiscovery;
import org.sacip.agent.session.SessionEndWatcher;
import org.sacip.agent.session.SessionObservation;
import org.sacip.agent.state.StateDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent of the caller's network namespace: opens every part in dependency order, resumes what a
 * previous run left (kill -9 included), and runs two threads besides the parts' own: the move thread (address,
 * link and route events to move plans) and the session thread (session ends, key pre-agreement, standby ghosts).
 * Closing stops everything and leaves the kernel as it is, so remapped sessions keep working.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final Duration EVENT_POLL = Duration.ofMillis(200);
    private static final Duration SCAN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration KEY_AGE = Duration.ofSeconds(1);
    private static final Duration RETRY_NO_AGENT = Duration.ofSeconds(61);
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

    private record Tracking(List<Session> sessions, SessionObservation.End end) {
    }

    private final AgentConfig config;
    private final Clock clock = Clock.systemUTC();
    private final Instant started = clock.instant();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ConcurrentLinkedQueue<Tracking> toTrack = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<InetAddress> movesOver = new ConcurrentLinkedQueue<>();
    private final SessionBook book = new SessionBook();
    private final PeerDirectory peers = new PeerDirectory();
    private final RecentUdpFlows recentFlows = new RecentUdpFlows();
    private final HandoverEvents events;
    private volatile Map<InetAddress, String> usableAddresses = Map.of();
    private volatile boolean running = true;
    private ExecutorEngineLoop engineLoop;
    private PeerTransport transport;
    private PeerProtocol protocol;
    private DataPath dataPath;
    private Handover handover;
    private MoveMonitor monitor;
    private SessionEndWatcher endWatcher;
    private KeyPreAgreement preAgreement;
    private DropReport dropReport;
    private Thread moveThread;
    private Thread sessionThread;

    private Agent(AgentConfig config, HandoverEvents events) {
        this.config = config;
        this.events = events;
    }

    /**
     * Starts the agent of the caller's namespace with its state in {@code stateDirectory}.
     *
     * @throws AgentStartException when a part cannot start; everything already opened is closed again
     */
    public static Agent start(AgentConfig config, Path stateDirectory, HandoverEvents events)
            throws AgentStartException {
        Agent agent = new Agent(config, events);
        try {
            agent.open(stateDirectory);
            return agent;
        } catch (AgentStartException | RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    private void open(Path stateDirectory) throws AgentStartException {
        try {
            StateDirectory.prepare(stateDirectory);
            HandoverStore store = new HandoverStore(stateDirectory);
            List<HandoverStore.Saved> saved = store.load();
            dataPath = DataPath.open();
            opened.add(dataPath);
            SessionDiscovery engineDiscovery = SessionDiscovery.open(Optional.empty());
            opened.add(engineDiscovery);
            Optional<Handover.SocketCloser> closer = Optional.empty();
            if (config.closeLegacySessions()) {
                LegacySessionCloser legacyCloser = LegacySessionCloser.open();
                opened.add(legacyCloser);
                closer = Optional.of(legacyCloser);
            }
            handover = new Handover(dataPath, book, peers, store, engineDiscovery, recentFlows,
                    (sessions, end) -> toTrack.add(new Tracking(sessions, end)), events, closer, clock);
            Map<InetAddress, InetAddress> ownMoves = saved.isEmpty() ? Map.of() : handover.resume(saved);
            if (saved.isEmpty()) {
                dataPath.install();
            }
            opened.add(DataPathGuard.start(dataPath));

            engineLoop = new ExecutorEngineLoop(clock);
            opened.add(engineLoop);
            transport = new PeerTransport(TransportSettings.defaults().withInterfaces(
                    config.scope().interfaces().isEmpty() ? InterfaceSelection.all()
                            : InterfaceSelection.only(config.scope().interfaces())));
            opened.add(transport);
            protocol = PeerProtocol.open(engineLoop, new TransportPeerLink(transport), handover, stateDirectory,
                    new SecureRandom());
            handover.announceWith(protocol::announceMove);
            // Keys survive a restart on disk: their peers are known agents again at once, so the next move is
            // authenticated without waiting for the scan (and a peer's keys are not agreed twice).
            for (org.sacip.agent.peer.protocol.SessionView key : protocol.sessions().get(10, java.util.concurrent
                    .TimeUnit.SECONDS)) {
                peers.keyAgreed(org.sacip.agent.handover.PeerPath.of(key.localOriginal(), key.peerOriginal()),
                        clock.instant());
            }
            dropReport = new DropReport(protocol.drops(), events);

            monitor = MoveMonitor.open(Optional.empty(), config.scope(), clock, Optional.of(recentFlows));
            opened.add(monitor);
            usableAddresses = monitor.table().usableAddresses();
            ownMoves.forEach((original, active) -> {
                if (!monitor.resumeMoved(original, active)) {
                    LOG.warn("{} moved to {} before the restart, and {} is no longer usable",
                            AddressText.of(original), AddressText.of(active), AddressText.of(active));
                }
            });
            endWatcher = SessionEndWatcher.open(Optional.empty(), config.udpIdleTimeout());
            opened.add(endWatcher);
            SessionDiscovery scanDiscovery = SessionDiscovery.open(Optional.empty());
            opened.add(scanDiscovery);
            preAgreement = new KeyPreAgreement(scanDiscovery, recentFlows, () -> usableAddresses.keySet(),
                    config::managesPeer, peers, handover, path -> protocol.ensureKey(path.sacipLocal(),
                            path.sacipPeer()), clock, KEY_AGE, RETRY_NO_AGENT);
            resumeTracking(saved, scanDiscovery);

            transport.start(protocol.transportListener());
            handover.reannouncePending();
        } catch (org.sacip.agent.state.StateFileException e) {
            throw new AgentStartException("state: " + e.getMessage(), e);
        } catch (DataPathException e) {
            throw new AgentStartException("data path: " + e.getMessage(), e);
        } catch (org.sacip.netlink.NetlinkException e) {
            throw new AgentStartException("netlink: " + e.getMessage(), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AgentStartException("peer state: cannot list the saved keys: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentStartException("interrupted while starting", e);
        } catch (org.sacip.agent.peer.transport.PeerTransportException e) {
            throw new AgentStartException("peer transport: " + e.getMessage(), e);
        }
        moveThread = new Thread(this::moveLoop, "sacip-moves");
        sessionThread = new Thread(this::sessionLoop, "sacip-sessions");
        moveThread.start();
        sessionThread.start();
        LOG.info("SACIP agent running: {} usable address(es), {} moved session(s) resumed, state in {}",
                usableAddresses.size(), book.size(), stateDirectory);
    }

    /** Saved sessions are followed again; those the kernel no longer has end now. */
    private void resumeTracking(List<HandoverStore.Saved> saved, SessionDiscovery discovery)
            throws org.sacip.netlink.NetlinkException, DataPathException {
        if (saved.isEmpty()) {
            return;
        }
        List<Session> live = new ArrayList<>();
        for (InetAddress original : saved.stream().map(s -> s.tuple().local().address()).distinct().toList()) {
            live.addAll(discovery.withLocalAddress(original).sessions());
        }
        Set<org.sacip.agent.datapath.SessionTuple> savedTuples = saved.stream().map(HandoverStore.Saved::tuple)
                .collect(java.util.stream.Collectors.toSet());
        List<Session> stillThere = live.stream()
                .filter(s -> savedTuples.contains(org.sacip.agent.handover.SessionTuples.of(s))).toList();
        endWatcher.track(stillThere, SessionObservation.End.LOCAL);
        Set<org.sacip.agent.datapath.SessionTuple> found = stillThere.stream()
                .map(org.sacip.agent.handover.SessionTuples::of).collect(java.util.stream.Collectors.toSet());
        List<Session> gone = new ArrayList<>();
        for (HandoverStore.Saved s : saved) {
            if (!found.contains(s.tuple())) {
                gone.add(asSession(s.tuple()));
            }
        }
        for (InetAddress over : handover.sessionsEnded(gone)) {
            monitor.sessionsEnded(over);
        }
    }

    private static Session asSession(org.sacip.agent.datapath.SessionTuple tuple) {
        return new Session(org.sacip.netlink.diag.TransportProtocol.valueOf(tuple.protocol().name()),
                new java.net.InetSocketAddress(tuple.local().address(), tuple.local().port()),
                new java.net.InetSocketAddress(tuple.remote().address(), tuple.remote().port()),
                org.sacip.agent.session.SessionOrigin.SOCKET, 0);
    }

    private void moveLoop() {
        while (running) {
            try {
                List<MovePlan> plans = monitor.poll(EVENT_POLL);
                usableAddresses = monitor.table().usableAddresses();
                for (MovePlan plan : plans) {
                    try {
                        handover.execute(plan);
                    } catch (DataPathException e) {
                        LOG.error("move {} failed in the data path: {}", plan, e.getMessage());
                    }
                }
                for (InetAddress over = movesOver.poll(); over != null; over = movesOver.poll()) {
                    monitor.sessionsEnded(over);
                }
            } catch (org.sacip.netlink.NetlinkException | RuntimeException e) {
                if (!running) {
                    return;
                }
                logFailure("address events", e);
                pause();
            }
        }
    }

    private void sessionLoop() {
        Instant nextScan = clock.instant();
        while (running) {
            try {
                for (Tracking t = toTrack.poll(); t != null; t = toTrack.poll()) {
                    endWatcher.track(t.sessions(), t.end());
                }
                List<Session> ended = new ArrayList<>(endWatcher.pollDestroyed(EVENT_POLL));
                if (!clock.instant().isBefore(nextScan)) {
                    nextScan = clock.instant().plus(SCAN_INTERVAL);
                    ended.addAll(endWatcher.recheck());
                    preAgreement.scan();
                    dataPath.expireLingering(clock.instant());
                    dropReport.publishNew();
                }
                movesOver.addAll(handover.sessionsEnded(ended));
                dataPath.syncResetBlocks();
            } catch (org.sacip.netlink.NetlinkException | DataPathException | RuntimeException e) {
                if (!running) {
                    return;
                }
                logFailure("session tracking", e);
                pause();
            }
        }
    }

    /** A kernel refusal is an operational error (its message says it all); anything else is a bug: its trace helps. */
    private static void logFailure(String where, Exception e) {
        if (e instanceof RuntimeException) {
            LOG.error("{}: unexpected {}", where, e.toString(), e);
        } else {
            LOG.error("{}: {}", where, e.getMessage());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ERROR_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- views for the control socket ----

    public Instant started() {
        return started;
    }

    public Map<InetAddress, String> usableAddresses() {
        return usableAddresses;
    }

    public SessionBook book() {
        return book;
    }

    public PeerDirectory peers() {
        return peers;
    }

    public DataPath dataPath() {
        return dataPath;
    }

    public Handover handover() {
        return handover;
    }

    public PeerProtocol protocol() {
        return protocol;
    }

    public AgentConfig config() {
        return config;
    }

    /** Stops the threads and parts; the kernel keeps the ruleset, the remapping and the ghosts. */
    @Override
    public void close() {
        running = false;
        for (Thread thread : new Thread[] {moveThread, sessionThread}) {
            if (thread != null) {
                try {
                    thread.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (protocol != null) {
            protocol.close();
        }
        if (handover != null) {
            handover.closeSaver();
        }
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", opened.get(i).getClass().getSimpleName(), e.getMessage());
            }
        }
        opened.clear();
    }
}
