package org.sacip.protocol.tunnel;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.sacip.protocol.codec.UdpFraming;

/**
 * Seals inner packets into data datagrams of one tunnel, in one direction (docs/PROTOCOL.md section 15.4): AES-256-GCM
 * under the sending key of {@code role}, nonce = 4 zero octets | counter, associated data = the datagram's first 24
 * octets. Counters start at 0 and rise by one per datagram; at {@link DataDatagram#COUNTER_LIMIT} the sealer refuses
 * to seal (a counter is never used twice under a key), and a new tunnel must be opened long before
 * ({@link DataDatagram#RENEW_AFTER}).
 *
 * <p>Thread-safe: {@link #seal} holds this object's lock, since the cipher and the counter belong to one direction.
 * One cipher is reused for every datagram; the datagram is written straight into the caller's buffer, with no copy
 * of the inner packet.
 */
public final class TunnelSealer {
    private static final int TAG_BITS = DataDatagram.TAG_LENGTH * 8;

    private final long tunnelId;
    private final SecretKeySpec key;
    private final Cipher cipher;
    /** Nonce: 4 zero octets, then the counter (written per datagram; the spec copies it). */
    private final byte[] nonce = new byte[12];
    private long next;

    public TunnelSealer(TunnelKeys keys, TunnelRole role) {
        this.tunnelId = keys.tunnelId();
        this.key = new SecretKeySpec(keys.sendingKey(role).toByteArray(), "AES");
        this.cipher = TunnelOpener.gcm();
    }

    /**
     * Seals the octets from {@code innerPacket}'s position to its limit (an IPv4 or IPv6 packet of
     * {@link DataDatagram#MIN_INNER_PACKET} to {@link DataDatagram#MAX_INNER_PACKET} octets, or none at all) into a
     * data datagram written at {@code out}'s position; {@code out}'s position moves past it, {@code innerPacket}'s
     * does not move. The two may share an array only without overlapping.
     *
     * @return octets written: the inner packet's length + {@link DataDatagram#OVERHEAD}
     * @throws IllegalArgumentException when the inner packet's length is not allowed
     * @throws BufferOverflowException  when {@code out} has too little room; nothing is written, no counter used
     * @throws IllegalStateException    when the tunnel's counters are spent
     */
    public synchronized int seal(ByteBuffer innerPacket, ByteBuffer out) {
        int length = innerPacket.remaining();
        if (length != 0 && (length < DataDatagram.MIN_INNER_PACKET || length > DataDatagram.MAX_INNER_PACKET)) {
            throw new IllegalArgumentException("an inner packet is 0 or " + DataDatagram.MIN_INNER_PACKET + " to "
                    + DataDatagram.MAX_INNER_PACKET + " octets, not " + length);
        }
        int sealed = DataDatagram.length(length);
        if (out.remaining() < sealed) {
            throw new BufferOverflowException();
        }
        if (next >= DataDatagram.COUNTER_LIMIT) {
            throw new IllegalStateException("tunnel " + String.format("%016x", tunnelId)
                    + " has sealed its last counter: open a new tunnel");
        }
        // The counter is spent before encrypting, so that even a failure below never lets it be used twice.
        long counter = next++;
        int start = out.position();
        out.put(start, (byte) (UdpFraming.MAGIC >>> 24)).put(start + 1, (byte) (UdpFraming.MAGIC >>> 16))
                .put(start + 2, (byte) (UdpFraming.MAGIC >>> 8)).put(start + 3, (byte) UdpFraming.MAGIC)
                .put(start + 4, (byte) UdpFraming.VERSION).put(start + 5, (byte) UdpFraming.TYPE_DATA)
                .put(start + 6, (byte) 0).put(start + 7, (byte) 0);
        putLong(out, start + 8, tunnelId);
        putLong(out, start + 16, counter);
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (56 - 8 * i));
        }
        ByteBuffer header = out.duplicate();
        header.limit(start + DataDatagram.HEADER_LENGTH).position(start);
        ByteBuffer plaintext = innerPacket.duplicate();
        out.position(start + DataDatagram.HEADER_LENGTH);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(header);
            cipher.doFinal(plaintext, out);
        } catch (GeneralSecurityException e) {
            out.position(start);
            // AES/GCM/NoPadding is a mandatory JDK algorithm, the key is 32 octets and the room was checked.
            throw new IllegalStateException("AES-GCM failed", e);
        }
        return sealed;
    }

    /** Convenience for arrays: seals {@code inner[offset .. offset+length)} at {@code out[outOffset]}. */
    public int seal(byte[] inner, int offset, int length, byte[] out, int outOffset) {
        return seal(ByteBuffer.wrap(inner, offset, length), ByteBuffer.wrap(out, outOffset, out.length - outOffset));
    }

    /** Datagrams sealed so far, which is also the next counter. */
    public synchronized long sealed() {
        return next;
    }

    /** True once {@link DataDatagram#RENEW_AFTER} datagrams were sealed: time to open a new tunnel. */
    public synchronized boolean shouldRenew() {
        return next >= DataDatagram.RENEW_AFTER;
    }

    public long tunnelId() {
        return tunnelId;
    }

    /** Only for tests and the fuzz harness, to reproduce a datagram with a given counter. */
    synchronized void skipTo(long counter) {
        next = counter;
    }

    private static void putLong(ByteBuffer out, int index, long value) {
        for (int i = 0; i < 8; i++) {
            out.put(index + i, (byte) (value >>> (56 - 8 * i)));
        }
    }
}
