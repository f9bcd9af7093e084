package org.sacip.agent.daemon;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.sacip.agent.datapath.DataPath;
import org.sacip.agent.datapath.DataPathSettings;
import org.sacip.agent.datapath.DataPathException;
import org.sacip.agent.datapath.DataPathGuard;
import org.sacip.agent.datapath.PathMtuRelay;
import org.sacip.agent.datapath.RetransmissionKick;
import org.sacip.agent.handover.Handover;
import org.sacip.agent.handover.HandoverEvents;
import org.sacip.agent.handover.HandoverStore;
import org.sacip.agent.handover.MoveOutcome;
import org.sacip.agent.metrics.AgentMetrics;
import org.sacip.agent.metrics.MetricSources;
import org.sacip.agent.move.MoveEngine;
import org.sacip.agent.move.MoveKind;
import org.sacip.agent.move.MoveMonitor;
import org.sacip.agent.move.MovePlan;
import org.sacip.agent.peer.protocol.EngineStore;
import org.sacip.agent.peer.protocol.ExecutorEngineLoop;
import org.sacip.agent.peer.protocol.PeerProtocol;
import org.sacip.agent.peer.transport.AmplificationLedger;
import org.sacip.agent.peer.transport.InterfaceSelection;
import org.sacip.agent.peer.transport.KernelReceivedOctets;
import org.sacip.agent.peer.transport.LocalAddresses;
import org.sacip.agent.peer.transport.PeerTransport;
import org.sacip.agent.peer.transport.PeerTransportException;
import org.sacip.agent.peer.transport.Sender;
import org.sacip.agent.peer.transport.TransportSettings;
import org.sacip.agent.peer.transport.UdpMessageListener;
import org.sacip.agent.peer.transport.UdpPeerTransport;
import org.sacip.agent.tunnel.TunnelDataPlane;
import org.sacip.agent.tunnel.TunnelRoutes;
import org.sacip.agent.route.SourceRouteException;
import org.sacip.agent.route.SourceRouteSettings;
import org.sacip.agent.route.SourceRoutes;
import org.sacip.agent.session.LiveSessions;
import org.sacip.agent.session.PeerSessions;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionTracker;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.state.StateDirectory;
import org.sacip.agent.state.StateFileException;
import org.sacip.agent.thread.EventThreads;
import org.sacip.control.EventType;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RoutingRule;
import org.sacip.netlink.udp.ReceivedDatagram;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent of the caller's network namespace: opens every part in dependency order, resumes what a previous
 * run left (kill -9 included), and runs the move thread (address, link and route events to move plans). The other
 * parts have their own threads: the session tracker, the peer protocol's engine, the sender, the handover, the
 * captures, the data path's guard, the path MTU relay. Closing stops everything and leaves the kernel as it is, so
 * remapped sessions keep working.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    /** How long {@link #close()} waits for the woken move thread to end. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);
    /** How long after a new address its sessions are looked for (see the move loop). */
    private static final Duration NEW_ADDRESS_DUMP_DELAY = Duration.ofSeconds(1);
    private static final int LEDGER_ADDRESSES = 65_536;

    /** Replaced by a reload (only the keys ConfigChanges.LIVE name may differ from the config it started with). */
    private volatile AgentConfig config;
    private final Clock clock = Clock.systemUTC();
    private final Instant started = clock.instant();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ConcurrentLinkedQueue<InetAddress> movesOver = new ConcurrentLinkedQueue<>();
    private final LiveSessions liveSessions = new LiveSessions();
    private final LocalAddresses localAddresses = new LocalAddresses();
    private final AmplificationLedger ledger = new AmplificationLedger(LEDGER_ADDRESSES);
    private final HandoverEvents events;
    /** Null when metrics are off: then nothing is counted for them and nothing listens. */
    private final AgentMetrics metrics;
    private volatile Map<InetAddress, String> usableAddresses = Map.of();
    private volatile boolean running = true;
    private PeerTransport transport;
    /** The agent port's sockets; null when SACIP over UDP is off ({@code udp-port = off}). */
    private UdpPeerTransport udpTransport;
    /** Carries sessions through NATs; null when there is no tunnel. */
    private volatile TunnelDataPlane tunnelPlane;
    private Sender sender;
    private PeerProtocol protocol;
    private DataPath dataPath;
    private SourceRoutes sourceRoutes;
    private Handover handover;
    private PathMtuRelay pathMtuRelay;
    private RetransmissionKick retransmissionKick;
    private volatile MoveMonitor monitor;
    private SessionTracker tracker;
    private Thread moveThread;

    private Agent(AgentConfig config, HandoverEvents events) {
        this.config = config;
        this.events = events;
        // Scrapes begin only once the agent started (AgentDaemon starts the endpoint then): the parts are open.
        this.metrics = config.metrics().enabled()
                ? AgentMetrics.create(MetricSources.of(() -> handover.view(), () -> protocol,
                        () -> tunnelPlane == null ? Map.of() : tunnelPlane.counters()), clock) : null;
    }

    /**
     * Starts the agent of the caller's namespace with its state in {@code stateDirectory}.
     *
     * @throws AgentStartException when a part cannot start; everything already opened is closed again
     */
    public static Agent start(AgentConfig config, Path stateDirectory, HandoverEvents events)
            throws AgentStartException {
        return start(config, stateDirectory, events, new StartupSteps());
    }

    static Agent start(AgentConfig config, Path stateDirectory, HandoverEvents events, StartupSteps steps)
            throws AgentStartException {
        Agent agent = new Agent(config, events);
        try {
            agent.open(stateDirectory, steps);
            return agent;
        } catch (AgentStartException | RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    private void open(Path stateDirectory, StartupSteps steps) throws AgentStartException {
        try {
            StateDirectory.prepare(stateDirectory);
            HandoverStore handoverStore = new HandoverStore(stateDirectory);
            // Parsed while the netlink sockets open: at 1,000 sessions reading it took 200 ms of a 1 s start.
            FutureTask<HandoverStore.State> savedState = new FutureTask<>(handoverStore::load);
            Thread reader = new Thread(savedState, "sacip-state-read");
            reader.setDaemon(true);
            reader.start();
            dataPath = DataPath.open(null, config.dataPath(), clock);
            opened.add(dataPath);
            steps.done("data path");
            // Before anything that changes the kernel: a saved state that cannot be read changes nothing.
            HandoverStore.State saved = saved(savedState);
            steps.done("saved state read");
            ConntrackCounters.ensureEnabled();
            // Before the handover: its first ghosts name the addresses whose packets the source routes keep in place.
            sourceRoutes = SourceRoutes.start(Optional.empty(), config.sourceRoutes(), config.scope());
            opened.add(sourceRoutes);
            steps.done("source routes");
            // Once a move converged, TCP sockets that wait for a backed-off retransmission timer resend at once.
            retransmissionKick = RetransmissionKick.start(null, config.dataPath());
            opened.add(retransmissionKick);
            Optional<Handover.SocketCloser> closer = Optional.empty();
            if (config.closeLegacySessions()) {
                LegacySessionCloser legacyCloser = LegacySessionCloser.open();
                opened.add(legacyCloser);
                closer = Optional.of(legacyCloser);
            }
            handover = new Handover(dataPath, handoverStore, events, closer, new Handover.Observer() {
                @Override
                public void addresses(Set<InetAddress> ghosts, Set<InetAddress> sendingFrom) {
                    localAddresses.ghosts(ghosts);
                    sourceRoutes.addresses(ghosts, sendingFrom);
                }

                @Override
                public void movesOver(Set<InetAddress> originals) {
                    movesOver.addAll(originals);
                    MoveMonitor current = monitor;
                    if (current != null) {
                        // The move thread waits for kernel events without a timeout: it has work now.
                        current.wakeup();
                    }
                }

                @Override
                public void moveConverged(InetAddress localOriginal, InetAddress peerOriginal,
                        Set<SessionTuple> sessions) {
                    retransmissionKick.converged(localOriginal, peerOriginal, sessions);
                }

                @Override
                public void moveStarted(MoveKind kind) {
                    if (metrics != null) {
                        metrics.moveStarted(kind);
                    }
                }

                @Override
                public void moveEnded(MoveKind kind, MoveOutcome outcome, Optional<Duration> convergence) {
                    if (metrics != null) {
                        metrics.moveEnded(kind, outcome, convergence);
                    }
                }
            }, clock);
            opened.add(handover);
            Map<InetAddress, InetAddress> ownMoves = handover.resume(saved);
            steps.done("sessions resumed");
            // Someone removed our rules, sets or ghosts (a firewall reload, nft flush ruleset) and the guard put them
            // back: worth an event, since the sessions went without rewriting meanwhile.
            opened.add(DataPathGuard.start(dataPath, (reason, remappings, ghosts) -> events.publish(EventType.RESTORE,
                    "data path restored after " + reason, Map.of("reason", reason, "remappings",
                            Integer.toString(remappings), "ghosts", Integer.toString(ghosts)))));
            // Routers quote moved sessions' packets as they were on the wire: their sockets learn the path MTU only
            // through the relay.
            pathMtuRelay = PathMtuRelay.start(dataPath, config.dataPath(), clock);
            opened.add(pathMtuRelay);
            steps.done("guard and PMTU relay");

            ExecutorEngineLoop engineLoop = new ExecutorEngineLoop(clock);
            opened.add(engineLoop);
            transport = new PeerTransport(TransportSettings.defaults().withInterfaces(
                    config.scope().interfaces().isEmpty() ? InterfaceSelection.all()
                            : InterfaceSelection.only(config.scope().interfaces())), localAddresses, ledger);
            opened.add(transport);
            KernelReceivedOctets kernelOctets = KernelReceivedOctets.open();
            opened.add(kernelOctets);
            if (config.udp().on()) {
                udpTransport = new UdpPeerTransport(config.udp().port(), localAddresses, ledger);
                opened.add(udpTransport);
            }
            sender = new Sender(transport, Optional.ofNullable(udpTransport), localAddresses, ledger, kernelOctets);
            opened.add(sender);
            // Peers are judged by the config of the moment: a reload may change them (ConfigChanges.LIVE).
            protocol = PeerProtocol.open(engineLoop, sender, handover, EngineStore.threaded(stateDirectory),
                    new SecureRandom(), config.limits(), peer -> this.config.managesPeer(peer.toInetAddress()),
                    config.udp());
            new DropReport(protocol.drops(), events, engineLoop);
            steps.done("peer protocol");

            MoveEngine.SessionLookup trackedSessions = new MoveEngine.SessionLookup() {
                @Override
                public List<Session> sessionsFrom(InetAddress original) {
                    return liveSessions.from(original);
                }

                @Override
                public Map<InetAddress, Integer> sessionsPerPeer(InetAddress original) {
                    return liveSessions.perPeer(original);
                }

                @Override
                public List<PeerSessions> sessionsByPeer(InetAddress original) {
                    return liveSessions.byPeer(original);
                }
            };
            monitor = MoveMonitor.open(Optional.empty(), config.scope(), clock, trackedSessions,
                    new MoveMonitor.Surroundings() {
                        @Override
                        public Set<InetAddress> originals() {
                            return liveSessions.addresses();
                        }

                        @Override
                        public boolean ownRoute(RouteInfo route) {
                            return route.protocol() == SourceRouteSettings.PROTOCOL
                                    || route.protocol() == TunnelRoutes.PROTOCOL
                                    || config.sourceRoutes().ownsTable(Integer.toUnsignedLong(route.table()));
                        }

                        @Override
                        public boolean ownRule(RoutingRule rule) {
                            return rule.protocol() == SourceRouteSettings.PROTOCOL
                                    || rule.protocol() == TunnelRoutes.PROTOCOL;
                        }

                        @Override
                        public void kernelChanged() {
                            sourceRoutes.kernelChanged();
                        }
                    });
            opened.add(monitor);
            refreshAddresses();
            steps.done("addresses");
            ownMoves.forEach((original, active) -> {
                if (monitor.resumeMoved(original, active)) {
                    // The engine's state may say the peer has not acknowledged the move yet (the updates sent before
                    // the stop were lost): it tells the peer again once the sessions are bound again. A move the
                    // peer confirmed is not announced again.
                    protocol.announceMove(SacipAddress.of(original), SacipAddress.of(active));
                } else {
                    LOG.warn("{} moved to {} before the restart, and {} is no longer usable",
                            AddressText.of(original), AddressText.of(active), AddressText.of(active));
                }
            });
            // The sessions of moved addresses (ghosts) are ours to follow as much as those of addresses in use.
            tracker = SessionTracker.start(null, config.dataPath().nflogGroup(), localAddresses::all,
                    localAddresses::holds, udpTransport == null ? 0 : udpTransport.port(),
                    new SessionTracker.Listener() {
                        @Override
                        public void opened(List<SessionOpened> found, boolean initialDump) {
                            // After a restart, what the agent saw of their openings before it.
                            List<SessionOpened> sessions = protocol.withSavedOpenings(found, initialDump);
                            liveSessions.add(sessions.stream().map(SessionOpened::tuple).toList());
                            retransmissionKick.opened(sessions);
                            protocol.sessionsOpened(sessions, initialDump);
                        }

                        @Override
                        public void ended(List<SessionTuple> sessions) {
                            liveSessions.remove(sessions);
                            protocol.sessionsEnded(sessions);
                            handover.sessionsEnded(sessions);
                            retransmissionKick.ended(sessions);
                        }
                    }, clock);
            opened.add(tracker);
            steps.done("sessions found");
            transport.start(message -> protocol.receive(SacipAddress.of(message.source()),
                    SacipAddress.of(message.destination()), message.icmp()));
            if (udpTransport != null) {
                udpTransport.start(new UdpMessageListener() {
                    @Override
                    public void onDatagram(ReceivedDatagram datagram) {
                        TunnelDataPlane plane = tunnelPlane;
                        byte[] payload = datagram.payload();
                        if (plane == null || !plane.receive(new UdpEndpoint(SacipAddress.of(datagram.source()),
                                datagram.sourcePort()), payload)) {
                            protocol.receiveUdp(SacipAddress.of(datagram.source()), datagram.sourcePort(),
                                    SacipAddress.of(datagram.localAddress()), datagram.localPort(), payload);
                        }
                    }

                    @Override
                    public void queueEmpty() {
                        TunnelDataPlane plane = tunnelPlane;
                        if (plane != null) {
                            plane.receivedAll();
                        }
                    }
                });
            }
            sender.start();
            steps.done("capture");
            startTunnel();
        } catch (StateFileException e) {
            throw new AgentStartException("state: " + e.getMessage(), e);
        } catch (DataPathException e) {
            throw new AgentStartException("data path: " + e.getMessage(), e);
        } catch (SourceRouteException e) {
            // Priorities or tables another program holds are the configuration's to change (exit 2).
            throw new AgentStartException(e.reason() == SourceRouteException.Reason.KERNEL
                    ? AgentStartException.Reason.FAILURE : AgentStartException.Reason.CONFIGURATION,
                    "source routes: " + e.getMessage(), e);
        } catch (NetlinkException e) {
            throw new AgentStartException("netlink: " + e.getMessage(), e);
        } catch (PeerTransportException e) {
            throw new AgentStartException("peer transport: " + e.getMessage(), e);
        }
        moveThread = EventThreads.ordinary(this::moveLoop, "sacip-moves");
        moveThread.start();
        LOG.info("SACIP agent running: {} usable address(es), state in {}", usableAddresses.size(), stateDirectory);
    }

    /** The saved state read beside the start-up, or its reader's failure, as the reader would have thrown it. */
    private static HandoverStore.State saved(FutureTask<HandoverStore.State> read) throws StateFileException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the saved state", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StateFileException failure) {
                throw failure;
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("reading the saved state failed: " + e.getCause(), e.getCause());
        }
    }

    private void refreshAddresses() {
        usableAddresses = monitor.table().usableAddresses();
        localAddresses.interfaces(new HashSet<>(usableAddresses.keySet()));
    }

    private void moveLoop() {
        while (running) {
            try {
                for (InetAddress over = movesOver.poll(); over != null; over = movesOver.poll()) {
                    monitor.sessionsEnded(over);
                }
                // Ghosts too: an address that comes back from being a ghost brings no session we do not follow.
                Set<InetAddress> before = localAddresses.all();
                // Waits for address, link and route events (or a wakeup for the moves over, or the stop).
                List<MovePlan> plans = monitor.take();
                refreshAddresses();
                Set<InetAddress> appeared = new HashSet<>(usableAddresses.keySet());
                appeared.removeAll(before);
                // A new address: sessions on it may predate this agent's view of it. Found a second later, not
                // now: the address usually comes with a move to it, and at 10,000 sessions a full dump took about
                // half the CPU of the move's own data-path change, on the same cores, in the same second.
                tracker.findOnAfter(NEW_ADDRESS_DUMP_DELAY, appeared, "new address");
                for (MovePlan plan : plans) {
                    // The inbound rewrite and the ghost first; the peers hear of the move only once they are in.
                    handover.execute(plan).thenRun(() -> protocol.announceMove(SacipAddress.of(plan.original()),
                            SacipAddress.of(plan.newActive())));
                }
            } catch (NetlinkException | RuntimeException e) {
                if (!running) {
                    return;
                }
                logFailure("address events", e);
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

    // ---- views for the control socket (each readable at any time without waiting) ----

    public Instant started() {
        return started;
    }

    public Map<InetAddress, String> usableAddresses() {
        return usableAddresses;
    }

    public Handover handover() {
        return handover;
    }

    public PeerProtocol protocol() {
        return protocol;
    }

    public PathMtuRelay pathMtuRelay() {
        return pathMtuRelay;
    }

    public RetransmissionKick retransmissionKick() {
        return retransmissionKick;
    }

    public Sender sender() {
        return sender;
    }

    /**
     * The tunnel that carries sessions through NATs (PROTOCOL.md 15), when the agent port is open and the mark mask
     * has a bit for it. Without it (no TUN support, say) the agent runs on and follows no move behind a NAT.
     */
    private void startTunnel() {
        long mark = config.dataPath().carriedMark();
        if (udpTransport == null || mark == 0) {
            LOG.info("no tunnel through NATs: {}", udpTransport == null ? "the agent port is off"
                    : "the mark mask has one bit only");
            return;
        }
        SourceRouteSettings routes = config.sourceRoutes();
        long table = routes.lastTable() < 0xffff_ffffL ? routes.lastTable() + 1 : routes.firstTable() - 1;
        try {
            TunnelDataPlane plane = TunnelDataPlane.start(DataPathSettings.TUNNEL_DEVICE, table,
                    routes.suppressPriority() - 1, mark, (from, to, data, length, segmentSize) ->
                            udpTransport.sendSegments(from.address().toInetAddress(), to.address().toInetAddress(),
                                    to.port(), data, length, segmentSize));
            plane.events(new TunnelDataPlane.Events() {
                @Override
                public void confirmed(Octets lineage, long tunnelId) {
                    protocol.tunnelConfirmed(lineage, tunnelId);
                }

                @Override
                public void unknownTunnel(UdpEndpoint from) {
                    protocol.unknownTunnel(from);
                }

                @Override
                public void wornOut(Octets lineage) {
                    protocol.tunnelWornOut(lineage);
                }
            });
            opened.add(plane);
            tunnelPlane = plane;
            protocol.carryThrough(plane);
            handover.carryThrough(plane);
            LOG.info("sessions are carried through NATs in tunnel device {} (table {})", plane.deviceName(), table);
        } catch (NetlinkException | RuntimeException e) {
            LOG.warn("no tunnel through NATs: {}; a move behind a NAT is not followed", e.getMessage());
        }
    }

    /** The tunnel data plane, or null when there is none. */
    public TunnelDataPlane tunnelPlane() {
        return tunnelPlane;
    }

    public UdpPeerTransport udpTransport() {
        return udpTransport;
    }

    public PeerTransport transport() {
        return transport;
    }

    public AmplificationLedger ledger() {
        return ledger;
    }

    public AgentConfig config() {
        return config;
    }

    /**
     * Takes over a reloaded config's live keys ({@link ConfigChanges#LIVE}): from now on, claims are judged by its
     * {@code peers}; sessions already bound or moved stay as they are.
     */
    void reconfigure(AgentConfig live) {
        config = config.withPeers(live.peers()).withLogLevel(live.logLevel());
    }

    /** The agent's metrics, present when the config turns them on. */
    public Optional<AgentMetrics> metrics() {
        return Optional.ofNullable(metrics);
    }

    /** Stops the threads and parts; the kernel keeps the ruleset, the remapping and the ghosts. */
    @Override
    public void close() {
        running = false;
        if (moveThread != null) {
            monitor.wakeup();
            try {
                moveThread.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (protocol != null) {
            protocol.close();
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
