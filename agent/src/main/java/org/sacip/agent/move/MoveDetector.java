package org.sacip.agent.move;

import java.net.InetAddress;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The move state of each original address: which address its sessions use now (after X→Y→Z still keyed by X),
 * and which moves still wait for a usable source. Turns usable-address changes into {@link MoveTrigger}s. Pure
 * logic; not thread-safe.
 */
public final class MoveDetector {
    private record Active(InetAddress active, int interfaceIndex) {
    }

    private record Pending(MoveTrigger trigger, Set<InetAddress> donePeers) {
    }

    private final Map<InetAddress, Active> active = new LinkedHashMap<>();
    private final Map<InetAddress, Pending> pending = new LinkedHashMap<>();

    /**
     * An address stopped being usable. The trigger names the original address of the sessions involved: the lost
     * address itself, or the original of a move whose active address it was (a chained move). The caller checks
     * for sessions and calls {@link #forget} if there are none.
     */
    public MoveTrigger addressLost(AddressChange.Lost lost, Instant seenAt) {
        InetAddress original = active.entrySet().stream()
                .filter(entry -> entry.getValue().active().equals(lost.address()))
                .map(Map.Entry::getKey).findFirst().orElse(lost.address());
        MoveTrigger trigger = MoveTrigger.loss(original, lost.address(), lost.interfaceIndex(), lost.cause(), seenAt);
        pending.put(original, new Pending(trigger, new HashSet<>()));
        return trigger;
    }

    /**
     * An address became usable. If it is the original of a move, that move returns home (the trigger); a move
     * still waiting for a source simply stops waiting, since its sessions never left.
     */
    public Optional<MoveTrigger> addressUsable(AddressChange.Usable usable, Instant seenAt) {
        InetAddress address = usable.address();
        pending.remove(address);
        Active moved = active.get(address);
        if (moved == null) {
            return Optional.empty();
        }
        return Optional.of(MoveTrigger.home(address, moved.active(), usable.interfaceIndex(), seenAt));
    }

    /** Moves that still wait for a usable source for some of their peers, oldest first. */
    public List<MoveTrigger> pending() {
        return pending.values().stream().map(Pending::trigger).toList();
    }

    /** Whether a move of {@code original} waits for a usable source. */
    public boolean isPending(InetAddress original) {
        return pending.containsKey(original);
    }

    /** Peers of a pending move that already got a plan. */
    public Set<InetAddress> plannedPeers(InetAddress original) {
        Pending waiting = pending.get(original);
        return waiting == null ? Set.of() : Set.copyOf(waiting.donePeers());
    }

    /** Records a plan the caller is carrying out. */
    public void planned(MovePlan plan) {
        if (plan.kind() == MoveKind.RETURN_HOME) {
            active.remove(plan.original());
            pending.remove(plan.original());
            return;
        }
        active.put(plan.original(), new Active(plan.newActive(), plan.interfaceIndex()));
        Pending waiting = pending.get(plan.original());
        if (waiting != null) {
            plan.peers().forEach(group -> waiting.donePeers().add(group.peer()));
        }
    }

    /**
     * After a restart: the sessions of {@code original} already use {@code activeAddress} (from the agent's saved
     * state), so a later loss of that address is a chained move and a return of {@code original} a return home.
     */
    public void resume(InetAddress original, InetAddress activeAddress, int interfaceIndex) {
        active.put(original, new Active(activeAddress, interfaceIndex));
    }

    /** Every peer of the move has a plan: stop waiting. */
    public void settled(InetAddress original) {
        pending.remove(original);
    }

    /** The original address has no sessions left: drop all state about it. */
    public void forget(InetAddress original) {
        pending.remove(original);
        active.remove(original);
    }

    /** The address the sessions of {@code original} use now, if they moved. */
    public Optional<InetAddress> activeAddress(InetAddress original) {
        return Optional.ofNullable(active.get(original)).map(Active::active);
    }
}
