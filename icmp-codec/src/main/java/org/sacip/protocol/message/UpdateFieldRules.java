package org.sacip.protocol.message;

/** Field rules shared by ADDRESS_UPDATE and UPDATE_ACK, which have the same layout. */
final class UpdateFieldRules {
    private UpdateFieldRules() {
    }

    static void check(Octets keyId, long sequence, SacipAddress originalAddress, SacipAddress currentAddress,
            Octets mac) {
        keyId.requireLength(FieldLengths.KEY_ID, "key id");
        if (sequence == 0) {
            throw new IllegalArgumentException("sequence numbers start at 1");
        }
        originalAddress.requireUnicastHost("original address");
        currentAddress.requireUnicastHost("current address");
        if (originalAddress.family() != currentAddress.family()) {
            throw new IllegalArgumentException("original and current address must have the same family");
        }
        mac.requireLength(FieldLengths.MAC, "mac");
    }
}
