package org.sacip.protocol.codec;

/** Constants of the SACIP v1 framing (see docs/PROTOCOL.md, "Framing"). */
public final class WireFormat {
    /** Type, code, checksum. */
    public static final int ICMP_HEADER_LENGTH = 4;
    /** Magic (4), version (1), kind (1), reserved (2). */
    public static final int SACIP_HEADER_LENGTH = 8;
    /** "SACI" in ASCII. */
    public static final int MAGIC = 0x53414349;
    public static final int VERSION = 1;
    /** Largest message of v1 (ICMP header, SACIP header and the longest body). */
    public static final int MAX_MESSAGE_LENGTH = ICMP_HEADER_LENGTH + SACIP_HEADER_LENGTH + 80;

    private WireFormat() {
    }
}
