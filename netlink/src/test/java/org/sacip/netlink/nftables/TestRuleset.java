package org.sacip.netlink.nftables;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sacip.netlink.NetlinkException;

/**
 * A fixed ruleset for tests ({@code test-ruleset.nft}, a copy of the agent's rewrite maps and ghost sets): tables {@code inet sacip} and {@code arp sacip}
 * with the rewrite maps, ghost sets and chains. Loaded with {@code nft -f}, which replaces an earlier copy of both
 * tables in one transaction; the agent then changes only elements, over netlink.
 */
public final class TestRuleset {
    private static final String RESOURCE = "test-ruleset.nft";
    private static final long NFT_TIMEOUT_SECONDS = 60;

    private TestRuleset() {
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
        Process process;
        try {
            process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new RulesetLoadException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        try {
            // The command may exit before reading its input (ip netns exec with a missing namespace): then the
            // write fails with a closed pipe, and the exit status and output below say why.
            IOException writeFailure = null;
            try (OutputStream in = process.getOutputStream()) {
                in.write(ruleset.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                writeFailure = e;
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(NFT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new RulesetLoadException("nft did not finish loading the ruleset");
            }
            if (process.exitValue() != 0) {
                throw new RulesetLoadException("nft refused the ruleset (exit " + process.exitValue() + "): " + output);
            }
            if (writeFailure != null) {
                throw new RulesetLoadException("nft did not read the whole ruleset: " + writeFailure.getMessage(),
                        writeFailure);
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new RulesetLoadException("loading the ruleset failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RulesetLoadException("interrupted while loading the ruleset", e);
        }
    }
}
