package org.sacip.agent.datapath;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adds, deletes and lists the {@link ResetBlock} routing rules of one namespace with {@code ip rule} (the netlink
 * module has no fib rule messages yet), many in one {@code ip -batch} run per IP version.
 */
final class ResetBlockRules {
    private static final Pattern RULE = Pattern.compile(
            "^" + ResetBlock.PRIORITY + ":\\s+from (\\S+) to (\\S+) ipproto tcp sport (\\d+) dport (\\d+) blackhole\\s*$");

    private final NamespaceCommand ip;

    ResetBlockRules(NamespaceCommand ip) {
        this.ip = ip;
    }

    void add(Collection<ResetBlock> blocks) throws DataPathException {
        batch("add", blocks);
    }

    void delete(Collection<ResetBlock> blocks) throws DataPathException {
        batch("del", blocks);
    }

    /** Every block rule the namespace has now, of both IP versions. */
    Set<ResetBlock> list() throws DataPathException {
        Set<ResetBlock> blocks = new HashSet<>();
        for (String version : List.of("-4", "-6")) {
            String output = run(List.of(version, "rule", "show", "pref", String.valueOf(ResetBlock.PRIORITY)), "");
            for (String line : output.split("\n")) {
                Matcher matcher = RULE.matcher(line);
                if (matcher.matches()) {
                    try {
                        blocks.add(new ResetBlock(InetAddress.getByName(matcher.group(1)),
                                Integer.parseInt(matcher.group(3)), InetAddress.getByName(matcher.group(2)),
                                Integer.parseInt(matcher.group(4))));
                    } catch (IOException | IllegalArgumentException e) {
                        throw new DataPathException("cannot read routing rule '" + line + "'", e);
                    }
                }
            }
        }
        return blocks;
    }

    private void batch(String operation, Collection<ResetBlock> blocks) throws DataPathException {
        StringBuilder ipv4 = new StringBuilder();
        StringBuilder ipv6 = new StringBuilder();
        for (ResetBlock block : blocks) {
            (block.isIpv4() ? ipv4 : ipv6).append("rule ").append(operation).append(" pref ")
                    .append(ResetBlock.PRIORITY).append(' ').append(block.selector()).append('\n');
        }
        if (ipv4.length() > 0) {
            run(List.of("-4", "-batch", "-"), ipv4.toString());
        }
        if (ipv6.length() > 0) {
            run(List.of("-6", "-batch", "-"), ipv6.toString());
        }
    }

    private String run(List<String> arguments, String input) throws DataPathException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(arguments);
        return ip.run(command, input);
    }
}
