package org.sacip.agent.datapath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.netlink.testing.TestNamespace;

/**
 * A table of named packet counters ({@code inet NAME}) that a test puts beside ours to see packets at a chosen hook
 * and priority: before our chains (what the wire carries) or after them (what they let through). It is not ours:
 * {@code nft flush ruleset} takes it away too, and nothing restores it but {@link #load}.
 */
final class WatchTable {
    private static final Pattern PACKETS = Pattern.compile("packets (\\d+)");

    private final String name;
    private final List<String> counters = new ArrayList<>();
    /** Rules by chain: one base chain per hook and priority. */
    private final Map<String, List<String>> rules = new LinkedHashMap<>();
    private final Map<String, String> heads = new LinkedHashMap<>();

    WatchTable(String name) {
        this.name = name;
    }

    /** Counts, as {@code counter}, the packets matching {@code match} at {@code hook} and {@code priority}. */
    WatchTable count(String counter, String hook, int priority, String match) {
        String chain = hook + (priority < 0 ? "_m" + -priority : "_" + priority);
        heads.putIfAbsent(chain, "type filter hook " + hook + " priority " + priority + "; policy accept;");
        rules.computeIfAbsent(chain, c -> new ArrayList<>()).add(match + " counter name " + counter);
        counters.add(counter);
        return this;
    }

    /** Loads (or reloads, counters from zero) the table in the namespace. */
    void load(TestNamespace namespace) throws IOException {
        StringBuilder text = new StringBuilder("add table inet ").append(name).append('\n')
                .append("delete table inet ").append(name).append('\n')
                .append("table inet ").append(name).append(" {\n");
        for (String counter : counters) {
            text.append(" counter ").append(counter).append(" {}\n");
        }
        rules.forEach((chain, list) -> {
            text.append(" chain ").append(chain).append(" {\n  ").append(heads.get(chain)).append('\n');
            list.forEach(rule -> text.append("  ").append(rule).append('\n'));
            text.append(" }\n");
        });
        text.append("}\n");
        Path file = Files.createTempFile("sacip-watch", ".nft");
        try {
            Files.writeString(file, text.toString());
            namespace.exec("nft", "-f", file.toString());
        } finally {
            Files.delete(file);
        }
    }

    long packets(TestNamespace namespace, String counter) throws IOException {
        String listed = namespace.exec("nft", "list", "counter", "inet", name, counter);
        Matcher matcher = PACKETS.matcher(listed);
        if (!matcher.find()) {
            throw new AssertionError("no packet count for " + counter + " in " + listed);
        }
        return Long.parseLong(matcher.group(1));
    }
}
