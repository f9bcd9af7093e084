package org.sacip.protocol.codec;

import java.nio.ByteBuffer;
import org.sacip.protocol.codec.SacipCodecException.Reason;
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
import org.sacip.protocol.message.TunnelAccept;
import org.sacip.protocol.message.TunnelOpen;
import org.sacip.protocol.message.UpdateAck;

/**
 * Strict decoder of one ICMP message carrying SACIP of {@link WireFormat#VERSION}. Checks, in the order of
 * docs/PROTOCOL.md section 10: ICMP header present, outer address families equal and unicast, ICMP type and code,
 * SACIP header present, magic, version, kind, reserved header bits, a kind allowed over ICMP (not a tunnel's),
 * exact length (for CLAIM and CLAIM_REPLY: fixed part + a whole number of entries, 1 to 40), checksum, then the body
 * field by field in wire order. The cheap magic and version checks come before the checksum so foreign experimental
 * traffic costs little; the length is exact before the checksum so no work depends on junk length.
 */
public final class SacipDecoder {
    private SacipDecoder() {
    }

    public static SacipMessage decode(byte[] icmp, SacipAddress outerSource, SacipAddress outerDestination)
            throws SacipCodecException {
        return decode(ByteBuffer.wrap(icmp), outerSource, outerDestination);
    }

    /**
     * Decodes the octets from the buffer's position to its limit (the whole ICMP message, nothing after it).
     * The buffer's position is not moved.
     */
    public static SacipMessage decode(ByteBuffer icmp, SacipAddress outerSource, SacipAddress outerDestination)
            throws SacipCodecException {
        int start = icmp.position();
        int length = icmp.remaining();
        if (length < WireFormat.ICMP_HEADER_LENGTH) {
            throw new SacipCodecException(Reason.TRUNCATED_ICMP_HEADER, length + " octets");
        }
        checkOuterAddresses(outerSource, outerDestination);
        AddressFamily family = outerSource.family();
        WireReader reader = new WireReader(icmp, start, start + length);
        int type = (int) reader.unsigned(1);
        if (type != family.icmpType()) {
            throw new SacipCodecException(Reason.WRONG_ICMP_TYPE, "type " + type + " over " + family);
        }
        int code = (int) reader.unsigned(1);
        if (code != 0) {
            throw new SacipCodecException(Reason.NONZERO_ICMP_CODE, "code " + code);
        }
        reader.unsigned(2);
        if (length < WireFormat.ICMP_HEADER_LENGTH + WireFormat.SACIP_HEADER_LENGTH) {
            throw new SacipCodecException(Reason.TRUNCATED_SACIP_HEADER, length + " octets");
        }
        MessageKind kind = readSacipHeader(reader);
        if (kind.udpOnly()) {
            throw new SacipCodecException(Reason.UDP_ONLY_KIND, kind + " travels only over UDP");
        }
        int entries = entriesHeldBy(kind, reader.remaining());
        if (IcmpChecksum.compute(icmp, start, length, outerSource, outerDestination) != 0) {
            throw new SacipCodecException(Reason.BAD_CHECKSUM, "ICMP checksum does not verify");
        }
        return readBody(kind, reader, entries, outerSource);
    }

    /** Section 10 rule 1 (and 13.7 rule U1) for the IP addresses: one family, both unicast host addresses. */
    static void checkOuterAddresses(SacipAddress source, SacipAddress destination) throws SacipCodecException {
        if (source.family() != destination.family()) {
            throw new SacipCodecException(Reason.OUTER_ADDRESS_FAMILY_MISMATCH, "source and destination families differ");
        }
        if (!source.isUnicastHost() || !destination.isUnicastHost()) {
            throw new SacipCodecException(Reason.NON_UNICAST_OUTER_ADDRESS, "from " + source + " to " + destination);
        }
    }

    /** Section 10 rules 3 and 4: magic, version, kind and reserved header bits; the caller checked the length. */
    static MessageKind readSacipHeader(WireReader reader) throws SacipCodecException {
        long magic = reader.unsigned(4);
        if (magic != WireFormat.MAGIC) {
            throw new SacipCodecException(Reason.BAD_MAGIC, String.format("magic 0x%08x", magic));
        }
        int version = (int) reader.unsigned(1);
        if (version != WireFormat.VERSION) {
            throw new SacipCodecException(Reason.UNSUPPORTED_VERSION, "version " + version);
        }
        int kindCode = (int) reader.unsigned(1);
        MessageKind kind = MessageKind.fromCode(kindCode).orElseThrow(
                () -> new SacipCodecException(Reason.UNKNOWN_KIND, "kind " + kindCode));
        reader.zeros(2, Reason.RESERVED_HEADER_BITS);
        return kind;
    }

    /**
     * Section 10 rule 7: the body, field by field. {@code source} is the sender's address the message arrived
     * with (ICMP: the outer source; UDP: the stated source); its family is the family every claim address must have.
     */
    static SacipMessage readBody(MessageKind kind, WireReader reader, int entries, SacipAddress source)
            throws SacipCodecException {
        SacipMessage message = readFields(kind, reader, entries, source.family());
        if (message instanceof AddressUpdate update && !update.currentAddress().equals(source)) {
            throw new SacipCodecException(Reason.OUTER_SOURCE_NOT_CURRENT_ADDRESS,
                    "update for " + update.currentAddress() + " sent from " + source);
        }
        return message;
    }

    /**
     * Checks the body length and returns the number of entries it holds (0 for kinds without entries). A kind
     * without entries has one length: shorter is truncated, longer has trailing octets. CLAIM and CLAIM_REPLY:
     * shorter than with one entry is truncated; any other length that is not fixed part + k whole entries with
     * k at most 40 has trailing octets (beyond the longest whole message they hold).
     */
    static int entriesHeldBy(MessageKind kind, int body) throws SacipCodecException {
        if (body < kind.minBodyLength()) {
            throw new SacipCodecException(Reason.TRUNCATED_BODY,
                    kind + " needs " + kind.minBodyLength() + " octets of body, " + body + " present");
        }
        int entryOctets = body - kind.fixedBodyLength();
        if (!kind.hasEntries()) {
            if (entryOctets > 0) {
                throw new SacipCodecException(Reason.TRAILING_BYTES, entryOctets + " octets after the " + kind + " body");
            }
            return 0;
        }
        if (body > kind.maxBodyLength() || entryOctets % kind.entryLength() != 0) {
            throw new SacipCodecException(Reason.TRAILING_BYTES, body + " octets of " + kind
                    + " body are not the fixed part and 1 to " + kind.maxEntries() + " whole entries");
        }
        return entryOctets / kind.entryLength();
    }

    private static SacipMessage readFields(MessageKind kind, WireReader r, int entries, AddressFamily outerFamily)
            throws SacipCodecException {
        switch (kind) {
            case HELLO: {
                Octets nonce = r.octets(FieldLengths.NONCE);
                r.zeros(16, Reason.NONZERO_PADDING);
                return new Hello(nonce);
            }
            case COOKIE:
                return new CookieReply(r.octets(FieldLengths.NONCE), r.octets(FieldLengths.COOKIE));
            case INIT: {
                Init init = new Init(r.octets(FieldLengths.NONCE), r.octets(FieldLengths.COOKIE),
                        r.octets(FieldLengths.KEY_SHARE));
                r.zeros(16, Reason.NONZERO_PADDING);
                return init;
            }
            case INIT_REPLY:
                return new InitReply(r.octets(FieldLengths.NONCE), r.octets(FieldLengths.NONCE),
                        r.octets(FieldLengths.KEY_SHARE), r.octets(FieldLengths.MAC));
            case INIT_CONFIRM:
                return new InitConfirm(r.octets(FieldLengths.NONCE), r.octets(FieldLengths.NONCE),
                        r.octets(FieldLengths.MAC));
            case REKEY: {
                Octets keyId = r.octets(FieldLengths.KEY_ID);
                r.zeros(8, Reason.NONZERO_PADDING);
                return new Rekey(keyId, r.octets(FieldLengths.NONCE), r.octets(FieldLengths.KEY_SHARE),
                        r.octets(FieldLengths.MAC));
            }
            case ADDRESS_UPDATE:
            case UPDATE_ACK:
                return readUpdate(kind, r);
            case PATH_CHALLENGE:
                return new PathChallenge(r.octets(FieldLengths.KEY_ID), r.octets(FieldLengths.CHALLENGE),
                        r.octets(FieldLengths.MAC));
            case PATH_RESPONSE:
                return new PathResponse(r.octets(FieldLengths.KEY_ID), r.octets(FieldLengths.CHALLENGE),
                        r.octets(FieldLengths.MAC));
            case REFUSAL: {
                int code = (int) r.unsigned(2);
                RefusalReason reason = RefusalReason.fromCode(code).orElseThrow(
                        () -> new SacipCodecException(Reason.UNKNOWN_REFUSAL_REASON, "refusal reason " + code));
                r.zeros(2, Reason.RESERVED_REFUSAL_BITS);
                return new Refusal(reason, r.octets(FieldLengths.REFUSAL_ECHO));
            }
            case CLAIM:
                return ClaimBodyReader.claim(r, entries, outerFamily);
            case CLAIM_REPLY:
                return ClaimBodyReader.claimReply(r, entries, outerFamily);
            case TUNNEL_OPEN: {
                Octets keyId = r.octets(FieldLengths.KEY_ID);
                Octets nonce = r.octets(FieldLengths.NONCE);
                r.zeros(16, Reason.NONZERO_PADDING);
                return new TunnelOpen(keyId, nonce, r.octets(FieldLengths.MAC));
            }
            case TUNNEL_ACCEPT:
                return new TunnelAccept(r.octets(FieldLengths.KEY_ID), r.octets(FieldLengths.NONCE),
                        r.octets(FieldLengths.NONCE), r.octets(FieldLengths.MAC));
            default:
                throw new SacipCodecException(Reason.UNKNOWN_KIND, "kind " + kind);
        }
    }

    private static SacipMessage readUpdate(MessageKind kind, WireReader r) throws SacipCodecException {
        Octets keyId = r.octets(FieldLengths.KEY_ID);
        long sequence = r.unsigned(8);
        if (sequence == 0) {
            throw new SacipCodecException(Reason.ZERO_SEQUENCE, "sequence numbers start at 1");
        }
        SacipAddress original = r.address();
        SacipAddress current = r.address();
        if (original.family() != current.family()) {
            throw new SacipCodecException(Reason.ADDRESS_FAMILY_MISMATCH,
                    "original " + original.family() + ", current " + current.family());
        }
        Octets mac = r.octets(FieldLengths.MAC);
        return kind == MessageKind.ADDRESS_UPDATE
                ? new AddressUpdate(keyId, sequence, original, current, mac)
                : new UpdateAck(keyId, sequence, original, current, mac);
    }
}
