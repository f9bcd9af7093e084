package org.sacip.lab;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Namespace names of the lab: {@code sacip-<owner pid>-<lab number>-<host>}. The owner pid lets parallel runs
 * coexist and lets {@code down} tell a dead run's leftovers from a live run's namespaces.
 */
public final class LabNames {
    private static final Pattern NAME = Pattern.compile("sacip-(\\d{1,10})-(\\d{1,6})-([a-z][a-z0-9]{0,7})");
    private static final Pattern HOST = Pattern.compile("[a-z][a-z0-9]{0,7}");

    private LabNames() {
    }

    /** A parsed lab namespace name. */
    public record LabNamespace(String name, long ownerPid, int labNumber, String host) {
    }

    public static String namespace(long ownerPid, int labNumber, String host) {
        if (!HOST.matcher(host).matches()) {
            throw new LabException("bad host name '" + host + "': use 1-8 lower-case letters or digits, starting with a letter");
        }
        return "sacip-" + ownerPid + "-" + labNumber + "-" + host;
    }

    /** Parses a namespace name; empty when it is not one of the lab's (other tools' namespaces are never touched). */
    public static Optional<LabNamespace> parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new LabNamespace(name, Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
    }

    public static boolean isHostName(String host) {
        return HOST.matcher(host).matches();
    }
}
