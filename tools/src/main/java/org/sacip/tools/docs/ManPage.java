package org.sacip.tools.docs;

import java.util.List;
import java.util.stream.Collectors;

import org.sacip.tools.cli.GlobalOptions;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Renders sacipctl.8 from the picocli model, so the man page lists exactly the options the parser accepts. The
 * prose sections (exit status, files, examples) are written here, next to the structure they describe.
 */
public final class ManPage {
    static final List<String> EXIT_STATUS = List.of(
            "0", "Success.",
            "1", "The agent replied with an error; sacipctl prints \"sacipctl: CODE: MESSAGE\" (codes: bad_request, "
                    + "unsupported_version, unknown_command, too_large, timeout, failed, internal, busy).",
            "2", "Usage error: unknown option, bad value, events without \\-\\-follow, flush without \\-\\-yes when stdin "
                    + "is not a terminal. Nothing is sent to the agent.",
            "3", "The agent is not running: the socket is missing or the connection was refused (also when the agent "
                    + "closes a followed event stream).",
            "4", "Permission denied: the socket refused the connection (EACCES) or the agent refused the command "
                    + "(error code permission). Run as root or as a member of the sacip group.",
            "5", "Protocol error: the reply was not JSON, had the wrong protocol version or shape, or did not come "
                    + "within 5 seconds.");

    static final List<String> EXAMPLES = List.of(
            "sacipctl status",
            "sacipctl sessions \\-t \\-\\-state active \\-\\-dst 198.18.10.2:22",
            "sacipctl sessions \\-\\-src '[2001:db8::2]:40000' \\-j",
            "sacipctl peers \\-p",
            "sacipctl events \\-f",
            "sudo sacipctl flush \\-\\-yes");

    private ManPage() {
    }

    public static String render(CommandLine commandLine, String version) {
        CommandSpec root = commandLine.getCommandSpec();
        StringBuilder out = new StringBuilder();
        out.append(".TH SACIPCTL 8 \"\" \"sacipctl ").append(Roff.text(version)).append("\" \"SACIP\"\n");
        out.append(".SH NAME\n").append("sacipctl \\- inspect and control the SACIP agent\n");

        out.append(".SH SYNOPSIS\n");
        out.append(".B sacipctl\n").append("[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fICOMMAND OPTIONS\\fR]\n");
        for (CommandLine sub : root.subcommands().values()) {
            out.append(".br\n").append(synopsis(sub.getCommandSpec())).append('\n');
        }

        out.append(".SH DESCRIPTION\n");
        out.append(Roff.text(String.join(" ", root.usageMessage().description()))).append('\n');
        out.append(".PP\n").append(Roff.text("sacipctl talks to the running sacip-agent over its control socket, "
                + "one JSON request line and one JSON reply line per command (docs/CONTROL.md). The human views "
                + "print aligned columns like ss(8), with a header line even when a list is empty; scripts should "
                + "use -j, which prints the agent's payload exactly as sent (for sessions with filters, the "
                + "filtered array). Times are shown as the agent sends them (ISO 8601); ages and uptimes as short "
                + "durations such as 42s, 5m12s, 3h04m; an unknown value as \"-\".")).append('\n');
        out.append(".PP\n").append(Roff.text("Global options are accepted before or after the command name."))
                .append('\n');

        out.append(".SH OPTIONS\n");
        for (OptionSpec option : root.options()) {
            appendOption(out, option);
        }

        out.append(".SH COMMANDS\n");
        for (CommandLine sub : root.subcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            out.append(".SS ").append(Roff.text(spec.name())).append('\n');
            out.append(Roff.text(String.join(" ", spec.usageMessage().description()))).append('\n');
            for (OptionSpec option : ownOptions(spec)) {
                appendOption(out, option);
            }
        }

        out.append(".SH EXIT STATUS\n");
        for (int i = 0; i < EXIT_STATUS.size(); i += 2) {
            out.append(".TP\n.B ").append(EXIT_STATUS.get(i)).append('\n')
                    .append(escapeKeepingDashes(EXIT_STATUS.get(i + 1))).append('\n');
        }

        out.append(".SH ENVIRONMENT\n.TP\n.B ").append(GlobalOptions.SOCKET_ENV).append('\n')
                .append(Roff.text("The control socket when --socket is not given.")).append('\n');

        out.append(".SH FILES\n.TP\n.I ").append(Roff.text(GlobalOptions.DEFAULT_SOCKET)).append('\n')
                .append(Roff.text("The agent's control socket. Listing needs access to it (root, or the group the agent gives it); flush needs root."))
                .append('\n');

        out.append(".SH EXAMPLES\n");
        for (String example : EXAMPLES) {
            out.append(".PP\n.nf\n").append(example).append("\n.fi\n");
        }

        out.append(".SH SEE ALSO\n").append(".BR sacip\\-agent (8),\n.BR ss (8)\n");
        return out.toString();
    }

    /** The command's own options: not the inherited globals, not -h/-V. */
    static List<OptionSpec> ownOptions(CommandSpec spec) {
        return spec.options().stream()
                .filter(o -> !o.inherited() && !o.usageHelp() && !o.versionHelp() && !o.hidden())
                .collect(Collectors.toList());
    }

    private static String synopsis(CommandSpec spec) {
        StringBuilder line = new StringBuilder(".B sacipctl ").append(Roff.text(spec.name()));
        for (OptionSpec option : ownOptions(spec)) {
            line.append("\n[").append(Roff.bold(option.longestName()));
            if (option.arity().max() > 0) {
                line.append(' ').append(Roff.italic(option.paramLabel()));
            }
            line.append(']');
        }
        return line.toString();
    }

    private static void appendOption(StringBuilder out, OptionSpec option) {
        out.append(".TP\n");
        out.append(option.names().length == 0 ? "" : java.util.Arrays.stream(option.names()).map(Roff::bold)
                .collect(Collectors.joining(", ")));
        if (option.arity().max() > 0) {
            out.append(' ').append(Roff.italic(option.paramLabel()));
        }
        out.append('\n').append(Roff.text(String.join(" ", option.description()))).append('\n');
    }

    /** For prose that already carries roff escapes (\-): only guard a leading dot. */
    private static String escapeKeepingDashes(String roff) {
        return roff.startsWith(".") ? "\\&" + roff : roff;
    }
}
