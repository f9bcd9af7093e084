package org.sacip.protocol.tunnel;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens the data datagrams of one tunnel in one direction (docs/PROTOCOL.md sections 15.4, 15.5 and 15.7): checks the
 * header, the length and the tunnel id, looks the counter up in the {@link ReplayWindow} before any cryptography,
 * verifies the tag and decrypts into the caller's buffer, and only then records the counter, so that a forged
 * datagram neither moves the window nor reaches the caller.
 *
 * <p>Thread-safe: {@link #open} holds this object's lock (the window and the cipher belong to one direction). One
 * cipher is reused for every datagram.
 */
public final class TunnelOpener {
    private static final int TAG_BITS = DataDatagram.TAG_LENGTH * 8;

    /** Why a data datagram was dropped. {@link #open} returns {@link #result()} for it. */
    public enum Rejection {
        /** Not "SACU", framing version 1, type 2 with reserved octets zero. */
        WRONG_FRAMING,
        /** Shorter than header and tag, or carrying 1 to 19 octets (no IP packet is that short). */
        TOO_SHORT,
        /** Longer than {@link DataDatagram#MAX_LENGTH}, or than the caller's buffer has room to open. */
        TOO_LONG,
        /** A counter of {@link DataDatagram#COUNTER_LIMIT} or above, which no sender seals. */
        COUNTER_LIMIT,
        /** Another tunnel's id (the caller finds the tunnel by {@link DataDatagram#tunnelId}). */
        UNKNOWN_TUNNEL,
        /** {@link ReplayWindow#SIZE} or more below the highest counter accepted. */
        TOO_OLD,
        /** A counter accepted before. */
        REPLAYED,
        /** The tag does not verify: altered, forged, or sealed under another key. */
        BAD_TAG;

        /** The negative number {@link #open} returns for this rejection. */
        public int result() {
            return -1 - ordinal();
        }

        /** The rejection a negative result of {@link #open} stands for. */
        public static Rejection of(int result) {
            if (result >= 0) {
                throw new IllegalArgumentException(result + " is a plaintext length, not a rejection");
            }
            return values()[-1 - result];
        }
    }

    private final long tunnelId;
    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[12];
    private final ReplayWindow window = new ReplayWindow();

    public TunnelOpener(TunnelKeys keys, TunnelRole role) {
        this.tunnelId = keys.tunnelId();
        this.key = new SecretKeySpec(keys.receivingKey(role).toByteArray(), "AES");
        this.cipher = gcm();
    }

    /**
     * Opens the data datagram from {@code datagram}'s position to its limit (the whole UDP payload), whose position
     * does not move, and writes the inner packet at {@code plaintext}'s position, moving it past the inner packet.
     * On a rejection {@code plaintext}'s position does not move, but the octets after it may have been overwritten.
     * The two buffers may share an array only without overlapping.
     *
     * @return the inner packet's length (0 for an empty datagram), or a negative {@link Rejection#result()}
     */
    public synchronized int open(ByteBuffer datagram, ByteBuffer plaintext) {
        Rejection rejection = DataDatagram.check(datagram);
        if (rejection != null) {
            return rejection.result();
        }
        if (DataDatagram.tunnelId(datagram) != tunnelId) {
            return Rejection.UNKNOWN_TUNNEL.result();
        }
        long counter = DataDatagram.counter(datagram);
        switch (window.check(counter)) {
            case TOO_OLD:
                return Rejection.TOO_OLD.result();
            case REPLAYED:
                return Rejection.REPLAYED.result();
            default:
                break;
        }
        int inner = datagram.remaining() - DataDatagram.OVERHEAD;
        if (plaintext.remaining() < inner) {
            return Rejection.TOO_LONG.result();
        }
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (56 - 8 * i));
        }
        int start = datagram.position();
        ByteBuffer header = datagram.duplicate();
        header.limit(start + DataDatagram.HEADER_LENGTH);
        ByteBuffer sealed = datagram.duplicate();
        sealed.position(start + DataDatagram.HEADER_LENGTH);
        int outStart = plaintext.position();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(header);
            cipher.doFinal(sealed, plaintext);
        } catch (AEADBadTagException e) {
            plaintext.position(outStart);
            return Rejection.BAD_TAG.result();
        } catch (GeneralSecurityException e) {
            plaintext.position(outStart);
            // AES/GCM/NoPadding is a mandatory JDK algorithm, the key is 32 octets and the room was checked.
            throw new IllegalStateException("AES-GCM failed", e);
        }
        window.accept(counter);
        return inner;
    }

    /**
     * Convenience for arrays: opens {@code datagram[offset .. offset+length)} into {@code out} from
     * {@code outOffset}.
     */
    public int open(byte[] datagram, int offset, int length, byte[] out, int outOffset) {
        return open(ByteBuffer.wrap(datagram, offset, length), ByteBuffer.wrap(out, outOffset, out.length - outOffset));
    }

    /** The highest counter accepted so far, or -1 before the first datagram. */
    public synchronized long highestCounter() {
        return window.highest();
    }

    public long tunnelId() {
        return tunnelId;
    }

    static Cipher gcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is a mandatory JDK algorithm", e);
        }
    }
}
