package org.sacip.lab.handover;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.sacip.control.ControlCommand;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.attack.Addresses;
import org.sacip.lab.attack.VerifiedStream;
import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.StrictNat;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.testing.Eventually;

/**
 * The roaming lab with agents in A and B, for the handover tests: A's address X on uplink 1, Y on uplink 2 once it
 * moved there, B's address; verified streams from X to B; NATs on the router in front of A's uplinks; waits on what
 * A's agent says about a stream's session and its peer. The attackers' variant adds M on A's first LAN and E
 * off-path (TopologyBuilder). Closing tears the lab down (agents first).
 */
public final class RoamingWithAgents implements AutoCloseable {
    static final long STATE_LIMIT_MS = 15_000;
    /** Where the router masquerades A's uplinks to: its address on B's link. */
    static final String NAT = "198.18.10.1";
    private static int nextPort = 5101;

    public final Lab lab;
    public final Topology topology;
    public final Agents agents;
    public final InetAddress x;
    public final InetAddress y;
    public final InetAddress b;

    RoamingWithAgents(Family family) {
        this(family, TopologyKind.ROAMING, List.of("a", "b"));
    }

    /** The lab of {@code kind} (roaming or attackers) with agents in {@code agentHosts}. */
    public RoamingWithAgents(Family family, TopologyKind kind, List<String> agentHosts) {
        this.lab = new Lab();
        try {
            this.topology = TopologyBuilder.build(lab, kind, family);
            this.agents = Agents.startIfPresent(lab, ProjectRoot.find(), agentHosts);
            assertTrue(agents.running(), agents.note());
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
        this.x = Addresses.of(family, 1, 2);
        this.y = Addresses.of(family, 2, 2);
        this.b = Addresses.of(family, 10, 2);
    }

    /**
     * R masquerades A's uplinks {@code subnets} (1, 2; uplink 1 is also M's LAN) behind its address on B's side as a
     * strict home router and its ISP would: SACIP's ICMP from behind it dropped, nothing unsolicited let in, and what
     * conntrack calls invalid dropped, forwarded or addressed to R itself (a lenient NAT would answer the latter with
     * a reset from its public address). Without {@code random} a port is kept unless another inside host's flow to
     * the same peer endpoint has it already (the NAT then remaps the newcomer's).
     */
    public void strictNat(boolean random, int... subnets) {
        lab.run("r", "nft", StrictNat.rules(random, subnets));
    }

    /** {@link #strictNat} with random ports in front of uplink 1 and/or 2 of A's. */
    void behindStrictNats(boolean uplink1, boolean uplink2) {
        strictNat(true, uplink1 && uplink2 ? new int[] {1, 2} : uplink1 ? new int[] {1} : uplink2 ? new int[] {2}
                : new int[0]);
    }

    /**
     * B as a public host is run: strict rp_filter, and a stateful firewall whose input policy is drop (established
     * and related accepted, the agent port and the streams' ports, TCP and UDP, open).
     */
    public void protectB() {
        lab.sysctl("b", "net.ipv4.conf.all.rp_filter", "1");
        lab.sysctl("b", "net.ipv4.conf.default.rp_filter", "1");
        lab.run("b", "sh", "-c", "for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 1 > $f; done");
        lab.run("b", "nft", "add table inet firewall; "
                + "add chain inet firewall input { type filter hook input priority filter; policy drop; }; "
                + "add rule inet firewall input ct state established,related accept; "
                + "add rule inet firewall input iif lo accept; "
                + "add rule inet firewall input udp dport 4253 accept; "
                + "add rule inet firewall input tcp dport 5101-5199 accept; "
                + "add rule inet firewall input udp dport 5101-5199 accept; "
                + "add rule inet firewall input icmp type echo-request accept");
    }

    /** A verified stream from X to a port of B's of its own. */
    public VerifiedStream openStream() {
        return openStream(TrafficKind.GAP, Map.of());
    }

    /** A verified stream of {@code kind} from X to a port of B's of its own, both ends given {@code options}. */
    VerifiedStream openStream(TrafficKind kind, Map<String, String> options) {
        return VerifiedStream.open(lab, kind, options, "a", x, "b", nextPortAtB());
    }

    /** A port of B's that no other stream of this JVM's uses, open in {@link #protectB}'s firewall. */
    InetSocketAddress nextPortAtB() {
        return new InetSocketAddress(b, streamPort());
    }

    /** A port of B's for streams, in the range B's firewall admits, that no other stream of this JVM uses. */
    public static synchronized int streamPort() {
        return nextPort++;
    }

    public MoveEvent move(MoveKind kind) {
        return new Mover(topology).move(new MoveStep("a", 0, 1, kind, 0));
    }

    /** The move with {@code betweenHalves} run where the lab would pause between its two halves. */
    public MoveEvent move(MoveKind kind, Runnable betweenHalves) {
        return new Mover(topology).move(new MoveStep("a", 0, 1, kind, 0), betweenHalves);
    }

    /** A's move back from uplink 2 to uplink 1 (to X), with {@code betweenHalves} run between its halves. */
    MoveEvent moveHome(MoveKind kind, Runnable betweenHalves) {
        return new Mover(topology).move(new MoveStep("a", 1, 0, kind, 0), betweenHalves);
    }

    /** A's row for the stream's session, once A's agent lists it and it satisfies {@code state}. */
    public JsonNode awaitSessionAtA(VerifiedStream stream, String what, Predicate<JsonNode> state) {
        return awaitSessionAtA(stream.clientPort(), what, state);
    }

    /** A's row for the session from X's {@code port}, once A's agent lists it and it satisfies {@code state}. */
    JsonNode awaitSessionAtA(int port, String what, Predicate<JsonNode> state) {
        return awaitSessionAtA(Addresses.endpoint(x, port), what, state);
    }

    /** A's row for the session of its socket at {@code local} (ADDRESS:PORT), once it satisfies {@code state}. */
    public JsonNode awaitSessionAtA(String local, String what, Predicate<JsonNode> state) {
        AgentControl control = agents.control("a");
        return Eventually.await(Duration.ofMillis(STATE_LIMIT_MS), () -> sessionRow(control, local),
                row -> row.isPresent() && state.test(row.get()),
                () -> "A's agent lists the session of " + local + " " + what + "\n" + diagnostics()).orElseThrow();
    }

    /** B's row whose {@code field} (remote, or peer_own where a NAT translated the peer) is {@code endpoint}. */
    JsonNode rowAtB(String field, String endpoint) {
        List<JsonNode> rows = new ArrayList<>();
        agents.control("b").request(ControlCommand.SESSIONS).forEach(rows::add);
        return rows.stream().filter(row -> row.path(field).asText().equals(endpoint)).findFirst().orElse(null);
    }

    /** As soon as A's {@code peers} answer shows a key with B (sessions bound to it or not yet). */
    long awaitKeyShownAtA() {
        long start = System.nanoTime();
        AgentControl control = agents.control("a");
        String peer = Addresses.text(b);
        Eventually.await(Duration.ofMillis(STATE_LIMIT_MS), () -> keyShown(control, peer),
                () -> "A's agent shows a key with " + peer + " in its peers answer");
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** A's and B's agents' sessions answers, for failure messages and the printed figures. */
    public String sessions() {
        return "A: " + agents.sessions("a") + "\nB: " + agents.sessions("b");
    }

    /**
     * Both agents' sessions, status (counters, drops), their kernels' drops and the last lines of their logs, for
     * failure messages; a part that cannot be had (an agent gone) says so instead of hiding the rest.
     */
    String diagnostics() {
        return orWhyNot(this::sessions) + "\nA's status: " + orWhyNot(() -> agents.control("a").status().toString())
                + "\nB's status: " + orWhyNot(() -> agents.control("b").status().toString())
                + "\nA's kernel: " + orWhyNot(() -> kernelDrops("a")) + "\nB's kernel: "
                + orWhyNot(() -> kernelDrops("b")) + "\nA's log:\n" + logOf("a") + "\nB's log:\n" + logOf("b");
    }

    private static String orWhyNot(Supplier<String> part) {
        try {
            return part.get();
        } catch (RuntimeException e) {
            return "(not available: " + e.getMessage() + ")";
        }
    }

    /**
     * Where a host's kernel dropped packets of its own (full socket buffers, its devices' queues) and the path MTUs
     * it learnt.
     */
    private String kernelDrops(String host) {
        String counters = lab.run(host, "nstat", "-asz", "UdpRcvbufErrors", "UdpSndbufErrors", "UdpInErrors",
                "TcpExtTCPBacklogDrop");
        return counters.strip().replace('\n', ';') + "\n" + lab.run(host, "ip", "-s", "-o", "link").strip()
                + "\nroute cache: " + lab.run(host, "ip", "-4", "route", "show", "cache").strip();
    }

    /** The last lines of a host's agent log, for failure messages. */
    public String logOf(String host) {
        List<String> lines = agents.logLines(host, "");
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** A's agent's log lines about its moves: when each was planned and how long its peers took to confirm. */
    String movesAtA() {
        return String.join("\n", agents.logLines("a", "Handover: move"));
    }

    private static boolean keyShown(AgentControl control, String peer) {
        try {
            for (JsonNode row : control.request(ControlCommand.PEERS)) {
                if (row.path("address").asText().equals(peer) && row.path("key_id").isTextual()) {
                    return true;
                }
            }
            return false;
        } catch (LabException noAnswerYet) {
            return false;
        }
    }

    private static Optional<JsonNode> sessionRow(AgentControl control, String local) {
        List<JsonNode> rows = new ArrayList<>();
        control.request(ControlCommand.SESSIONS).forEach(rows::add);
        return rows.stream().filter(row -> row.path("local").asText().equals(local)).findFirst();
    }

    /** A row whose session is bound to a key. */
    public static boolean bound(JsonNode row) {
        return row.path("key").isTextual();
    }

    /** A row whose session sends from {@code endpoint} with the peer's confirmation. */
    static Predicate<JsonNode> activeFrom(String endpoint) {
        return row -> "active".equals(row.path("state").asText())
                && row.path("active_local").asText().equals(endpoint);
    }

    /** A row whose session sends from its own endpoint again, on the peer's confirmation. */
    static Predicate<JsonNode> backHome(String endpoint) {
        return row -> row.path("active_local").asText().equals(endpoint)
                && row.path("send_from").asText().equals(endpoint) && "bound".equals(row.path("state").asText());
    }

    @Override
    public void close() {
        lab.close();
    }
}
