package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.InitiationTieBreak;
import org.sacip.protocol.handshake.InitiatorCompletion;
import org.sacip.protocol.handshake.PendingHandshake;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a lineage's keys (PROTOCOL.md 6.6): renewal under the old key while the lineage holds sessions,
 * the old key's grace period, expiry at 24 hours, and erasure of a lineage left without sessions for key-idle-keep.
 * A recorded REKEY replayed is dropped; a renewal we yield to the peer's is rescheduled; refusals only lengthen the
 * pause after a renewal failed. Engine thread only.
 */
final class KeyRenewal {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRenewal.class);
    /** Renewals of one key we answer at once; more (replayed REKEYs) are dropped. */
    static final int MAX_PENDING_RENEWALS = 4;

    /** What happens when a lineage goes. */
    interface Listener {
        void erased(Association association, String why);

        /** The lineage has a new key. */
        default void renewed(Association association) {
        }
    }

    private final EngineContext ctx;
    private final KeyAgreement agreement;
    private final Listener listener;
    /** Renewals run over current addresses, which change with moves: they are found by their initiator nonce. */
    private final Map<Octets, Renewal> renewals = new HashMap<>();
    private final Map<Octets, Responding> renewalsAnswered = new HashMap<>();

    KeyRenewal(EngineContext ctx, KeyAgreement agreement, Listener listener) {
        this.ctx = ctx;
        this.agreement = agreement;
        this.listener = listener;
    }

    /** Arms the renewal and expiry timers of the lineage's current key; a key past its time acts at once. */
    void schedule(Association association) {
        if (ctx.closed) {
            return;
        }
        AssociationKey key = association.keys.current;
        cancel(association.keys.renewalTimer);
        cancel(association.keys.expiryTimer);
        association.keys.renewalTimer = ctx.loop.schedule(until(KeyLifetime.renewalStart(key.role, key.established,
                ctx.random)), () -> renewalDue(association, key));
        association.keys.expiryTimer = ctx.loop.schedule(until(KeyLifetime.expiry(key.established)),
                () -> expire(association, key));
        idleChanged(association);
    }

    /**
     * The lineage's session count changed: without sessions it is erased after key-idle-keep (a new connection to a
     * known peer meanwhile is covered at once); with sessions the countdown stops.
     */
    void idleChanged(Association association) {
        cancel(association.keys.idleErasure);
        association.keys.idleErasure = null;
        if (association.boundSessions > 0 || ctx.closed) {
            association.idleSince = null;
            return;
        }
        if (association.idleSince == null) {
            association.idleSince = ctx.now();
        }
        association.keys.idleErasure = ctx.loop.schedule(until(association.idleSince.plus(ctx.limits.keyIdleKeep())),
                () -> {
                    if (isLive(association) && association.boundSessions == 0) {
                        erase(association, "no session for " + ctx.limits.keyIdleKeep().toMinutes() + " min");
                    }
                });
    }

    private Duration until(Instant when) {
        Duration wait = Duration.between(ctx.now(), when);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    private boolean isLive(Association association) {
        return !ctx.closed && ctx.associations.byLineage(association.lineage) == association;
    }

    private void renewalDue(Association association, AssociationKey key) {
        if (!isLive(association) || association.keys.current != key || association.keys.renewal != null) {
            return;
        }
        if (association.boundSessions == 0) {
            // Nothing to keep alive: the key runs out (or goes idle) instead of being renewed for nobody.
            return;
        }
        if (association.keys.pendingRenewals > 0) {
            // The peer is renewing this key right now; look again when its pending handshake is over.
            association.keys.renewalTimer = ctx.loop.schedule(KeyAgreement.PENDING_HANDSHAKE_LIFETIME,
                    () -> renewalDue(association, key));
            return;
        }
        startRenewal(association);
    }

    /** REKEY under the current key, over the lineage's current addresses; the new key keeps the original ones. */
    private void startRenewal(Association association) {
        AssociationKey key = association.keys.current;
        AddressPair path = association.currentPath();
        HandshakeInitiator initiator = HandshakeInitiator.renewal(key.keys, key.role, path, ctx.keyPairs.nextNonce(),
                ctx.keyPairs.nextKeyPair());
        Renewal renewal = new Renewal(association, key, path, initiator);
        association.keys.renewal = renewal;
        renewals.put(initiator.nonce(), renewal);
        Envelope outgoing = ctx.toPeer(association, path.local(), path.peer());
        Rekey rekey = initiator.rekey(outgoing);
        byte[] octets = outgoing.encode(rekey);
        LOG.info("renewing key {} with {} (over {} -> {})", key.id(), association.peerOriginal(), path.local(),
                outgoing.destination());
        renewal.retransmission = Retransmission.start(ctx, RetransmitPolicy.HANDSHAKE,
                () -> ctx.sendEncoded(octets, rekey, outgoing), () -> renewalFailed(renewal));
    }

    /** Our renewal is over without a new key: the old one stays, and we try again after a pause. */
    private void renewalFailed(Renewal renewal) {
        if (!abandonRenewal(renewal)) {
            return;
        }
        Association association = renewal.association;
        if (isLive(association) && association.keys.current == renewal.renewing) {
            Duration pause = renewal.refusalHeard == RefusalReason.NOT_ALLOWED ? KeyAgreement.RETRY_AFTER_NOT_ALLOWED
                    : KeyAgreement.RETRY_AFTER_FAILED_HANDSHAKE;
            LOG.info("renewal of key {} with {} failed ({}); next attempt in {} s", renewal.renewing.id(),
                    association.peerOriginal(), renewal.refusalHeard == null ? "no answer"
                            : "refused: " + renewal.refusalHeard, pause.toSeconds());
            cancel(association.keys.renewalTimer);
            association.keys.renewalTimer = ctx.loop.schedule(pause, () -> renewalDue(association,
                    renewal.renewing));
            if (renewal.refusalHeard == RefusalReason.UNKNOWN_KEY) {
                agreement.peerLostKey(association);
            }
        }
    }

    private boolean abandonRenewal(Renewal renewal) {
        if (renewal.association.keys.renewal != renewal) {
            return false;
        }
        renewal.abandon();
        renewals.remove(renewal.initiator.nonce());
        renewal.association.keys.renewal = null;
        return true;
    }

    /** A REFUSAL naming our renewal: a hint for the pause after it fails, never a verdict (section 9). */
    boolean refusalHeard(Refusal refusal, SacipAddress source) {
        Renewal renewal = renewals.get(refusal.echo());
        if (renewal == null || !source.equals(renewal.path.peer())) {
            return false;
        }
        renewal.refusalHeard = refusal.reason();
        return true;
    }

    /** @return false when the INIT_REPLY answers no renewal of ours */
    boolean onInitReply(InitReply reply, Arrival arrival)
            throws SacipProtocolException {
        SacipAddress source = arrival.source();
        SacipAddress destination = arrival.localAddress();
        Renewal renewal = renewals.get(reply.initiatorNonce());
        if (renewal == null) {
            return false;
        }
        InitiatorCompletion completion = renewal.initiator.onInitReply(reply, arrival);
        Association association = renewal.association;
        abandonRenewal(renewal);
        if (!isLive(association) || association.keys.current != renewal.renewing) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "INIT_REPLY for the renewal of a key no longer in use");
        }
        rekeyed(association, completion.keys(), Role.INITIATOR);
        association.keys.answeredReply = reply;
        association.keys.confirm = completion.confirm();
        association.keys.confirmEnvelope = arrival.answer();
        ctx.send(completion.confirm(), arrival.answer());
        return true;
    }

    /** The peer's renewal request (6.6): its MAC under the current key replaces the cookie. */
    void onRekey(Rekey rekey, Arrival arrival) throws SacipProtocolException, Drop {
        SacipAddress source = arrival.source();
        Association association = ctx.associations.byKeyId(rekey.keyId());
        if (association == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY, "key id " + rekey.keyId());
        }
        AssociationKey key = association.keys.current;
        if (!key.id().equals(rekey.keyId())) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY,
                    "REKEY of key " + rekey.keyId() + ", which was renewed already");
        }
        // The MAC first: nothing below happens for a message the key did not sign.
        MessageAuthenticator.verify(rekey, key.keys.receivingKey(key.role), arrival.envelope());
        if (!association.isPeerAddress(source)) {
            throw new SacipProtocolException(SacipProtocolException.Reason.WRONG_ADDRESS, "REKEY from " + source
                    + ", the peer is at " + association.peer.current);
        }
        association.lastHeard = ctx.now();
        association.lastUsed = ctx.now();
        Responding answered = renewalsAnswered.get(rekey.initiatorNonce());
        if (answered != null) {
            answered.retransmission.transmitOnce();
            return;
        }
        if (association.keys.seenRekeyNonces.contains(rekey.initiatorNonce())) {
            throw new SacipProtocolException(SacipProtocolException.Reason.STALE_SEQUENCE,
                    "REKEY nonce seen before for key " + key.id() + " (replay)");
        }
        Renewal own = association.keys.renewal;
        if (own != null) {
            Octets ownNonce = own.initiator.nonce();
            if (InitiationTieBreak.localContinues(ownNonce, rekey.initiatorNonce())) {
                throw new SacipProtocolException(SacipProtocolException.Reason.LOST_TIE_BREAK,
                        "our renewal with " + association.peerOriginal() + " has the larger nonce");
            }
            abandonRenewal(own);
            if (!InitiationTieBreak.localYields(ownNonce, rekey.initiatorNonce())) {
                // Equal nonces: both sides start again with fresh ones.
                startRenewal(association);
                return;
            }
            // We yield to the peer's renewal; if it never completes, ours runs again.
            cancel(association.keys.renewalTimer);
            association.keys.renewalTimer = ctx.loop.schedule(KeyAgreement.PENDING_HANDSHAKE_LIFETIME,
                    () -> renewalDue(association, key));
        }
        if (association.keys.pendingRenewals >= MAX_PENDING_RENEWALS) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    MAX_PENDING_RENEWALS + " renewals of key " + key.id() + " wait already");
        }
        if (!agreement.handshakeBudget(ctx.now())) {
            throw Drop.busy("handshake budget spent");
        }
        association.keys.rememberRekeyNonce(rekey.initiatorNonce());
        PendingHandshake pending = agreement.responder().onRekey(rekey, key.keys, key.role,
                arrival);
        Responding responding = new Responding(rekey.initiatorNonce(), pending, association, key);
        renewalsAnswered.put(rekey.initiatorNonce(), responding);
        association.keys.pendingRenewals++;
        byte[] reply = pending.replyEnvelope().encode(pending.reply());
        responding.retransmission = Retransmission.start(ctx, RetransmitPolicy.INIT_REPLY,
                () -> ctx.sendEncoded(reply, pending.reply(), pending.replyEnvelope()), () -> { });
        // A replayed REKEY ends here: its sender cannot confirm, and nothing stays beyond this.
        responding.expiry = ctx.loop.schedule(KeyAgreement.PENDING_HANDSHAKE_LIFETIME,
                () -> forgetRenewalAnswered(responding));
    }

    /** @return false when the INIT_CONFIRM confirms no renewal we answered */
    boolean onInitConfirm(InitConfirm confirm, Arrival arrival)
            throws SacipProtocolException {
        Responding responding = renewalsAnswered.get(confirm.initiatorNonce());
        if (responding == null) {
            return false;
        }
        SessionKeys keys = responding.pending.onConfirm(confirm, arrival);
        Association association = responding.renewed;
        forgetRenewalAnswered(responding);
        if (!isLive(association) || association.keys.current != responding.renewedKey) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "INIT_CONFIRM for the renewal of a key no longer in use");
        }
        rekeyed(association, keys, Role.RESPONDER);
        return true;
    }

    private void forgetRenewalAnswered(Responding responding) {
        if (renewalsAnswered.remove(responding.initiatorNonce, responding)) {
            responding.drop();
            responding.renewed.keys.pendingRenewals--;
        }
    }

    private void forgetRenewalsAnswered(Association association) {
        List.copyOf(renewalsAnswered.values()).stream().filter(r -> r.renewed == association)
                .forEach(this::forgetRenewalAnswered);
    }

    /**
     * The lineage's new key, bound to its original addresses: our numbers go on, the peer's accepted updates start
     * afresh under it, and the old key verifies incoming messages for {@link KeyLifetime#GRACE} more.
     */
    private void rekeyed(Association association, SessionKeys keys, Role role) {
        AssociationKey old = association.keys.current;
        if (association.keys.renewal != null) {
            abandonRenewal(association.keys.renewal);
        }
        // Other answered REKEYs of the old key would derive from a secret that is now spent.
        forgetRenewalsAnswered(association);
        if (association.keys.previous != null) {
            ctx.associations.forgetKey(association, association.keys.previous.id());
        }
        cancel(association.keys.previousErasure);
        association.keys.previous = old;
        association.keys.current = new AssociationKey(keys, role, ctx.now(), java.util.Optional.empty());
        association.keys.answeredReply = null;
        association.keys.confirm = null;
        association.keys.confirmEnvelope = null;
        association.keys.seenRekeyNonces.clear();
        association.lastUsed = ctx.now();
        ctx.associations.indexKey(association, keys.keyId());
        association.keys.previousErasure = ctx.loop.schedule(KeyLifetime.GRACE, () -> {
            if (association.keys.previous == old) {
                association.keys.previous = null;
                ctx.associations.forgetKey(association, old.id());
                LOG.debug("key {} with {} erased after its grace period", old.id(), association.peerOriginal());
            }
        });
        schedule(association);
        ctx.persistence.soon();
        LOG.info("key {} with {} from {} renewed as {} (new key {})", old.id(), association.peerOriginal(),
                association.localOriginal(), role, keys.keyId());
        ctx.changes.lineage(association, null);
        listener.renewed(association);
    }

    /** 24 hours without renewal: the key is erased; the data path keeps its rewriting, but nothing moves any more. */
    private void expire(Association association, AssociationKey key) {
        if (!isLive(association) || association.keys.current != key) {
            return;
        }
        erase(association, "reached " + KeyLifetime.LIFETIME.toHours() + " h without renewal");
    }

    /** Removes a lineage: its sessions keep their rewriting but are bound to no key any more. */
    void erase(Association association, String why) {
        if (!isLive(association)) {
            return;
        }
        association.stopTimers();
        if (association.keys.renewal != null) {
            abandonRenewal(association.keys.renewal);
        }
        forgetRenewalsAnswered(association);
        ctx.associations.remove(association);
        LOG.info("key {} with {} from {} erased: {}", association.keys.current.id(), association.peerOriginal(),
                association.localOriginal(), why);
        listener.erased(association, why);
        ctx.persistence.soon();
    }

    void close() {
        renewals.values().forEach(Renewal::abandon);
        renewalsAnswered.values().forEach(Responding::drop);
    }

    private static void cancel(EngineLoop.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }
}
