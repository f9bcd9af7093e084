package org.sacip.agent.handover;

import java.net.InetAddress;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionTuple;
import org.sacip.control.SessionState;

/**
 * What the data path must do for one session, from what the agent knows: where our address went (our move), the key
 * lineage the session is bound to (where the peer is, what it confirmed of us), or why it is not bound. Pure: no I/O,
 * no clock; every branch is unit-tested.
 * <ul>
 * <li>Bound, the lineage's peer did not refuse our move: inbound packets may arrive at the address we moved to, we
 * send from the address the peer confirmed, to where the peer is (docs/DATAPATH.md: the peer's rewrite before our
 * outbound one).</li>
 * <li>Bound through a NAT that translated the peer (our socket knows the NAT's endpoint for it): on the socket's
 * own tuple while the peer is behind that NAT; once it moved to a direct address, to its own port there.</li>
 * <li>Bound, and we or the peer moved behind a NAT: carried through the lineage's tunnel once it is up, with the
 * socket's own tuple; until then on the old path (we keep sending from our original address).</li>
 * <li>Bound, the peer refused our last move: as without an agent for our side (we keep the confirmed address,
 * through the ghost), the peer's own move still followed.</li>
 * <li>Not bound, never remapped: no rewriting; the old address stays local through the ghost, as without an agent.
 * </li>
 * <li>Not bound any more but remapped (its key was erased, or its binding was lost in a restart): the rewriting stays
 * as it is; nothing moves it again.</li>
 * </ul>
 * Every session holds the ghost of its local address: standby while the address is on an interface (a
 * make-before-break move loses no packet; a move for a route change keeps it so), active once it left.
 */
final class HandoverPlanner {
    private HandoverPlanner() {
    }

    /**
     * The state of a lineage as far as the data path cares. {@code ownTranslated}: we moved to an address where a NAT
     * translates us; {@code peerTranslated}: the peer did; either way the sessions can only go through the lineage's
     * tunnel, once it is up ({@code tunnelUp}). Once up, the tunnel carries them also when neither is translated any
     * more (a return home): the middleboxes of their direct path (a NAT, a stateful firewall) did not see their
     * packets meanwhile and would drop them as out of window.
     */
    record LineageState(InetAddress localConfirmed, InetAddress peerOriginal, InetAddress peerCurrent,
            boolean moveRefused, boolean ownTranslated, boolean peerTranslated, boolean tunnelUp) {

        LineageState(InetAddress localConfirmed, InetAddress peerOriginal, InetAddress peerCurrent,
                boolean moveRefused) {
            this(localConfirmed, peerOriginal, peerCurrent, moveRefused, false, false, false);
        }

        /** Whether the lineage's sessions go through its tunnel. */
        boolean carried() {
            return tunnelUp;
        }

        /** Whether the lineage's sessions need the tunnel: a host is translated, or they went through it already. */
        boolean needsTunnel() {
            return ownTranslated || peerTranslated || tunnelUp;
        }
    }

    /** What a session needs. */
    record Desired(Remapping remapping, SessionState state) {
    }

    /**
     * @param movedTo   the address our original address moved to ({@code null} when it did not move; the original
     *                  itself after a return home)
     * @param lineage   the session's lineage, {@code null} when it is not bound
     * @param peerOwn   for a session bound through a NAT that translates the peer, the endpoint the peer's own socket
     *                  uses; {@code null} otherwise
     * @param committed the session's remapping in the data path now, {@code null} when none
     */
    static Desired desired(SessionTuple session, InetAddress movedTo, LineageState lineage, Endpoint peerOwn,
            Remapping committed) {
        InetAddress original = session.local().address();
        boolean awayFromHome = movedTo != null && !movedTo.equals(original);
        if (lineage != null) {
            if (lineage.carried()) {
                return new Desired(Remapping.carried(session), SessionState.ACTIVE);
            }
            InetAddress activeLocal = lineage.moveRefused() ? lineage.localConfirmed()
                    : movedTo == null ? original : movedTo;
            // Behind a NAT without the tunnel yet, our packets keep leaving from where they did (make-before-break):
            // from the new address, the NAT would drop or re-map them.
            InetAddress sendFrom = lineage.ownTranslated() ? original : lineage.localConfirmed();
            Remapping remapping;
            if (lineage.peerTranslated()) {
                // The peer moved behind a NAT and the tunnel is not up: its old path as our socket knows it.
                remapping = new Remapping(session, activeLocal, sendFrom, session.remote().address());
            } else if (peerOwn == null) {
                remapping = new Remapping(session, activeLocal, sendFrom, lineage.peerCurrent());
            } else if (lineage.peerCurrent().equals(lineage.peerOriginal())) {
                // Still behind the NAT that translates it: the wire carries the tuple our socket knows.
                remapping = new Remapping(session, activeLocal, sendFrom, session.remote().address());
            } else {
                // It left that NAT: its packets carry its own port, from where it is now.
                remapping = new Remapping(session, activeLocal, sendFrom, lineage.peerCurrent(), peerOwn.port());
            }
            SessionState state;
            if (lineage.moveRefused() && awayFromHome) {
                state = SessionState.REFUSED;
            } else if (!activeLocal.equals(sendFrom)) {
                state = SessionState.PENDING;
            } else if (remapping.isIdentity()) {
                state = SessionState.BOUND;
            } else {
                state = SessionState.ACTIVE;
            }
            return new Desired(remapping, state);
        }
        if (committed != null && !committed.isIdentity()) {
            return new Desired(committed, SessionState.FROZEN);
        }
        return new Desired(Remapping.identity(session), awayFromHome ? SessionState.LEGACY : SessionState.UNBOUND);
    }

    /**
     * Whether the ghost of {@code original} must be active: the sessions moved to another address and the original
     * left its interface. While it is still there (a move for a route change) the ghost stays standby: the address
     * serves new connections as before.
     */
    static boolean ghostActive(InetAddress original, InetAddress movedTo, boolean originalInPlace) {
        return movedTo != null && !movedTo.equals(original) && !originalInPlace;
    }
}
