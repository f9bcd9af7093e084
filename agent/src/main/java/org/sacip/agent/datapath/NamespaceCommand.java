package org.sacip.agent.datapath;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sacip.commands.CommandException;
import org.sacip.commands.Commands;
import org.sacip.netlink.NetNamespace;

/**
 * Runs a command ({@code nft}, {@code ip}) in the data path's namespace: through {@code nsenter --net=FILE} for
 * another namespace, so it can never act on the caller's own namespace by mistake. The deadline fires even for a
 * command that hangs (it is killed), so a stuck {@code nft} cannot hold the data path's lock for good.
 */
final class NamespaceCommand {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final List<String> prefix;

    NamespaceCommand(NetNamespace namespace) {
        this.prefix = namespace == null ? List.of() : List.of("nsenter", "--net=" + namespace.path());
    }

    /** Runs the command with {@code input} on its standard input; returns its output, fails on a non-zero exit. */
    String run(List<String> arguments, String input) throws DataPathException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(arguments);
        try {
            return Commands.run(command, input, LIMIT).requireSuccess().stdout();
        } catch (CommandException e) {
            throw new DataPathException(e.getMessage());
        }
    }
}
