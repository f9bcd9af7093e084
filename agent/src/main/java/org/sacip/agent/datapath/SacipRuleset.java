package org.sacip.agent.datapath;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.nftables.NfTablesConnection;
import org.sacip.netlink.nftables.SetReference;

/**
 * The SACIP ruleset ({@code sacip.nft} next to this class): tables {@code inet sacip} and {@code arp sacip} with the
 * rewrite maps, ghost and stale sets and their chains, filled in with the configured log groups and mark bits. Loaded
 * with {@code nft -f}, which replaces an earlier copy of both tables in one transaction; the agent then changes only
 * elements, over netlink.
 */
public final class SacipRuleset {
    private static final String RESOURCE = "sacip.nft";

    private SacipRuleset() {
    }

    /** The ruleset text for these settings. */
    public static String text(DataPathSettings settings) throws DataPathException {
        String template;
        try (InputStream in = SacipRuleset.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new DataPathException("the ruleset " + RESOURCE + " is missing from the build");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataPathException("cannot read the ruleset " + RESOURCE + ": " + e.getMessage(), e);
        }
        return template.replace("@NFLOG_GROUP@", Integer.toString(settings.nflogGroup()))
                .replace("@PMTU_GROUP@", Integer.toString(settings.pathMtuGroup()))
                .replace("@FIRST_REPLY_MARK@", String.format("0x%08x", settings.firstReplyMark()))
                .replace("@RELAYED_MARK@", String.format("0x%08x", settings.relayedMark()))
                .replace("@CARRIED_MARK@", String.format("0x%08x", settings.carriedMark()))
                .replace("@TUNNEL_DEVICE@", DataPathSettings.TUNNEL_DEVICE);
    }

    /** Whether every map and set of the ruleset exists in the kernel the connection talks to. */
    public static boolean isPresent(NfTablesConnection connection) throws NetlinkException {
        for (SetReference set : SacipSets.all()) {
            if (!connection.hasSet(set)) {
                return false;
            }
        }
        return true;
    }
}
