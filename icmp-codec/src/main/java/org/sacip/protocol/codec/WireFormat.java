package org.sacip.protocol.codec;

import org.sacip.protocol.message.MessageKind;

/** Constants of the SACIP framing (see docs/PROTOCOL.md, "Framing"). */
public final class WireFormat {
    /** Type, code, checksum. */
    public static final int ICMP_HEADER_LENGTH = 4;
    /** Magic (4), version (1), kind (1), reserved (2). */
    public static final int SACIP_HEADER_LENGTH = 8;
    /** "SACI" in ASCII. */
    public static final int MAGIC = 0x53414349;
    /** The protocol version this codec speaks; messages of any other version are malformed here. */
    public static final int VERSION = 2;
    /** Largest message: ICMP and SACIP headers and a CLAIM of 40 entries (1048 octets). */
    public static final int MAX_MESSAGE_LENGTH = ICMP_HEADER_LENGTH + SACIP_HEADER_LENGTH
            + MessageKind.CLAIM.maxBodyLength();

    private WireFormat() {
    }
}
