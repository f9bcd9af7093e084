package org.sacip.lab.cli;

import java.io.PrintWriter;
import org.sacip.lab.LabException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of bin/sacip-lab. Errors are one line on stderr: exit 2 for bad arguments, 1 when the lab failed. */
@Command(name = "sacip-lab", mixinStandardHelpOptions = true,
        description = "Network-namespace lab for SACIP: demo, hands-on topologies, cleanup, benchmarks.",
        subcommands = {DemoCommand.class, UpCommand.class, ExecCommand.class, DownCommand.class, BenchCommand.class})
public final class LabCli implements Runnable {
    public static final int BAD_ARGUMENTS = 2;
    public static final int LAB_FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: demo, up, exec, down or bench");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new LabCli());
        // "exec HOST CMD..." passes everything after HOST to the command, options included.
        cli.getSubcommands().get("exec").setStopAtPositional(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("sacip-lab: " + e.getMessage() + " (see sacip-lab --help)");
            err.flush();
            return BAD_ARGUMENTS;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UsageException) {
                err.println("sacip-lab: " + e.getMessage());
                err.flush();
                return BAD_ARGUMENTS;
            }
            String what = e instanceof LabException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            err.println("sacip-lab: " + what);
            err.flush();
            return LAB_FAILED;
        });
        return cli.execute(args);
    }
}
