package org.sacip.tools.cli;

import picocli.CommandLine;

/** Builds the sacipctl command tree, used to run it and to render its man page and completion. */
public final class CommandLineFactory {
    private CommandLineFactory() {
    }

    public static CommandLine create(Invocation invocation) {
        GlobalOptions globals = new GlobalOptions();
        CommandLine commandLine = new CommandLine(new RootCommand(globals));
        commandLine.addSubcommand(new StatusCommand(invocation, globals));
        commandLine.addSubcommand(new SessionsCommand(invocation, globals));
        commandLine.addSubcommand(new PeersCommand(invocation, globals));
        commandLine.addSubcommand(new GhostsCommand(invocation, globals));
        commandLine.addSubcommand(new EventsCommand(invocation, globals));
        commandLine.addSubcommand(new FlushCommand(invocation, globals));
        commandLine.addSubcommand(new VersionCommand(invocation, globals));
        commandLine.setOut(invocation.out());
        commandLine.setErr(invocation.err());
        commandLine.setParameterExceptionHandler(new UsageErrorHandler(invocation.err()));
        commandLine.setExecutionExceptionHandler(new FailureHandler(invocation.err()));
        return commandLine;
    }
}
