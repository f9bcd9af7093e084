package org.sacip.protocol.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimProtocol;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.TunnelAccept;
import org.sacip.protocol.message.TunnelOpen;
import org.sacip.protocol.message.UpdateAck;

/** Messages with random field values from a seeded java.util.Random, for round trips and fixtures. */
public final class RandomMessages {
    /** The outer addresses a message can travel between and still be well formed. */
    public record Outer(SacipAddress source, SacipAddress destination) {
    }

    private final Random random;

    public RandomMessages(Random random) {
        this.random = random;
    }

    public Octets octets(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return Octets.of(b);
    }

    /** A random unicast host address (the only kind a well-formed message carries). */
    public SacipAddress address(AddressFamily family) {
        while (true) {
            byte[] b = new byte[family.addressLength()];
            random.nextBytes(b);
            SacipAddress address = SacipAddress.of(family, b);
            if (address.isUnicastHost()) {
                return address;
            }
        }
    }

    /** Random outer addresses that suit {@code message}: an update comes from its current address, a claim
     * travels over the family of its sessions. */
    public Outer outerFor(SacipMessage message) {
        if (message instanceof AddressUpdate u) {
            return new Outer(u.currentAddress(), address(u.currentAddress().family()));
        }
        AddressFamily family = message instanceof Claim c ? c.holderAddress().family()
                : message instanceof ClaimReply r ? r.seenHolderAddress().family() : family();
        return new Outer(address(family), address(family));
    }

    private int port() {
        return 1 + random.nextInt(0xFFFF);
    }

    private int entries() {
        // Half of the messages at the boundaries 1 and 40, where mistakes hide.
        switch (random.nextInt(4)) {
            case 0:
                return 1;
            case 1:
                return MessageKind.MAX_ENTRIES;
            default:
                return 1 + random.nextInt(MessageKind.MAX_ENTRIES);
        }
    }

    private <E> E pick(E[] values) {
        return values[random.nextInt(values.length)];
    }

    public ClaimEntry claimEntry() {
        ClaimProtocol protocol = pick(ClaimProtocol.values());
        if (random.nextInt(4) == 0) {
            return ClaimEntry.withoutRecord(protocol, port(), port());
        }
        byte[] proof = octets(FieldLengths.CLAIM_PROOF).toByteArray();
        if (protocol == ClaimProtocol.TCP) {
            java.util.Arrays.fill(proof, ClaimEntry.TCP_PROOF_OCTETS, proof.length, (byte) 0);
        }
        return new ClaimEntry(protocol, Set.of(), port(), port(), Octets.of(proof));
    }

    public Claim claim(AddressFamily family) {
        List<ClaimEntry> list = new ArrayList<>();
        for (int i = entries(); i > 0; i--) {
            list.add(claimEntry());
        }
        return new Claim(octets(FieldLengths.KEY_ID), sequence(), address(family), address(family), list,
                octets(FieldLengths.MAC));
    }

    public ClaimReply claimReply(AddressFamily family) {
        List<ClaimReplyEntry> list = new ArrayList<>();
        for (int i = entries(); i > 0; i--) {
            list.add(new ClaimReplyEntry(pick(ClaimVerdict.values()), pick(ClaimProtocol.values()), port(), port(),
                    port()));
        }
        return new ClaimReply(octets(FieldLengths.KEY_ID), sequence(), address(family), list,
                octets(FieldLengths.MAC));
    }

    public AddressFamily family() {
        return random.nextBoolean() ? AddressFamily.IPV4 : AddressFamily.IPV6;
    }

    public long sequence() {
        long s = random.nextLong();
        return s == 0 ? 1 : s;
    }

    /** A message of any kind, UDP-only kinds included. */
    public SacipMessage any() {
        MessageKind[] kinds = MessageKind.values();
        return of(kinds[random.nextInt(kinds.length)]);
    }

    /** A message of a kind an ICMP message may carry. */
    public SacipMessage anyOverIcmp() {
        MessageKind[] kinds = GoldenMessages.icmpKinds().toArray(MessageKind[]::new);
        return of(kinds[random.nextInt(kinds.length)]);
    }

    public SacipMessage of(MessageKind kind) {
        AddressFamily family = family();
        switch (kind) {
            case HELLO:
                return new Hello(octets(FieldLengths.NONCE));
            case COOKIE:
                return new CookieReply(octets(FieldLengths.NONCE), octets(FieldLengths.COOKIE));
            case INIT:
                return new Init(octets(FieldLengths.NONCE), octets(FieldLengths.COOKIE), octets(FieldLengths.KEY_SHARE));
            case INIT_REPLY:
                return new InitReply(octets(FieldLengths.NONCE), octets(FieldLengths.NONCE),
                        octets(FieldLengths.KEY_SHARE), octets(FieldLengths.MAC));
            case INIT_CONFIRM:
                return new InitConfirm(octets(FieldLengths.NONCE), octets(FieldLengths.NONCE), octets(FieldLengths.MAC));
            case REKEY:
                return new Rekey(octets(FieldLengths.KEY_ID), octets(FieldLengths.NONCE),
                        octets(FieldLengths.KEY_SHARE), octets(FieldLengths.MAC));
            case ADDRESS_UPDATE:
                return new AddressUpdate(octets(FieldLengths.KEY_ID), sequence(), address(family), address(family),
                        octets(FieldLengths.MAC));
            case UPDATE_ACK:
                return new UpdateAck(octets(FieldLengths.KEY_ID), sequence(), address(family), address(family),
                        octets(FieldLengths.MAC));
            case PATH_CHALLENGE:
                return new PathChallenge(octets(FieldLengths.KEY_ID), octets(FieldLengths.CHALLENGE),
                        octets(FieldLengths.MAC));
            case PATH_RESPONSE:
                return new PathResponse(octets(FieldLengths.KEY_ID), octets(FieldLengths.CHALLENGE),
                        octets(FieldLengths.MAC));
            case REFUSAL:
                RefusalReason[] reasons = RefusalReason.values();
                return new Refusal(reasons[random.nextInt(reasons.length)], octets(FieldLengths.REFUSAL_ECHO));
            case CLAIM:
                return claim(family);
            case CLAIM_REPLY:
                return claimReply(family);
            case TUNNEL_OPEN:
                return new TunnelOpen(octets(FieldLengths.KEY_ID), octets(FieldLengths.NONCE),
                        octets(FieldLengths.MAC));
            case TUNNEL_ACCEPT:
                return new TunnelAccept(octets(FieldLengths.KEY_ID), octets(FieldLengths.NONCE),
                        octets(FieldLengths.NONCE), octets(FieldLengths.MAC));
            default:
                throw new IllegalArgumentException(kind.toString());
        }
    }
}
