package org.sacip.agent.peer.protocol;

import java.util.List;
import org.sacip.agent.session.SessionTuple;

/** One CLAIM of ours waiting for its CLAIM_REPLY: its number, the sessions it names in order, its retransmission. */
final class OutstandingClaim {
    final long number;
    final List<SessionTuple> sessions;
    Retransmission retransmission;
    /** The claim as last sent, with the outer addresses its MAC covers (its reply must match them). */
    org.sacip.protocol.claim.SentClaim sent;

    /** When it was first sent: an answer from the peer after this shows the peer alive. */
    final java.time.Instant firstSent;

    /** Per session, whether the claim carried our record of its opening. */
    private final boolean[] withRecord;

    OutstandingClaim(long number, List<SessionTuple> sessions, List<org.sacip.protocol.message.ClaimEntry> entries,
            java.time.Instant firstSent) {
        this.number = number;
        this.sessions = List.copyOf(sessions);
        this.withRecord = new boolean[entries.size()];
        for (int i = 0; i < withRecord.length; i++) {
            withRecord[i] = entries.get(i).hasRecord();
        }
        this.firstSent = firstSent;
    }

    boolean sentWithRecord(int index) {
        return withRecord[index];
    }

    void cancel() {
        if (retransmission != null) {
            retransmission.cancel();
        }
    }
}
