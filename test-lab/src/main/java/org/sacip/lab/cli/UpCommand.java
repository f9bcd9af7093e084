package org.sacip.lab.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.topology.Uplink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Builds a topology and keeps it until Ctrl-C (or SIGTERM from 'sacip-lab down'), then tears it down. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Build a lab and keep it until Ctrl-C or 'sacip-lab down' from another shell.")
public final class UpCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "TOPOLOGY", defaultValue = "roaming",
            description = "two-hosts, roaming, both-roaming or attackers (default: roaming)")
    String topologyName;

    @Option(names = "--family", defaultValue = "ipv4", description = "ipv4, ipv6 or ipv6-dad (default: ipv4)")
    String familyName;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        TopologyKind kind;
        try {
            kind = TopologyKind.parse(topologyName);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        var family = FamilyOption.parse(familyName);
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch forever = new CountDownLatch(1);
        Lab lab = new Lab();
        long pid = lab.ownerPid();
        // Teardown order on Ctrl-C or SIGTERM: agents and the marker go with the lab, in the lab's shutdown hook.
        lab.onTeardown(() -> RunDir.unmark(pid));
        try {
            Topology topology = TopologyBuilder.build(lab, kind, family);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            RunDir.mark(pid, kind.cliName() + " " + family);
            out.println("lab " + kind.cliName() + " (" + family + ") is up, owner pid " + pid);
            for (String host : lab.hosts()) {
                StringBuilder line = new StringBuilder("  " + host + "  netns " + lab.ns(host));
                for (int i = 0; i < topology.uplinkCount(host); i++) {
                    Uplink u = topology.uplink(host, i);
                    line.append("  ").append(u.ifName()).append(" ").append(u.cidr()).append(i == 0 ? "" : " (when moved here)");
                }
                out.println(line);
            }
            out.println("  " + agents.note());
            out.println("try: bin/sacip-lab exec a ip addr     (hosts: " + String.join(", ", lab.hosts()) + ")");
            out.println("stop: Ctrl-C here, or bin/sacip-lab down from another shell");
            out.flush();
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        forever.await();
        return 0;
    }
}
