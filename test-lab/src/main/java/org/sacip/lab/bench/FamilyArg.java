package org.sacip.lab.bench;

import org.sacip.lab.topology.Family;

/** The family argument of the benchmarks: ipv4 or ipv6 (no DAD: a move should not wait for it here). */
final class FamilyArg {
    private FamilyArg() {
    }

    static Family parse(String text) {
        return switch (text.strip()) {
            case "ipv4" -> Family.IPV4;
            case "ipv6" -> Family.IPV6;
            default -> throw new IllegalArgumentException("family must be ipv4 or ipv6, got '" + text + "'");
        };
    }
}
