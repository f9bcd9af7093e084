package org.sacip.tools.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The everyday command lines, run without building picocli's command model: one of {@code status}, {@code sessions}
 * (unfiltered), {@code peers}, {@code ghosts} or {@code version}, with at most {@code --socket PATH} (or
 * {@code --control-socket}, or either with {@code =PATH}), {@code -j/--json} and {@code -p/--pretty}, each at most
 * once, before or after the command. Reading the annotations of every command was about half of sacipctl's start;
 * these lines run the same command objects with the same options, so their output and exit status are the same.
 * Anything else (help, filters, a repeated or unknown option, an option without its value) is left to picocli, which
 * parses it and reports its errors.
 */
public final class DirectRun {
    private DirectRun() {
    }

    /** The exit status of the command line, or empty when picocli must parse it. */
    public static Optional<Integer> tryRun(Invocation invocation, String... args) {
        Optional<Line> line = parse(args);
        if (line.isEmpty()) {
            return Optional.empty();
        }
        GlobalOptions globals = new GlobalOptions();
        globals.set(line.get().socket(), line.get().json(), line.get().pretty());
        Callable<Integer> command = switch (line.get().command()) {
            case "status" -> new StatusCommand(invocation, globals);
            case "sessions" -> new SessionsCommand(invocation, globals);
            case "peers" -> new PeersCommand(invocation, globals);
            case "ghosts" -> new GhostsCommand(invocation, globals);
            case "version" -> new VersionCommand(invocation, globals);
            default -> throw new IllegalStateException("not a direct command: " + line.get().command());
        };
        try {
            return Optional.of(command.call());
        } catch (Exception e) {
            return Optional.of(new FailureHandler(invocation.err()).report(e));
        }
    }

    /** What a direct command line says; {@code socket} is null when not given. */
    record Line(String command, Path socket, boolean json, boolean pretty) {
    }

    /** The line, when every argument is one a direct run understands; empty otherwise. */
    static Optional<Line> parse(String... args) {
        String command = null;
        String socket = null;
        boolean json = false;
        boolean pretty = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            if (arg.equals("--socket") || arg.equals("--control-socket")) {
                if (i + 1 >= args.length) {
                    return Optional.empty();
                }
                value = args[++i];
            } else if (arg.startsWith("--socket=") || arg.startsWith("--control-socket=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            }
            if (value != null) {
                // An empty or option-like value is picocli's to judge.
                if (socket != null || value.isEmpty() || value.startsWith("-")) {
                    return Optional.empty();
                }
                socket = value;
            } else if (arg.equals("-j") || arg.equals("--json")) {
                if (json) {
                    return Optional.empty();
                }
                json = true;
            } else if (arg.equals("-p") || arg.equals("--pretty")) {
                if (pretty) {
                    return Optional.empty();
                }
                pretty = true;
            } else if (command == null && isDirect(arg)) {
                command = arg;
            } else {
                return Optional.empty();
            }
        }
        if (command == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Line(command, socket == null ? null : Path.of(socket), json, pretty));
        } catch (IllegalArgumentException e) {
            // Not a path (a NUL byte): picocli's converter says so.
            return Optional.empty();
        }
    }

    private static boolean isDirect(String arg) {
        return switch (arg) {
            case "status", "sessions", "peers", "ghosts", "version" -> true;
            default -> false;
        };
    }
}
