package org.sacip.tools;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

import org.sacip.tools.cli.CommandLineFactory;
import org.sacip.tools.cli.DirectRun;
import org.sacip.tools.cli.Invocation;
import org.sacip.tools.cli.Terminal;
import org.sacip.control.ControlClient;
import org.sacip.tools.cli.ExitCode;

/** Entry point of sacipctl (bin/sacipctl). */
public final class SacipCtl {
    private SacipCtl() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, Charset.defaultCharset()), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true);
        Invocation invocation = new Invocation(out, err, System.getenv(), Terminal.system(),
                ControlClient.DEFAULT_REPLY_TIMEOUT);
        System.exit(run(invocation, args));
    }

    /** Runs one command line and returns its exit status; every failure is one line on stderr. */
    public static int run(Invocation invocation, String... args) {
        try {
            // The everyday lines skip picocli's model (half of the start); the rest is parsed by picocli.
            return DirectRun.tryRun(invocation, args)
                    .orElseGet(() -> CommandLineFactory.create(invocation).execute(args));
        } catch (RuntimeException | Error e) {
            invocation.err().println("sacipctl: unexpected error: " + e);
            invocation.err().flush();
            return ExitCode.AGENT_ERROR;
        }
    }
}
