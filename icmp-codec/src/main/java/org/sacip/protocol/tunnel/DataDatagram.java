package org.sacip.protocol.tunnel;

import java.nio.ByteBuffer;
import org.sacip.protocol.codec.UdpFraming;
import org.sacip.protocol.message.AddressFamily;

/**
 * The layout of a tunnel's data datagram (docs/PROTOCOL.md section 15.4), a UDP payload:
 *
 * <pre>
 *  0..3   "SACU"            framing header of section 13.2, framing version 1, type 2
 *  4      1
 *  5      2
 *  6..7   0
 *  8..15  tunnel id
 * 16..23  counter (64 bits)
 * 24..    ciphertext (as long as the inner packet: 0, or 20 to {@link #MAX_INNER_PACKET} octets)
 * end-16  tag (16)
 * </pre>
 *
 * The first 24 octets are the AEAD's associated data. The agent's UDP receiver asks {@link #isData} first (four
 * octets compared and two more read) to send data datagrams to a tunnel and everything else to the message decoder,
 * then {@link #check} and {@link #tunnelId} to find the tunnel's {@link TunnelOpener}. Reads never move the buffer's
 * position and ignore its byte order.
 */
public final class DataDatagram {
    /** Framing header (8), tunnel id (8), counter (8): the associated data. */
    public static final int HEADER_LENGTH = 24;
    /** AES-GCM tag. */
    public static final int TAG_LENGTH = 16;
    /** Octets a data datagram adds to the inner packet it carries. */
    public static final int OVERHEAD = HEADER_LENGTH + TAG_LENGTH;
    /** Shortest inner packet: an IPv4 header without options. An empty plaintext is allowed too (section 15.4). */
    public static final int MIN_INNER_PACKET = 20;
    /**
     * Longest inner packet: what keeps the datagram within the largest UDP payload over IPv4 (65535 - 20 - 8), the
     * same limit over IPv6. Real datagrams are far smaller: the agent sizes inner packets by {@link #tunnelMtu}.
     */
    public static final int MAX_INNER_PACKET = 65_535 - 20 - 8 - OVERHEAD;
    /** Longest data datagram (65507 octets). */
    public static final int MAX_LENGTH = MAX_INNER_PACKET + OVERHEAD;
    /** A sender seals counters 0 to 2^60 - 1 and then must open a new tunnel; a receiver refuses higher ones. */
    public static final long COUNTER_LIMIT = 1L << 60;
    /**
     * Datagrams a sender seals under one tunnel's key before it opens a new tunnel, at the latest (section 15.6): at
     * 1400-octet packets AES-GCM's distinguishing advantage stays near 2^-50 (draft-irtf-cfrg-aead-limits).
     */
    public static final long RENEW_AFTER = 1L << 32;
    private static final int UDP_HEADER = 8;

    private DataDatagram() {
    }

    /**
     * True when the UDP payload from the buffer's position says it is a data datagram: at least 8 octets, magic
     * "SACU", framing version 1, type 2. Nothing else is checked; {@link TunnelOpener#open} checks the rest.
     */
    public static boolean isData(ByteBuffer payload) {
        int at = payload.position();
        return payload.remaining() >= UdpFraming.HEADER_LENGTH && intAt(payload, at) == UdpFraming.MAGIC
                && payload.get(at + 4) == UdpFraming.VERSION && payload.get(at + 5) == UdpFraming.TYPE_DATA;
    }

    /**
     * Why the datagram from the buffer's position to its limit cannot be opened by any tunnel, judged by its header
     * and length alone (rules T1 and T2 of section 15.7, and the counter limit of T3), or null when it may be: then
     * {@link #tunnelId} names the tunnel to open it with.
     */
    public static TunnelOpener.Rejection check(ByteBuffer datagram) {
        int at = datagram.position();
        int length = datagram.remaining();
        if (!isData(datagram) || datagram.get(at + 6) != 0 || datagram.get(at + 7) != 0) {
            return TunnelOpener.Rejection.WRONG_FRAMING;
        }
        int inner = length - OVERHEAD;
        if (inner < 0 || (inner > 0 && inner < MIN_INNER_PACKET)) {
            return TunnelOpener.Rejection.TOO_SHORT;
        }
        if (inner > MAX_INNER_PACKET) {
            return TunnelOpener.Rejection.TOO_LONG;
        }
        if (Long.compareUnsigned(counter(datagram), COUNTER_LIMIT) >= 0) {
            return TunnelOpener.Rejection.COUNTER_LIMIT;
        }
        return null;
    }

    /**
     * The tunnel id, octets 8 to 15.
     *
     * @throws IllegalArgumentException when the buffer holds fewer than 16 octets (call {@link #check} first)
     */
    public static long tunnelId(ByteBuffer datagram) {
        return longAt(datagram, 8);
    }

    /**
     * The counter, octets 16 to 23, as sent (unsigned; {@link #check} refuses those of {@link #COUNTER_LIMIT} and
     * above).
     *
     * @throws IllegalArgumentException when the buffer holds fewer than 24 octets
     */
    public static long counter(ByteBuffer datagram) {
        return longAt(datagram, 16);
    }

    /** Octets of a data datagram carrying an inner packet of {@code innerLength} octets. */
    public static int length(int innerLength) {
        return innerLength + OVERHEAD;
    }

    /**
     * The MTU of the agent's tunnel interface on a path of {@code pathMtu} octets whose outer packets are of
     * {@code family}: the path MTU less the IP header (20 or 40), the UDP header (8) and {@link #OVERHEAD}, so 68
     * octets over IPv4 and 88 over IPv6 (1432 and 1412 on a 1500-octet path).
     */
    public static int tunnelMtu(int pathMtu, AddressFamily family) {
        int ipHeader = family == AddressFamily.IPV4 ? 20 : 40;
        return pathMtu - ipHeader - UDP_HEADER - OVERHEAD;
    }

    private static long longAt(ByteBuffer buffer, int offset) {
        if (buffer.remaining() < offset + 8) {
            throw new IllegalArgumentException("a data datagram of " + buffer.remaining() + " octets has no field at "
                    + offset);
        }
        int at = buffer.position() + offset;
        return ((long) intAt(buffer, at) << 32) | (intAt(buffer, at + 4) & 0xFFFF_FFFFL);
    }

    private static int intAt(ByteBuffer buffer, int index) {
        return (buffer.get(index) & 0xFF) << 24 | (buffer.get(index + 1) & 0xFF) << 16
                | (buffer.get(index + 2) & 0xFF) << 8 | (buffer.get(index + 3) & 0xFF);
    }
}
