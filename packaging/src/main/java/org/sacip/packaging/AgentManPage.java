package org.sacip.packaging;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.sacip.tools.docs.Roff;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Renders sacip-agent.8 from the agent's picocli model, as sacipctl.8 is rendered from sacipctl's (tools, ManPage):
 * the options are exactly those the parser accepts; the prose about the installed service is written here.
 */
public final class AgentManPage {
    static final List<String> EXIT_STATUS = List.of(
            "0", "Stopped after SIGTERM or SIGINT (also one that came during start\\-up); a one\\-shot option did "
                    + "its work.",
            "1", "The agent could not start (netlink, nftables, pcap, the state files), or a one\\-shot option "
                    + "failed; the reason is on standard error.",
            "2", "Usage or configuration error: unknown option, bad value, a bad config file, a state or socket "
                    + "directory that others could write.");

    static final List<String> FILES = List.of(
            "/etc/sacip/agent.conf", "The config file of the installed service (key = value lines, every key "
                    + "commented with its default).",
            "/var/lib/sacip", "Keys, peer state and moved sessions (mode 0700, owned by the service's user).",
            "/run/sacip/agent.sock", "The control socket for sacipctl(8); members of group sacip may read it.",
            "/var/cache/sacip/cds", "The class\\-data sharing archive the launcher writes on the first start.",
            "/lib/systemd/system/sacip-agent.service", "The systemd unit of the installed package.");

    static final List<String> ENVIRONMENT = List.of(
            "JAVA_HOME", "The Java runtime to run (default: java on the PATH).",
            "SACIP_AGENT_CDS", "off: start without the class\\-data sharing archive.",
            "SACIP_AGENT_CDS_DIR", "Where the launcher keeps that archive.",
            "SACIP_AGENT_JAVA_OPTIONS", "JVM options added after the launcher's own, split at blanks.");

    private AgentManPage() {
    }

    public static String render(CommandLine commandLine, String version) {
        CommandSpec spec = commandLine.getCommandSpec();
        StringBuilder out = new StringBuilder();
        out.append(".TH SACIP\\-AGENT 8 \"\" \"sacip\\-agent ").append(Roff.text(version)).append("\" \"SACIP\"\n");
        out.append(".SH NAME\n").append("sacip\\-agent \\- keep TCP and UDP sessions alive across address changes\n");
        out.append(".SH SYNOPSIS\n.B sacip\\-agent\n");
        for (OptionSpec option : options(spec)) {
            out.append("[").append(Roff.bold(option.longestName()));
            if (option.arity().max() > 0) {
                out.append(' ').append(Roff.italic(option.paramLabel()));
            }
            out.append("]\n");
        }
        out.append(".SH DESCRIPTION\n")
                .append(Roff.text(String.join(" ", spec.usageMessage().description()))).append('\n');
        out.append(".PP\n").append(Roff.text("The agent of the network namespace it runs in, in the foreground "
                + "until SIGTERM or SIGINT. It follows the host's addresses, links, routes and sessions; when an "
                + "address that carries sessions goes away it keeps the sessions' sockets on their original "
                + "addresses (a ghost address on lo, nftables maps that rewrite the addresses on the wire) and tells "
                + "the peers' agents with authenticated SACIP ICMP messages. A stop leaves everything in the "
                + "kernel, so remapped sessions keep working, and the next start resumes the saved state."))
                .append('\n');
        out.append(".PP\n").append(Roff.text("The package runs it as the systemd service sacip-agent (user sacip with "
                + "only CAP_NET_ADMIN and CAP_NET_RAW); start it with: systemctl enable --now sacip-agent. "
                + "systemctl reload sends SIGHUP.")).append('\n');
        out.append(".SH OPTIONS\n");
        for (OptionSpec option : spec.options()) {
            if (option.hidden()) {
                continue;
            }
            out.append(".TP\n").append(Arrays.stream(option.names()).map(Roff::bold).collect(Collectors.joining(", ")));
            if (option.arity().max() > 0) {
                out.append(' ').append(Roff.italic(option.paramLabel()));
            }
            String description = String.join(" ", option.description())
                    .replace("${DEFAULT-VALUE}", String.valueOf(option.defaultValue()));
            out.append('\n').append(Roff.text(description)).append('\n');
        }
        appendTagged(out, "EXIT STATUS", EXIT_STATUS, false);
        appendTagged(out, "ENVIRONMENT", ENVIRONMENT, true);
        appendTagged(out, "FILES", FILES, true);
        out.append(".SH SEE ALSO\n").append(".BR sacipctl (8),\n.BR nft (8),\n.BR systemd.exec (5)\n");
        return out.toString();
    }

    /** The options of the synopsis: everything but -h and -V. */
    private static List<OptionSpec> options(CommandSpec spec) {
        return spec.options().stream().filter(o -> !o.usageHelp() && !o.versionHelp() && !o.hidden())
                .collect(Collectors.toList());
    }

    /** Pairs of a plain tag and its prose, the prose already in roff (its hyphens escaped). */
    private static void appendTagged(StringBuilder out, String section, List<String> pairs, boolean italicTags) {
        out.append(".SH ").append(section).append('\n');
        for (int i = 0; i < pairs.size(); i += 2) {
            out.append(".TP\n").append(italicTags ? ".I " : ".B ").append(Roff.text(pairs.get(i))).append('\n')
                    .append(pairs.get(i + 1)).append('\n');
        }
    }
}
