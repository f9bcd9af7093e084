package org.sacip.protocol.codec;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimFlag;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.TunnelAccept;
import org.sacip.protocol.message.TunnelOpen;
import org.sacip.protocol.message.UpdateAck;

/**
 * Writes the SACIP part of a message (header and body, without the ICMP header): the octets the MAC covers and the
 * ICMP payload. Shared by the encoder and the MAC computation so both see exactly the same octets.
 */
public final class SacipBodyWriter {
    private SacipBodyWriter() {
    }

    /** Octets {@link #write} produces for this message. */
    public static int length(SacipMessage message) {
        return WireFormat.SACIP_HEADER_LENGTH + message.bodyLength();
    }

    /** Writes at the buffer's position and advances it; throws BufferOverflowException when it does not fit. */
    public static void write(SacipMessage message, ByteBuffer out) {
        if (out.remaining() < length(message)) {
            throw new BufferOverflowException();
        }
        BigEndian.put(out, WireFormat.MAGIC, 4);
        out.put((byte) WireFormat.VERSION);
        out.put((byte) message.kind().code());
        BigEndian.put(out, 0, 2);
        if (message instanceof Hello m) {
            put(out, m.initiatorNonce());
            zeros(out, 16);
        } else if (message instanceof CookieReply m) {
            put(out, m.initiatorNonce());
            put(out, m.cookie());
        } else if (message instanceof Init m) {
            put(out, m.initiatorNonce());
            put(out, m.cookie());
            put(out, m.initiatorShare());
            zeros(out, 16);
        } else if (message instanceof InitReply m) {
            put(out, m.initiatorNonce());
            put(out, m.responderNonce());
            put(out, m.responderShare());
            put(out, m.mac());
        } else if (message instanceof InitConfirm m) {
            put(out, m.initiatorNonce());
            put(out, m.responderNonce());
            put(out, m.mac());
        } else if (message instanceof Rekey m) {
            put(out, m.keyId());
            zeros(out, 8);
            put(out, m.initiatorNonce());
            put(out, m.initiatorShare());
            put(out, m.mac());
        } else if (message instanceof AddressUpdate m) {
            writeUpdate(out, m.keyId(), m.sequence(), m.originalAddress(), m.currentAddress(), m.mac());
        } else if (message instanceof UpdateAck m) {
            writeUpdate(out, m.keyId(), m.sequence(), m.originalAddress(), m.currentAddress(), m.mac());
        } else if (message instanceof PathChallenge m) {
            put(out, m.keyId());
            put(out, m.challenge());
            put(out, m.mac());
        } else if (message instanceof PathResponse m) {
            put(out, m.keyId());
            put(out, m.challenge());
            put(out, m.mac());
        } else if (message instanceof Refusal m) {
            BigEndian.put(out, m.reason().code(), 2);
            BigEndian.put(out, 0, 2);
            put(out, m.echo());
        } else if (message instanceof Claim m) {
            writeClaim(out, m);
        } else if (message instanceof ClaimReply m) {
            writeClaimReply(out, m);
        } else if (message instanceof TunnelOpen m) {
            put(out, m.keyId());
            put(out, m.openerNonce());
            zeros(out, 16);
            put(out, m.mac());
        } else if (message instanceof TunnelAccept m) {
            put(out, m.keyId());
            put(out, m.openerNonce());
            put(out, m.accepterNonce());
            put(out, m.mac());
        }
    }

    private static void writeClaim(ByteBuffer out, Claim m) {
        put(out, m.keyId());
        BigEndian.put(out, m.claimNumber(), 8);
        out.put(m.holderAddress().toWire());
        out.put(m.peerAddress().toWire());
        BigEndian.put(out, m.entries().size(), 2);
        BigEndian.put(out, 0, 2);
        for (ClaimEntry entry : m.entries()) {
            out.put((byte) entry.protocol().code());
            out.put((byte) ClaimFlag.toBits(entry.flags()));
            BigEndian.put(out, entry.holderPort(), 2);
            BigEndian.put(out, entry.peerPort(), 2);
            BigEndian.put(out, 0, 2);
            put(out, entry.proof());
        }
        put(out, m.mac());
    }

    private static void writeClaimReply(ByteBuffer out, ClaimReply m) {
        put(out, m.keyId());
        BigEndian.put(out, m.claimNumber(), 8);
        out.put(m.seenHolderAddress().toWire());
        BigEndian.put(out, m.entries().size(), 2);
        BigEndian.put(out, 0, 2);
        for (ClaimReplyEntry entry : m.entries()) {
            out.put((byte) entry.verdict().code());
            out.put((byte) entry.protocol().code());
            BigEndian.put(out, entry.holderPort(), 2);
            BigEndian.put(out, entry.peerPort(), 2);
            BigEndian.put(out, entry.seenHolderPort(), 2);
        }
        put(out, m.mac());
    }

    private static void writeUpdate(ByteBuffer out, Octets keyId, long sequence, SacipAddress original,
            SacipAddress current, Octets mac) {
        put(out, keyId);
        BigEndian.put(out, sequence, 8);
        out.put(original.toWire());
        out.put(current.toWire());
        put(out, mac);
    }

    private static void put(ByteBuffer out, Octets octets) {
        out.put(octets.toByteArray());
    }

    private static void zeros(ByteBuffer out, int count) {
        out.put(new byte[count]);
    }
}
