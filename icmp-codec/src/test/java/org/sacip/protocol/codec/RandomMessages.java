package org.sacip.protocol.codec;

import java.util.Random;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.AddressUpdate;
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
import org.sacip.protocol.message.UpdateAck;

/** Messages with random field values from a seeded java.util.Random, for round trips and fixtures. */
public final class RandomMessages {
    private final Random random;

    public RandomMessages(Random random) {
        this.random = random;
    }

    public Octets octets(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return Octets.of(b);
    }

    public SacipAddress address(AddressFamily family) {
        byte[] b = new byte[family.addressLength()];
        random.nextBytes(b);
        return SacipAddress.of(family, b);
    }

    public AddressFamily family() {
        return random.nextBoolean() ? AddressFamily.IPV4 : AddressFamily.IPV6;
    }

    public long sequence() {
        long s = random.nextLong();
        return s == 0 ? 1 : s;
    }

    public SacipMessage any() {
        MessageKind[] kinds = MessageKind.values();
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
            default:
                throw new IllegalArgumentException(kind.toString());
        }
    }
}
