package org.sacip.protocol.codec;

/** Constants of SACIP over UDP (docs/PROTOCOL.md section 13). */
public final class UdpFraming {
    /** "SACU" in ASCII: differs from the SACIP header's "SACI" so that neither can be read as the other. */
    public static final int MAGIC = 0x53414355;
    /** The framing version this codec speaks. */
    public static final int VERSION = 1;
    /** Datagram type of a SACIP message (section 13). */
    public static final int TYPE_MESSAGE = 1;
    /** Datagram type of a tunnel's data datagram (section 15), read by tunnel.DataDatagram, not by UdpDecoder. */
    public static final int TYPE_DATA = 2;
    /** Magic (4), framing version (1), type (1), reserved (2). */
    public static final int HEADER_LENGTH = 8;
    /** Stated source and destination addresses (20 each) and ports (2 each). */
    public static final int PATH_HEADER_LENGTH = 44;
    /** Where the SACIP part (section 2, from its magic on) starts in the datagram. */
    public static final int SACIP_PART_OFFSET = HEADER_LENGTH + PATH_HEADER_LENGTH;
    /**
     * Largest payload of a message datagram: a CLAIM of 40 entries (1096 octets; 1144 with UDP and IPv6 headers).
     * A tunnel's data datagrams have their own limit (tunnel.DataDatagram).
     */
    public static final int MAX_DATAGRAM_LENGTH = SACIP_PART_OFFSET + WireFormat.MAX_MESSAGE_LENGTH
            - WireFormat.ICMP_HEADER_LENGTH;
    /** The agent port when none is configured (section 13.1). */
    public static final int DEFAULT_PORT = 4253;

    private UdpFraming() {
    }
}
