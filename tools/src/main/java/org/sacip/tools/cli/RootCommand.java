package org.sacip.tools.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** sacipctl itself: the global options; the work is in the subcommands. */
@Command(name = "sacipctl", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = ClientVersion.Provider.class, sortOptions = false, usageHelpAutoWidth = true,
        description = "Inspect and control the SACIP agent through its control socket.",
        footerHeading = "%nExit status:%n",
        footer = {"  0  ok", "  1  the agent replied with an error", "  2  usage error",
                "  3  the agent is not running (socket missing or connection refused)",
                "  4  permission denied (are you root or in the sacip group?)",
                "  5  protocol error (reply not JSON, wrong version, or no reply within 5 s)"})
public final class RootCommand implements Callable<Integer> {
    @Mixin
    private final GlobalOptions globals;

    @Spec
    private CommandSpec spec;

    public RootCommand(GlobalOptions globals) {
        this.globals = globals;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing command: one of " + String.join(", ", spec.subcommands().keySet()));
    }
}
