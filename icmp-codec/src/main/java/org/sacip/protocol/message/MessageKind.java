package org.sacip.protocol.message;

import java.util.Optional;

/**
 * The SACIP message kinds, their wire code and the length of their body. Most kinds have one fixed body length;
 * CLAIM and CLAIM_REPLY have a fixed part (which includes the MAC) plus 1 to {@link #MAX_ENTRIES} entries of one
 * size, and their length must be exactly fixed part + count x entry. TUNNEL_OPEN and TUNNEL_ACCEPT travel only over
 * UDP ({@link #udpOnly()}).
 */
public enum MessageKind {
    HELLO(1, 32, 0, false, false),
    COOKIE(2, 32, 0, false, false),
    INIT(3, 80, 0, false, false),
    INIT_REPLY(4, 80, 0, true, false),
    INIT_CONFIRM(5, 48, 0, true, false),
    REKEY(6, 80, 0, true, false),
    ADDRESS_UPDATE(7, 72, 0, true, false),
    UPDATE_ACK(8, 72, 0, true, false),
    PATH_CHALLENGE(9, 40, 0, true, false),
    PATH_RESPONSE(10, 40, 0, true, false),
    REFUSAL(11, 20, 0, false, false),
    /** 60 octets before the entries, 16 of MAC after them. */
    CLAIM(12, 60 + FieldLengths.MAC, FieldLengths.CLAIM_ENTRY, true, false),
    /** 40 octets before the entries, 16 of MAC after them. */
    CLAIM_REPLY(13, 40 + FieldLengths.MAC, FieldLengths.CLAIM_REPLY_ENTRY, true, false),
    /** Opens a tunnel for a lineage's sessions through a NAT (docs/PROTOCOL.md section 15). */
    TUNNEL_OPEN(14, 56, 0, true, true),
    /** Accepts a TUNNEL_OPEN; as long as it, so that an accept never amplifies. */
    TUNNEL_ACCEPT(15, 56, 0, true, true);

    /** Most entries a CLAIM or CLAIM_REPLY carries (the largest message, a CLAIM of 40, is 1048 octets). */
    public static final int MAX_ENTRIES = 40;

    private final int code;
    private final int fixedBodyLength;
    private final int entryLength;
    private final boolean authenticated;
    private final boolean udpOnly;

    MessageKind(int code, int fixedBodyLength, int entryLength, boolean authenticated, boolean udpOnly) {
        this.code = code;
        this.fixedBodyLength = fixedBodyLength;
        this.entryLength = entryLength;
        this.authenticated = authenticated;
        this.udpOnly = udpOnly;
    }

    public int code() {
        return code;
    }

    /** True for CLAIM and CLAIM_REPLY, whose body holds a counted list of entries. */
    public boolean hasEntries() {
        return entryLength != 0;
    }

    /** Octets of the body that do not depend on the entry count (for a kind without entries, the whole body). */
    public int fixedBodyLength() {
        return fixedBodyLength;
    }

    /** Octets of one entry; 0 for a kind without entries. */
    public int entryLength() {
        return entryLength;
    }

    /** Fewest entries a message of this kind carries: 1 for CLAIM and CLAIM_REPLY, else 0. */
    public int minEntries() {
        return hasEntries() ? 1 : 0;
    }

    /** Most entries a message of this kind carries: {@link #MAX_ENTRIES} for CLAIM and CLAIM_REPLY, else 0. */
    public int maxEntries() {
        return hasEntries() ? MAX_ENTRIES : 0;
    }

    /** Octets after the 8-octet SACIP header of a message with {@code entries} entries. */
    public int bodyLength(int entries) {
        if (entries < minEntries() || entries > maxEntries()) {
            throw new IllegalArgumentException(this + " carries " + minEntries() + " to " + maxEntries()
                    + " entries, not " + entries);
        }
        return fixedBodyLength + entries * entryLength;
    }

    /**
     * The body length of a kind without entries.
     *
     * @throws IllegalStateException for CLAIM and CLAIM_REPLY, whose length depends on the count (use
     *                               {@link #bodyLength(int)}, {@link #minBodyLength()}, {@link #maxBodyLength()})
     */
    public int bodyLength() {
        if (hasEntries()) {
            throw new IllegalStateException(this + " has no single body length");
        }
        return fixedBodyLength;
    }

    /** Shortest body of this kind. */
    public int minBodyLength() {
        return bodyLength(minEntries());
    }

    /** Longest body of this kind. */
    public int maxBodyLength() {
        return bodyLength(maxEntries());
    }

    /** True when the body ends with a MAC. */
    public boolean authenticated() {
        return authenticated;
    }

    /**
     * True for the kinds that exist only over UDP (the tunnel's, section 15): a tunnel is needed only where a NAT
     * stops SACIP's ICMP, so an ICMP message of such a kind is malformed.
     */
    public boolean udpOnly() {
        return udpOnly;
    }

    public static Optional<MessageKind> fromCode(int code) {
        for (MessageKind kind : values()) {
            if (kind.code == code) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
