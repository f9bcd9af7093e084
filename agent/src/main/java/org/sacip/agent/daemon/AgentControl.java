package org.sacip.agent.daemon;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sacip.agent.control.ControlApi;
import org.sacip.agent.control.ControlException;
import org.sacip.agent.datapath.GhostSummary;
import org.sacip.agent.datapath.PathMtuRelay;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.datapath.RetransmissionKick;
import org.sacip.agent.handover.HandoverView;
import org.sacip.agent.peer.protocol.AssociationView;
import org.sacip.agent.peer.protocol.Bound;
import org.sacip.agent.peer.protocol.DropReason;
import org.sacip.agent.peer.protocol.EngineView;
import org.sacip.agent.peer.transport.UdpPeerTransport;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.tunnel.TunnelDataPlane;
import org.sacip.control.FlushResult;
import org.sacip.control.GhostRow;
import org.sacip.control.GhostState;
import org.sacip.control.PeerRow;
import org.sacip.control.SessionRow;
import org.sacip.control.StatusView;
import org.sacip.netlink.AddressText;

/**
 * The control socket's answers, read from the views the engine and the handover publish: nothing here waits on a
 * busy thread, so the socket answers at once whatever the agent is doing (a move of 10,000 sessions included).
 */
final class AgentControl implements ControlApi {
    private static final Duration FLUSH_WAIT = Duration.ofSeconds(30);

    private final Agent agent;

    AgentControl(Agent agent) {
        this.agent = agent;
    }

    @Override
    public StatusView status() {
        Instant now = Instant.now();
        HandoverView handover = agent.handover().view();
        EngineView engine = agent.protocol().view();
        List<StatusView.ManagedAddress> addresses = new ArrayList<>();
        agent.usableAddresses().forEach((address, name) -> addresses.add(new StatusView.ManagedAddress(
                AddressText.of(address), name)));
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            drops.put(reason.name(), agent.protocol().drops().count(reason));
        }
        Map<String, Long> unsent = new LinkedHashMap<>();
        agent.sender().unsent().forEach((reason, count) -> unsent.put(reason.name(), count));
        List<StatusView.BoundRow> bounds = new ArrayList<>();
        for (Bound bound : engine.bounds()) {
            bounds.add(new StatusView.BoundRow(bound.name(), bound.size(), bound.limit()));
        }
        bounds.add(new StatusView.BoundRow("amplification-ledger", agent.ledger().size(),
                agent.ledger().capacity()));
        bounds.add(new StatusView.BoundRow("sender-queue", agent.sender().queued(), 4096));
        PathMtuRelay.Counts relay = agent.pathMtuRelay().counts();
        Map<String, Long> pathMtu = new LinkedHashMap<>();
        pathMtu.put("relayed", relay.relayed());
        pathMtu.put("not_remapped", relay.notRemapped());
        pathMtu.put("refused", relay.refused());
        pathMtu.put("rate_limited", relay.rateLimited());
        pathMtu.put("failed", relay.failed());
        RetransmissionKick.Counts kick = agent.retransmissionKick().counts();
        Map<String, Long> kicks = new LinkedHashMap<>();
        kicks.put("kicked", kick.kicked());
        kicks.put("reverted", kick.reverted());
        kicks.put("idle", kick.idle());
        kicks.put("stranded", kick.stranded());
        kicks.put("unknown", kick.unknown());
        kicks.put("unsupported", kick.unsupported());
        kicks.put("failed", kick.failed());
        Map<String, Long> udp = new LinkedHashMap<>();
        UdpPeerTransport udpTransport = agent.udpTransport();
        udp.put("port", udpTransport == null ? 0L : udpTransport.port());
        udp.put("received", udpTransport == null ? 0L : udpTransport.delivered());
        udp.put("sent", udpTransport == null ? 0L : udpTransport.sent());
        udp.put("rejected", udpTransport == null ? 0L
                : udpTransport.rejected().values().stream().mapToLong(Long::longValue).sum());
        udp.put("lineages", engine.lineages().stream().filter(v -> v.udpPeer().isPresent()).count());
        udp.put("keepalives_unanswered", engine.lineages().stream().filter(AssociationView::keepaliveUnanswered)
                .count());
        TunnelDataPlane tunnel = agent.tunnelPlane();
        if (tunnel != null) {
            // What the tunnel carried through NATs (docs/DATAPATH.md), in the same map: it is SACIP-over-UDP traffic.
            tunnel.counters().forEach((name, value) -> udp.put("tunnel_" + name, value));
        }
        Runtime runtime = Runtime.getRuntime();
        return new StatusView(AgentMain.VERSION, agent.started().toString(),
                Duration.between(agent.started(), now).toSeconds(), addresses, handover.ghosts().size(),
                handover.sessions().size(), engine.lineages().size(), handover.moves(), handover.restores(), drops,
                agent.protocol().drops().total(), agent.sender().sent(), unsent, bounds,
                runtime.totalMemory() - runtime.freeMemory(), runtime.maxMemory(), pathMtu, kicks, udp);
    }

    /**
     * The sessions in address order (local address and port, then remote, then protocol), each row made only when it
     * is read: the reply encodes a thousand at a time as the client reads (100,000 rows made up front, with their
     * dozen strings each and a sort by text, cost some 250 MB of heap per request).
     */
    @Override
    public List<SessionRow> sessions() {
        EngineView engine = agent.protocol().view();
        List<HandoverView.Row> view = agent.handover().view().sessions();
        byte[][] keys = new byte[view.size()][];
        Integer[] order = new Integer[view.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = orderKey(view.get(i).tuple());
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(keys[a], keys[b]));
        return new SessionRows(view, order, engine);
    }

    /** Family, local address and port, remote address and port, protocol: compared as unsigned octets. */
    private static byte[] orderKey(SessionTuple tuple) {
        byte[] local = tuple.local().address().getAddress();
        byte[] remote = tuple.remote().address().getAddress();
        ByteBuffer key = ByteBuffer.allocate(1 + local.length + 2 + remote.length + 2 + 1);
        key.put((byte) local.length).put(local).putShort((short) tuple.local().port()).put(remote)
                .putShort((short) tuple.remote().port()).put((byte) tuple.protocol().ordinal());
        return key.array();
    }

    /** The rows of {@link #sessions}, made on demand from the handover's view. */
    private static final class SessionRows extends AbstractList<SessionRow> implements RandomAccess {
        private final List<HandoverView.Row> view;
        private final Integer[] order;
        private final EngineView engine;
        private final Map<InetAddress, String> hosts = new ConcurrentHashMap<>();

        SessionRows(List<HandoverView.Row> view, Integer[] order, EngineView engine) {
            this.view = view;
            this.order = order;
            this.engine = engine;
        }

        @Override
        public int size() {
            return order.length;
        }

        @Override
        public SessionRow get(int index) {
            HandoverView.Row row = view.get(order[index]);
            SessionTuple tuple = row.tuple();
            Remapping remapping = row.remapping();
            String key = row.lineage().orElse(null);
            String binding = row.lineage().isPresent() ? "bound"
                    : row.unboundBecause().orElse(engine.unbound().getOrDefault(tuple, "unknown"));
            int localPort = tuple.local().port();
            int remotePort = tuple.remote().port();
            Endpoint ourPublic = engine.ourPublic().get(tuple);
            Endpoint peerOwn = engine.peerOwn().get(tuple);
            return new SessionRow(tuple.protocol().text(), Endpoint.text(host(tuple.local().address()), localPort),
                    Endpoint.text(host(tuple.remote().address()), remotePort),
                    Endpoint.text(host(remapping.activeLocal()), localPort),
                    Endpoint.text(host(remapping.sendFrom()), localPort),
                    Endpoint.text(host(remapping.activeRemote()), remapping.activeRemotePort()), row.state(),
                    row.since().toString(), host(tuple.remote().address()), key, binding,
                    remapping.carried() ? "encapsulated" : remapping.isIdentity() ? "direct" : "rewritten",
                    text(ourPublic), text(peerOwn));
        }

        private String text(Endpoint endpoint) {
            return endpoint == null ? null : Endpoint.text(host(endpoint.address()), endpoint.port());
        }

        /** Sessions share a few addresses: each is written out once per list, not six times per row. */
        private String host(InetAddress address) {
            return hosts.computeIfAbsent(address, AddressText::of);
        }
    }

    @Override
    public List<PeerRow> peers() {
        Instant now = Instant.now();
        List<PeerRow> rows = new ArrayList<>();
        List<AssociationView> lineages = new ArrayList<>(agent.protocol().view().lineages());
        lineages.sort(Comparator.comparing((AssociationView v) -> AddressText.of(v.peerOriginal().toInetAddress()))
                .thenComparing(v -> AddressText.of(v.localOriginal().toInetAddress()))
                .thenComparing(AssociationView::keyEstablished));
        for (AssociationView v : lineages) {
            rows.add(new PeerRow(AddressText.of(v.peerOriginal().toInetAddress()),
                    AddressText.of(v.localOriginal().toInetAddress()), AddressText.of(v.peerCurrent().toInetAddress()),
                    AddressText.of(v.localCurrent().toInetAddress()),
                    AddressText.of(v.localConfirmed().toInetAddress()), "sacip-v2", v.lineage().toHex(),
                    v.keyId().toHex(), Duration.between(v.keyEstablished(), now).toSeconds(), v.boundSessions(),
                    v.lastSequenceSent(), v.lastSequenceReceived(), v.lastHeard().map(Instant::toString).orElse(null),
                    v.roundTrip().map(d -> d.toNanos() / 1e6).orElse(null), v.udpPeer().isPresent() ? "udp" : "icmp",
                    v.udpPeer().map(e -> AddressText.endpoint(e.address().toInetAddress(), e.port())).orElse(null),
                    v.nat()));
        }
        return rows;
    }

    @Override
    public List<GhostRow> ghosts() {
        List<GhostRow> rows = new ArrayList<>();
        for (GhostSummary ghost : agent.handover().view().ghosts()) {
            rows.add(new GhostRow(AddressText.of(ghost.address()),
                    ghost.active() ? GhostState.ACTIVE : GhostState.STANDBY, ghost.sessions()));
        }
        return rows;
    }

    @Override
    public FlushResult flush() throws ControlException {
        try {
            int[] removed = agent.handover().flush().get(FLUSH_WAIT.toSeconds(), TimeUnit.SECONDS);
            return new FlushResult(removed[0], removed[1]);
        } catch (ExecutionException e) {
            throw new ControlException("flush failed: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new ControlException("flush did not finish within " + FLUSH_WAIT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException("interrupted while flushing", e);
        }
    }
}
