package org.sacip.agent.handover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.control.SessionState;

/** Every branch of what the data path must do for one session. */
class HandoverPlannerTest {
    private static final InetAddress X = ip("198.18.1.2");
    private static final InetAddress Y = ip("198.18.2.2");
    private static final InetAddress B = ip("198.18.10.2");
    private static final InetAddress B2 = ip("198.18.11.2");
    private static final SessionTuple SESSION = new SessionTuple(SessionProtocol.TCP, new Endpoint(X, 40000),
            new Endpoint(B, 22));

    @Test
    void boundAndNeverMovedIsTheOriginalTuple() {
        HandoverPlanner.Desired desired = HandoverPlanner.desired(SESSION, null,
                new HandoverPlanner.LineageState(X, B, B, false), null, null);
        assertTrue(desired.remapping().isIdentity());
        assertEquals(SessionState.BOUND, desired.state());
    }

    @Test
    void ourMoveAnnouncedReceivesAtTheNewAddressAndSendsFromTheConfirmedOne() {
        HandoverPlanner.Desired desired = HandoverPlanner.desired(SESSION, Y,
                new HandoverPlanner.LineageState(X, B, B, false), null, null);
        assertEquals(new Remapping(SESSION, Y, X, B), desired.remapping());
        assertEquals(SessionState.PENDING, desired.state());
    }

    @Test
    void ourMoveConfirmedSendsFromTheNewAddress() {
        HandoverPlanner.Desired desired = HandoverPlanner.desired(SESSION, Y,
                new HandoverPlanner.LineageState(Y, B, B, false), null, null);
        assertEquals(new Remapping(SESSION, Y, Y, B), desired.remapping());
        assertEquals(SessionState.ACTIVE, desired.state());
    }

    @Test
    void thePeersMoveAloneRewritesOnlyTheRemoteAddress() {
        HandoverPlanner.Desired desired = HandoverPlanner.desired(SESSION, null,
                new HandoverPlanner.LineageState(X, B, B2, false), null, null);
        assertEquals(new Remapping(SESSION, X, X, B2), desired.remapping());
        assertEquals(SessionState.ACTIVE, desired.state());
    }

    @Test
    void aRefusedMoveKeepsTheConfirmedAddressAndStillFollowsThePeer() {
        HandoverPlanner.Desired desired = HandoverPlanner.desired(SESSION, Y,
                new HandoverPlanner.LineageState(X, B, B2, true), null, null);
        assertEquals(new Remapping(SESSION, X, X, B2), desired.remapping());
        assertEquals(SessionState.REFUSED, desired.state());
    }

    @Test
    void aReturnHomeWaitingForThePeerSendsFromWhereItKnowsUs() {
        HandoverPlanner.Desired desired = HandoverPlanner.desired(SESSION, X,
                new HandoverPlanner.LineageState(Y, B, B, false), null, null);
        assertEquals(new Remapping(SESSION, X, Y, B), desired.remapping());
        assertEquals(SessionState.PENDING, desired.state());
    }

    @Test
    void unboundAndMovedKeepsTheOldAddressThroughTheGhost() {
        HandoverPlanner.Desired desired = HandoverPlanner.desired(SESSION, Y, null, null, null);
        assertTrue(desired.remapping().isIdentity());
        assertEquals(SessionState.LEGACY, desired.state());
        assertTrue(HandoverPlanner.ghostActive(X, Y, false));
    }

    @Test
    void aMoveForARouteChangeKeepsTheGhostStandbyWhileTheAddressIsStillThere() {
        assertFalse(HandoverPlanner.ghostActive(X, Y, true), "X still serves new connections on its interface");
        assertTrue(HandoverPlanner.ghostActive(X, Y, false), "once X left, only its sessions reach it");
    }

    @Test
    void unboundButRemappedIsFrozenAsItIs() {
        Remapping committed = new Remapping(SESSION, Y, Y, B2);
        HandoverPlanner.Desired desired = HandoverPlanner.desired(SESSION, Y, null, null, committed);
        assertEquals(committed, desired.remapping());
        assertEquals(SessionState.FROZEN, desired.state());
    }

    @Test
    void unboundAndHomeIsUnbound() {
        HandoverPlanner.Desired desired = HandoverPlanner.desired(SESSION, null, null, null, null);
        assertTrue(desired.remapping().isIdentity());
        assertEquals(SessionState.UNBOUND, desired.state());
        assertFalse(HandoverPlanner.ghostActive(X, null, false));
        assertFalse(HandoverPlanner.ghostActive(X, X, true), "back home: the ghost is standby again");
    }

    /** B's side of a session A opened from X:40000 behind a NAT that B's socket knows as N:61000. */
    private static final InetAddress N = ip("198.19.0.1");
    private static final SessionTuple THROUGH_NAT = new SessionTuple(SessionProtocol.TCP, new Endpoint(B, 22),
            new Endpoint(N, 61000));
    private static final Endpoint PEER_OWN = new Endpoint(X, 40000);

    @Test
    void aPeerStillBehindItsNatIsOnTheTupleOurSocketKnows() {
        HandoverPlanner.Desired desired = HandoverPlanner.desired(THROUGH_NAT, null,
                new HandoverPlanner.LineageState(B, X, X, false), PEER_OWN, null);
        assertTrue(desired.remapping().isIdentity(), desired.remapping().toString());
        assertEquals(SessionState.BOUND, desired.state());
    }

    @Test
    void aPeerThatLeftItsNatIsReachedAtItsOwnPortWhereItIsNow() {
        HandoverPlanner.Desired desired = HandoverPlanner.desired(THROUGH_NAT, null,
                new HandoverPlanner.LineageState(B, X, Y, false), PEER_OWN, null);
        assertEquals(new Remapping(THROUGH_NAT, B, B, Y, 40000), desired.remapping());
        assertEquals(SessionState.ACTIVE, desired.state());
    }

    @Test
    void aPeerBackBehindItsNatIsOnTheSocketsTupleAgain() {
        Remapping away = new Remapping(THROUGH_NAT, B, B, Y, 40000);
        HandoverPlanner.Desired desired = HandoverPlanner.desired(THROUGH_NAT, null,
                new HandoverPlanner.LineageState(B, X, X, false), PEER_OWN, away);
        assertTrue(desired.remapping().isIdentity(), desired.remapping().toString());
    }

    @Test
    void ourMoveBehindANatKeepsSendingFromTheOriginalUntilTheTunnelIsUp() {
        HandoverPlanner.Desired waiting = HandoverPlanner.desired(SESSION, Y,
                new HandoverPlanner.LineageState(Y, B, B, false, true, false, false), null, null);
        assertEquals(new Remapping(SESSION, Y, X, B), waiting.remapping(), "make-before-break: X until the tunnel");
        assertEquals(SessionState.PENDING, waiting.state());
        HandoverPlanner.Desired carried = HandoverPlanner.desired(SESSION, Y,
                new HandoverPlanner.LineageState(Y, B, B, false, true, false, true), null, null);
        assertEquals(Remapping.carried(SESSION), carried.remapping());
        assertEquals(SessionState.ACTIVE, carried.state());
    }

    @Test
    void aPeerBehindANatIsOnTheSocketsTupleUntilTheTunnelIsUpThenCarried() {
        HandoverPlanner.Desired waiting = HandoverPlanner.desired(THROUGH_NAT, null,
                new HandoverPlanner.LineageState(B, X, Y, false, false, true, false), PEER_OWN, null);
        assertTrue(waiting.remapping().isIdentity(), "never rewritten to a private address");
        HandoverPlanner.Desired carried = HandoverPlanner.desired(THROUGH_NAT, null,
                new HandoverPlanner.LineageState(B, X, Y, false, false, true, true), PEER_OWN, null);
        assertEquals(Remapping.carried(THROUGH_NAT), carried.remapping());
    }

    @Test
    void aSessionThatWentThroughTheTunnelStaysThereWhenItsHostComesHome() {
        // Back at X (movedTo is the original), neither host translated any more: the router that did not see the
        // session's packets while they were carried would drop them on the direct path.
        HandoverPlanner.Desired home = HandoverPlanner.desired(SESSION, X,
                new HandoverPlanner.LineageState(X, B, B, false, false, false, true), null, null);
        assertEquals(Remapping.carried(SESSION), home.remapping());
        assertEquals(SessionState.ACTIVE, home.state());
        HandoverPlanner.Desired peerHome = HandoverPlanner.desired(THROUGH_NAT, null,
                new HandoverPlanner.LineageState(B, X, X, false, false, false, true), PEER_OWN, null);
        assertEquals(Remapping.carried(THROUGH_NAT), peerHome.remapping());
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
