package org.sacip.protocol.message;

import java.util.List;

/** Field rules shared by CLAIM and CLAIM_REPLY and their entries. */
final class ClaimFieldRules {
    private static final int MAX_PORT = 0xFFFF;

    private ClaimFieldRules() {
    }

    static void checkHead(Octets keyId, long claimNumber, Octets mac) {
        keyId.requireLength(FieldLengths.KEY_ID, "key id");
        if (claimNumber == 0) {
            throw new IllegalArgumentException("claim numbers start at 1");
        }
        mac.requireLength(FieldLengths.MAC, "mac");
    }

    /** An immutable copy of {@code entries}, which must number 1 to {@link MessageKind#MAX_ENTRIES}. */
    static <E> List<E> entries(List<E> entries) {
        List<E> copy = List.copyOf(entries);
        if (copy.isEmpty() || copy.size() > MessageKind.MAX_ENTRIES) {
            throw new IllegalArgumentException("a claim carries 1 to " + MessageKind.MAX_ENTRIES + " entries, not "
                    + copy.size());
        }
        return copy;
    }

    static void checkPort(int port, String what) {
        if (port < 1 || port > MAX_PORT) {
            throw new IllegalArgumentException(what + " must be 1 to " + MAX_PORT + ", got " + port);
        }
    }
}
