package org.sacip.agent.daemon;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sacip.agent.control.ControlApi;
import org.sacip.agent.control.ControlException;
import org.sacip.agent.control.FlushResult;
import org.sacip.agent.control.GhostRow;
import org.sacip.agent.control.PeerRow;
import org.sacip.agent.control.SessionRow;
import org.sacip.agent.control.StatusView;
import org.sacip.agent.datapath.DataPathException;
import org.sacip.agent.datapath.Endpoint;
import org.sacip.agent.datapath.Ghost;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.datapath.SessionTuple;
import org.sacip.agent.handover.PeerDirectory;
import org.sacip.agent.handover.PeerPath;
import org.sacip.agent.handover.SessionBook;
import org.sacip.agent.peer.protocol.DropReason;
import org.sacip.agent.peer.protocol.SessionView;

/**
 * The control socket's answers, read from thread-safe snapshots of the running agent. The peer list needs the
 * engine thread; it waits at most a short while for it, so a flooded engine cannot make the socket hang.
 */
final class AgentControl implements ControlApi {
    private static final Duration ENGINE_WAIT = Duration.ofMillis(500);

    private final Agent agent;

    AgentControl(Agent agent) {
        this.agent = agent;
    }

    @Override
    public StatusView status() {
        Instant now = Instant.now();
        List<StatusView.ManagedAddress> addresses = new ArrayList<>();
        agent.usableAddresses().forEach((address, name) -> addresses.add(new StatusView.ManagedAddress(
                AddressText.of(address), name)));
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            drops.put(reason.name(), agent.protocol().drops().count(reason));
        }
        Set<InetAddress> peers = new HashSet<>();
        agent.peers().snapshot().keySet().forEach(path -> peers.add(path.peer()));
        return new StatusView(AgentMain.VERSION, agent.started().toString(),
                Duration.between(agent.started(), now).toSeconds(), addresses, agent.dataPath().ghosts().size(),
                agent.book().size(), peers.size(), agent.handover().moves(), agent.dataPath().restoreCount(), drops,
                agent.protocol().drops().total());
    }

    @Override
    public List<SessionRow> sessions() {
        Map<SessionTuple, Remapping> remappings = agent.dataPath().remappings();
        List<SessionRow> rows = new ArrayList<>();
        for (SessionBook.Entry entry : agent.book().all()) {
            SessionTuple tuple = entry.tuple();
            Remapping remapping = remappings.get(tuple);
            InetAddress activeLocal = remapping == null ? tuple.local().address() : remapping.activeLocal();
            InetAddress activeRemote = remapping == null ? tuple.remote().address() : remapping.activeRemote();
            rows.add(new SessionRow(tuple.protocol().name().toLowerCase(java.util.Locale.ROOT),
                    tuple.local().toString(), tuple.remote().toString(),
                    new Endpoint(activeLocal, tuple.local().port()).toString(),
                    new Endpoint(activeRemote, tuple.remote().port()).toString(), entry.state().wireName(),
                    entry.since().toString(), AddressText.of(entry.peer())));
        }
        return rows;
    }

    @Override
    public List<PeerRow> peers() {
        Map<PeerPath, SessionView> views = new LinkedHashMap<>();
        try {
            for (SessionView view : agent.protocol().sessions().get(ENGINE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                views.put(PeerPath.of(view.localOriginal(), view.peerOriginal()), view);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The engine is busy: list what the directory knows, without the engine's figures.
        }
        Instant now = Instant.now();
        List<PeerRow> rows = new ArrayList<>();
        Map<PeerPath, PeerDirectory.Entry> known = new LinkedHashMap<>(agent.peers().snapshot());
        views.keySet().forEach(path -> known.putIfAbsent(path, null));
        List<PeerPath> paths = new ArrayList<>(known.keySet());
        paths.sort(Comparator.comparing((PeerPath p) -> AddressText.of(p.peer()))
                .thenComparing(p -> AddressText.of(p.local())));
        for (PeerPath path : paths) {
            PeerDirectory.Entry entry = known.get(path);
            SessionView view = views.get(path);
            String capability = view != null ? "sacip-v1" : entry == null ? "unknown"
                    : entry.capability().wireName();
            Long keyAge = entry == null ? null : entry.keyAgreed().map(t -> Duration.between(t, now).toSeconds())
                    .orElse(null);
            rows.add(new PeerRow(AddressText.of(path.peer()), AddressText.of(path.local()),
                    view == null ? AddressText.of(path.peer()) : AddressText.of(view.peerCurrent().toInetAddress()),
                    view == null ? AddressText.of(path.local()) : AddressText.of(view.localCurrent().toInetAddress()), capability,
                    view == null ? null : view.keyId().toHex(), keyAge,
                    view == null ? 0 : view.lastSequenceSent(), view == null ? 0 : view.lastSequenceReceived(),
                    view == null ? null : view.lastHeard().map(Instant::toString).orElse(null),
                    view == null ? null : view.roundTrip().map(d -> d.toNanos() / 1e6).orElse(null)));
        }
        return rows;
    }

    @Override
    public List<GhostRow> ghosts() {
        List<GhostRow> rows = new ArrayList<>();
        for (Ghost ghost : agent.dataPath().ghosts()) {
            rows.add(new GhostRow(AddressText.of(ghost.address()), ghost.active() ? "active" : "standby",
                    ghost.holders().size()));
        }
        return rows;
    }

    @Override
    public FlushResult flush() throws ControlException {
        try {
            int[] removed = agent.handover().flush();
            return new FlushResult(removed[0], removed[1]);
        } catch (DataPathException e) {
            throw new ControlException("flush failed: " + e.getMessage(), e);
        }
    }
}
