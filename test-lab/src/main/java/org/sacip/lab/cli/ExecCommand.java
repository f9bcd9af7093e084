package org.sacip.lab.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.sacip.lab.LabException;
import org.sacip.lab.LabNames;
import org.sacip.lab.Leftovers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a command in a host of the lab started with 'up', with the terminal attached; exits with its code. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Run a command inside a host of the lab started with 'up'.")
public final class ExecCommand implements Callable<Integer> {
    @Option(names = "--lab", paramLabel = "PID", description = "owner pid of the lab, when several are up")
    Long labPid;

    @Parameters(index = "0", paramLabel = "HOST", description = "a, b, r, and m or e in the attackers topology")
    String host;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "the command and its arguments")
    List<String> command;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!LabNames.isHostName(host)) {
            throw new UsageException("bad host name '" + host + "'");
        }
        long owner = chooseLab();
        List<LabNames.LabNamespace> namespaces = Leftovers.ownedBy(owner);
        String ns = namespaces.stream().filter(n -> n.host().equals(host)).map(LabNames.LabNamespace::name)
                .findFirst().orElseThrow(() -> new UsageException("no host '" + host + "' in the lab of " + owner
                        + " (hosts: " + namespaces.stream().map(LabNames.LabNamespace::host).collect(Collectors.joining(", ")) + ")"));
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(command);
        try {
            return new ProcessBuilder(full).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new LabException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    private long chooseLab() {
        List<Long> live = RunDir.liveUpLabs();
        if (labPid != null) {
            if (!live.contains(labPid)) {
                throw new UsageException("no lab of process " + labPid + " is up (up: " + live + ")");
            }
            return labPid;
        }
        if (live.isEmpty()) {
            throw new UsageException("no lab is up; start one with: bin/sacip-lab up");
        }
        if (live.size() > 1) {
            throw new UsageException("several labs are up " + live + "; choose one with --lab PID");
        }
        return live.get(0);
    }
}
