package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sacip.control.ControlCommand;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.AgentSession;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.scenario.Verdict;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.StreamDrain;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.testing.Eventually;

/**
 * Attackers against two agents, top to bottom: M on A's LAN and E off-path behind the router (no ingress filtering)
 * send forged updates under invented keys, random and truncated messages before A moves; after the move they replay
 * the real updates the router saw, flip MAC bits, write their own address into real updates, and finally E floods
 * B with 10,000 forged updates a second for 10 s. The stream must survive untouched, B must still send to A's real
 * new address, every kind of forgery must be counted by its reason, and B's agent must keep answering its control
 * socket throughout the flood (how fast it answers and how much CPU it uses are printed, not asserted).
 */
class AttackScenarioTest {
    private static final Duration KEYS_LIMIT = Duration.ofSeconds(30);
    private static final Duration CAPTURE_LIMIT = Duration.ofSeconds(10);
    private static final Duration COUNT_LIMIT = Duration.ofSeconds(10);
    private static final int FLOOD_PER_SECOND = 10_000;
    private static final int FLOOD_SECONDS = 10;

    private static final Inet4Address A_ORIGINAL = v4("198.18.1.2");
    private static final Inet4Address A_NEW = v4("198.18.2.2");
    private static final Inet4Address B = v4("198.18.10.2");
    private static final Inet4Address M = v4("198.18.1.66");
    private static final Inet4Address E = v4("198.18.20.2");

    private final Forgeries forge = new Forgeries();

    @Test
    void forgedMutatedReplayedAndFloodedUpdatesRedirectNothing() throws Exception {
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ATTACKERS, Family.IPV4);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            AgentControl controlB = new AgentControl(Path.of("/run/sacip-lab", lab.ns("b"), "control.sock"));
            Path capture = Files.createTempFile("sacip-attack", ".pcap");
            Path captureLog = Files.createTempFile("sacip-attack", ".log");
            Process tcpdump = startCapture(lab, capture, captureLog);

            Endpoint server = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", "198.18.10.2:5001",
                    "count", "1"));
            server.await("ready", 60_000);
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.GAP, false, Map.of("bind", "198.18.1.2",
                    "connect", "198.18.10.2:5001", "count", "1"));
            String tuple = client.await("connected", 60_000).path("tuple").asText();
            server.await("connected", 60_000);
            Eventually.await(KEYS_LIMIT, () -> agents.keyAgreed("a") && agents.keyAgreed("b"),
                    () -> "a key agreed between the agents");

            try (RawIpSocket fromM = RawIpSocket.open(lab.ns("m")); RawIpSocket fromE = RawIpSocket.open(lab.ns("e"))) {
                // Before the move: made-up keys, claims that A (or B) now lives at an attacker, noise.
                for (int i = 1; i <= 20; i++) {
                    fromM.send(Ipv4Packet.icmp(M, B, forge.updateUnderInventedKey(A_ORIGINAL, M, B, i)));
                    fromE.send(Ipv4Packet.icmp(E, B, forge.updateUnderInventedKey(A_ORIGINAL, E, B, i)));
                    fromE.send(Ipv4Packet.icmp(E, A_ORIGINAL, forge.updateUnderInventedKey(B, E, A_ORIGINAL, i)));
                    fromM.send(Ipv4Packet.icmp(M, B, forge.garbage(84)));
                    fromE.send(Ipv4Packet.icmp(E, B, Forgeries.truncated(forge.garbage(84), 30)));
                }

                new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
                awaitActive(controlB, "198.18.2.2:");
                // tcpdump writes each packet as it comes (-U): once B has followed, A's update is in the file.
                List<byte[]> updates = Eventually.await(CAPTURE_LIMIT, () -> realUpdates(capture),
                        found -> !found.isEmpty(), () -> "an ADDRESS_UPDATE of A's move in the router's capture: "
                                + captured(capture));
                stopCapture(tcpdump);
                System.out.println("captured " + updates.size() + " real update(s) of A's move");

                // After the move: the real updates replayed, mutated, and rewritten to name the attackers.
                for (byte[] real : updates) {
                    byte[] icmp = Ipv4Packet.payload(real);
                    for (int i = 0; i < 3; i++) {
                        fromE.send(real);
                    }
                    fromE.send(Ipv4Packet.icmp(A_NEW, B, Forgeries.flippedMac(icmp)));
                    fromM.send(Ipv4Packet.icmp(M, B, Forgeries.namingAddress(icmp, M)));
                    fromE.send(Ipv4Packet.icmp(A_NEW, B, Forgeries.namingAddress(icmp, E)));
                    fromE.send(Ipv4Packet.icmp(A_NEW, B, Forgeries.truncated(icmp, icmp.length - 1)));
                }
                List<String> reasons = List.of("UNKNOWN_KEY", "BAD_MAC", "WRONG_ADDRESS", "MALFORMED");
                Eventually.await(COUNT_LIMIT, () -> controlB.status().path("drops"),
                        drops -> reasons.stream().allMatch(reason -> drops.path(reason).asLong() > 0),
                        () -> "B to count drops for each of " + reasons);

                // The figures are printed, not judged: how fast and how cheap depends on the machine's load.
                FloodFigures flood = flood(fromE, controlB, agents.pid("b"));
                System.out.println("flood: " + flood);
                assertTrue(flood.statusAnswers() > 0, "B's control socket never answered during the flood: " + flood);
                long counted = controlB.status().path("drops_total").asLong();
                assertTrue(counted >= flood.sent() * 9 / 10, "only " + counted + " of " + flood.sent()
                        + " forged messages counted as dropped");
            }

            client.send("quiesce");
            server.send("quiesce");
            client.await("quiesced", 30_000);
            server.await("quiesced", 30_000);
            StreamDrain.drain(List.of(client, server));
            StreamFigures figures = new StreamFigures(client.report(30_000), server.report(30_000));
            assertEquals(Verdict.SURVIVED, figures.verdict(), figures.failure());
            assertEquals(0, figures.bytesLost());
            assertEquals(0, figures.bytesCorrupted());

            List<AgentSession> sessions = controlB.sessions();
            assertEquals(1, sessions.size(), sessions.toString());
            assertTrue(sessions.get(0).activeRemote().startsWith("198.18.2.2:"), sessions.toString());
            String everything = sessions.toString() + controlB.request(ControlCommand.GHOSTS) + lab.run("b", "nft", "list",
                    "table", "inet", "sacip");
            assertFalse(everything.contains("198.18.1.66") || everything.contains("198.18.20.2"),
                    "an attacker's address reached B's agent: " + everything);
            assertTrue(tuple.startsWith("198.18.1.2:"), tuple);
            Files.deleteIfExists(capture);
            Files.deleteIfExists(captureLog);
        }
    }

    /** A's own updates from its new address (the router also saw the forgeries sent so far). */
    private static List<byte[]> realUpdates(Path capture) {
        List<byte[]> updates = new ArrayList<>();
        for (byte[] packet : packets(capture)) {
            if (Forgeries.isAddressUpdate(Ipv4Packet.payload(packet)) && Ipv4Packet.source(packet).equals(A_NEW)) {
                updates.add(packet);
            }
        }
        return updates;
    }

    private static String captured(Path capture) {
        StringBuilder text = new StringBuilder();
        for (byte[] packet : packets(capture)) {
            text.append("\n  from ").append(Ipv4Packet.source(packet)).append(" kind ")
                    .append(Ipv4Packet.payload(packet)[Forgeries.KIND_OFFSET]).append(" length ").append(packet.length);
        }
        return text.length() == 0 ? "nothing" : text.toString();
    }

    private static List<byte[]> packets(Path capture) {
        try {
            return PcapFile.ipv4Packets(capture);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What the flood did and what it cost: sent, B's status answers during it and the slowest of them, cores used
     * by B's agent.
     */
    record FloodFigures(long sent, int statusAnswers, long maxStatusMs, double cores) {
    }

    /** E sends forged updates at the target rate; meanwhile B's status is asked every 200 ms and its CPU measured. */
    private FloodFigures flood(RawIpSocket fromE, AgentControl controlB, long agentPid) throws Exception {
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            packets.add(Ipv4Packet.icmp(E, B, forge.updateUnderInventedKey(A_ORIGINAL, E, B, i + 1)));
        }
        long[] sent = {0};
        Thread sender = new Thread(() -> {
            long start = System.nanoTime();
            long total = (long) FLOOD_PER_SECOND * FLOOD_SECONDS;
            for (long n = 0; n < total; n++) {
                long due = start + n * 1_000_000_000L / FLOOD_PER_SECOND;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                if (fromE.send(packets.get((int) (n % packets.size())))) {
                    sent[0]++;
                }
            }
        }, "flood");
        long cpuBefore = cpuTicks(agentPid);
        long wallBefore = System.nanoTime();
        sender.start();
        long maxStatus = 0;
        int answers = 0;
        while (sender.isAlive()) {
            long asked = System.nanoTime();
            controlB.status();
            answers++;
            maxStatus = Math.max(maxStatus, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked));
            sender.join(200);
        }
        double seconds = (System.nanoTime() - wallBefore) / 1e9;
        double cores = (cpuTicks(agentPid) - cpuBefore) / 100.0 / seconds;
        return new FloodFigures(sent[0], answers, maxStatus, cores);
    }

    /** tcpdump at the router; returns once it says it is listening (its packets are captured from then on). */
    private static Process startCapture(Lab lab, Path file, Path log) throws Exception {
        Process tcpdump = new ProcessBuilder(lab.inHost("r", List.of("tcpdump", "-i", "rb1", "--immediate-mode", "-U", "-n", "-w",
                file.toString(), "icmp[0] == 253"))).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        lab.onTeardown(tcpdump::destroyForcibly);
        Eventually.await(CAPTURE_LIMIT, () -> {
            if (!tcpdump.isAlive()) {
                throw new AssertionError("tcpdump exited with status " + tcpdump.exitValue() + ": " + read(log));
            }
            return read(log).contains("listening on");
        }, () -> "tcpdump to listen on rb1: " + read(log));
        return tcpdump;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void stopCapture(Process tcpdump) throws InterruptedException {
        tcpdump.destroy();
        tcpdump.waitFor(5, TimeUnit.SECONDS);
    }

    private static void awaitActive(AgentControl control, String activeRemotePrefix) {
        Eventually.await(COUNT_LIMIT, control::sessions, sessions -> !sessions.isEmpty()
                && sessions.stream().allMatch(s -> s.state().equals("active")
                        && s.activeRemote().startsWith(activeRemotePrefix)), () -> "B to follow A's move");
    }

    /** utime + stime of a process, in clock ticks (100 a second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static Inet4Address v4(String literal) {
        try {
            return (Inet4Address) InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
