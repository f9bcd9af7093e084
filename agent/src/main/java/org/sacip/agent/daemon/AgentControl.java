package org.sacip.agent.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sacip.agent.control.ControlApi;
import org.sacip.agent.control.ControlException;
import org.sacip.agent.datapath.Ghost;
import org.sacip.agent.datapath.PathMtuRelay;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.datapath.RetransmissionKick;
import org.sacip.agent.handover.HandoverView;
import org.sacip.agent.peer.protocol.AssociationView;
import org.sacip.agent.peer.protocol.Bound;
import org.sacip.agent.peer.protocol.DropReason;
import org.sacip.agent.peer.protocol.EngineView;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionTuple;
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
        kicks.put("unknown", kick.unknown());
        kicks.put("unsupported", kick.unsupported());
        kicks.put("failed", kick.failed());
        Runtime runtime = Runtime.getRuntime();
        return new StatusView(AgentMain.VERSION, agent.started().toString(),
                Duration.between(agent.started(), now).toSeconds(), addresses, handover.ghosts().size(),
                handover.sessions().size(), engine.lineages().size(), handover.moves(), handover.restores(), drops,
                agent.protocol().drops().total(), agent.sender().sent(), unsent, bounds,
                runtime.totalMemory() - runtime.freeMemory(), runtime.maxMemory(), pathMtu, kicks);
    }

    @Override
    public List<SessionRow> sessions() {
        EngineView engine = agent.protocol().view();
        List<SessionRow> rows = new ArrayList<>();
        for (HandoverView.Row row : agent.handover().view().sessions()) {
            SessionTuple tuple = row.tuple();
            Remapping remapping = row.remapping();
            String key = row.lineage().orElse(null);
            String binding = row.lineage().isPresent() ? "bound"
                    : row.unboundBecause().orElse(engine.unbound().getOrDefault(tuple, "unknown"));
            rows.add(new SessionRow(tuple.protocol().text(), tuple.local().toString(),
                    tuple.remote().toString(), new Endpoint(remapping.activeLocal(), tuple.local().port()).toString(),
                    new Endpoint(remapping.sendFrom(), tuple.local().port()).toString(),
                    new Endpoint(remapping.activeRemote(), tuple.remote().port()).toString(), row.state(),
                    row.since().toString(), AddressText.of(tuple.remote().address()), key, binding));
        }
        rows.sort(Comparator.comparing(SessionRow::local).thenComparing(SessionRow::remote));
        return rows;
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
                    v.roundTrip().map(d -> d.toNanos() / 1e6).orElse(null)));
        }
        return rows;
    }

    @Override
    public List<GhostRow> ghosts() {
        List<GhostRow> rows = new ArrayList<>();
        for (Ghost ghost : agent.handover().view().ghosts()) {
            rows.add(new GhostRow(AddressText.of(ghost.address()),
                    ghost.active() ? GhostState.ACTIVE : GhostState.STANDBY, ghost.holders().size()));
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
