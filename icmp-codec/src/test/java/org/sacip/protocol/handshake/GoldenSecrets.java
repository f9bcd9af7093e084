package org.sacip.protocol.handshake;

import org.sacip.protocol.message.Octets;

/** Fixed, distinct 32-octet secrets for tests. */
final class GoldenSecrets {
    private GoldenSecrets() {
    }

    static Octets second() {
        return Octets.fromHex("0202020202020202020202020202020202020202020202020202020202020202");
    }

    static Octets third() {
        return Octets.fromHex("0303030303030303030303030303030303030303030303030303030303030303");
    }
}
