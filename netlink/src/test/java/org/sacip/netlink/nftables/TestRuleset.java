package org.sacip.netlink.nftables;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.sacip.commands.CommandException;
import org.sacip.commands.Commands;
import org.sacip.netlink.NetlinkException;

/**
 * A fixed ruleset for tests ({@code test-ruleset.nft}, a copy of the agent's rewrite maps and ghost sets): tables {@code inet sacip} and {@code arp sacip}
 * with the rewrite maps, ghost sets and chains. Loaded with {@code nft -f}, which replaces an earlier copy of both
 * tables in one transaction; the agent then changes only elements, over netlink.
 */
public final class TestRuleset {
    private static final String RESOURCE = "test-ruleset.nft";
    private static final Duration NFT_LIMIT = Duration.ofSeconds(60);

    private SacipRuleset() {
    }

    /** The ruleset text shipped in the jar. */
    public static String text() throws RulesetLoadException {
        try (InputStream in = TestRuleset.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new RulesetLoadException("the ruleset " + RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RulesetLoadException("cannot read the ruleset " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Loads the ruleset into the caller's network namespace. */
    public static void load() throws RulesetLoadException {
        run(List.of("nft", "-f", "-"));
    }

    /** Loads the ruleset into the namespace {@code ip netns add NAME} made. */
    public static void loadInto(String namespaceName) throws RulesetLoadException {
        run(List.of("ip", "netns", "exec", namespaceName, "nft", "-f", "-"));
    }

    /** Whether every map and set of the ruleset exists in the kernel the connection talks to. */
    public static boolean isPresent(NfTablesConnection connection) throws NetlinkException {
        for (SetReference set : TestSets.all()) {
            if (!connection.hasSet(set)) {
                return false;
            }
        }
        return true;
    }

    private static void run(List<String> command) throws RulesetLoadException {
        String ruleset = text();
        try {
            // nft may exit before reading all of its input (ip netns exec with a missing namespace): its exit
            // status and output then say why.
            Commands.run(command, ruleset, NFT_LIMIT).requireSuccess();
        } catch (CommandException e) {
            throw new RulesetLoadException("cannot load the ruleset: " + e.getMessage(), e);
        }
    }
}
