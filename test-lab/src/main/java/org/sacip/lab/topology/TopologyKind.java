package org.sacip.lab.topology;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The lab's topologies (issue 4, item 1). */
public enum TopologyKind {
    /** A and B on one link. */
    TWO_HOSTS("two-hosts"),
    /** A with two uplinks to router R, B behind R. */
    ROAMING("roaming"),
    /** A and B each with two uplinks to R. */
    BOTH_ROAMING("both-roaming"),
    /** Roaming plus attacker M on A's LAN and attacker E on its own link behind R, without ingress filtering. */
    ATTACKERS("attackers");

    private final String cliName;

    TopologyKind(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static TopologyKind parse(String name) {
        for (TopologyKind kind : values()) {
            if (kind.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown topology '" + name + "' (choose one of: " + names() + ")");
    }

    public static String names() {
        return Arrays.stream(values()).map(TopologyKind::cliName).collect(Collectors.joining(", "));
    }
}
