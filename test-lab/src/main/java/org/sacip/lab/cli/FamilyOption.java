package org.sacip.lab.cli;

import java.util.Locale;
import org.sacip.lab.topology.Family;

/** Parses --family: ipv4, ipv6 (no DAD) or ipv6-dad. */
final class FamilyOption {
    private FamilyOption() {
    }

    static Family parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "ipv4", "4" -> Family.IPV4;
            case "ipv6", "6" -> Family.IPV6;
            case "ipv6-dad" -> Family.IPV6_DAD;
            default -> throw new UsageException("unknown family '" + text + "' (choose ipv4, ipv6 or ipv6-dad)");
        };
    }
}
