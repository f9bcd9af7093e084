package org.sacip.lab.handover;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sacip.control.ControlCommand;
import org.sacip.lab.attack.Addresses;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.topology.Family;
import org.sacip.testing.Eventually;

/**
 * Issue 13, the tunnel's MTU follows the path's: A moved onto the NAT of uplink 2 and its connection to B, full-size
 * segments both ways, is carried through the tunnel; then the link between the router and B carries only 1400
 * octets. The router answers A's larger datagrams with ICMP "fragmentation needed" (which reaches A's agent socket
 * through the NAT), B's kernel knows its own link's MTU; each agent's next send fails with EMSGSIZE, its tunnel
 * device's MTU drops to 1400 minus the tunnel's 68 octets, and the packets that could not go get a PMTU error at
 * once, so TCP resends them smaller: every byte arrives both ways, the same as was sent.
 */
class TunnelPathMtuTest {
    private static final int PORT = 5150;
    private static final int CLIENT_PORT = 45150;
    private static final int PATH_MTU = 1400;
    private static final int TUNNEL_OVERHEAD = 68;
    /**
     * Both ends: send 64 KiB blocks (16 MiB/s) until the stop file exists, then shut down writing; read to the end;
     * print what was sent and received (octets and SHA-256).
     */
    private static final String PEER = String.join("\n",
            "import socket,sys,os,hashlib,threading,time,random",
            "role,stop,seed=sys.argv[1],sys.argv[2],int(sys.argv[3])",
            "if role=='server':",
            " s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)",
            " s.bind((sys.argv[4],int(sys.argv[5])));s.listen(1);print('ready',flush=True);c,_=s.accept()",
            "else:",
            " c=socket.create_connection((sys.argv[4],int(sys.argv[5])),source_address=(sys.argv[6],int(sys.argv[7])))",
            "print('connected',flush=True)",
            "out={}",
            "def pump():",
            " h=hashlib.sha256();n=0;block=random.Random(seed).randbytes(65536)",
            " while not os.path.exists(stop):",
            "  c.sendall(block);h.update(block);n+=len(block);time.sleep(0.004)",
            " c.shutdown(socket.SHUT_WR);out['sent']='%d %s'%(n,h.hexdigest())",
            "def drain():",
            " h=hashlib.sha256();n=0",
            " while True:",
            "  d=c.recv(262144)",
            "  if not d: break",
            "  h.update(d);n+=len(d)",
            " out['received']='%d %s'%(n,h.hexdigest())",
            "t=[threading.Thread(target=pump),threading.Thread(target=drain)]",
            "[x.start() for x in t];[x.join() for x in t]",
            "print('sent',out['sent'],'received',out['received'],flush=True)");
    private static final Pattern RESULT = Pattern.compile("sent (\\d+ \\w+) received (\\d+ \\w+)");

    @Test
    void aCarriedConnectionFollowsAShrinkingPathMtuWithNothingLost() throws Exception {
        try (RoamingWithAgents lab = new RoamingWithAgents(Family.IPV4)) {
            lab.strictNat(true, 2);
            lab.protectB();
            String tag = lab.lab.ownerPid() + "-" + System.nanoTime();
            Path stopA = Path.of("/tmp/sacip-pmtu-stop-a-" + tag);
            Path stopB = Path.of("/tmp/sacip-pmtu-stop-b-" + tag);
            String b = Addresses.text(lab.b);
            Supplier<String> state = () -> "A's sockets:\n" + lab.lab.run("a", "ss", "-tin") + "\nB's sockets:\n"
                    + lab.lab.run("b", "ss", "-tin") + "\nA's status: " + lab.agents.control("a").request(
                    ControlCommand.STATUS) + "\nB's status: " + lab.agents.control("b").request(ControlCommand.STATUS)
                    + "\n" + lab.sessions() + "\nA's log:\n" + lab.logOf("a") + "\nB's log:\n" + lab.logOf("b");
            TestPeer server = start(lab, "b", "server", stopB, 2, b, PORT);
            TestPeer client = null;
            try {
                server.awaitLine("ready", state);
                client = start(lab, "a", "client", stopA, 1, b, PORT, Addresses.text(lab.x), CLIENT_PORT);
                client.awaitLine("connected", state);
                String x = Addresses.endpoint(lab.x, CLIENT_PORT);
                lab.awaitSessionAtA(x, "bound to a key", RoamingWithAgents::bound);
                lab.move(MoveKind.MAKE_BEFORE_BREAK, () -> lab.awaitSessionAtA(x, "carried through the tunnel",
                        row -> "encapsulated".equals(row.path("path").asText())));
                assertEquals(1500 - TUNNEL_OVERHEAD, mtu(lab, "a"), "the tunnel's first MTU at A");

                long shrunkAt = System.nanoTime();
                lab.lab.run("r", "ip", "link", "set", "rb1", "mtu", Integer.toString(PATH_MTU));
                lab.lab.run("b", "ip", "link", "set", "up1", "mtu", Integer.toString(PATH_MTU));
                int expected = PATH_MTU - TUNNEL_OVERHEAD;
                for (String host : List.of("a", "b")) {
                    Eventually.await(Duration.ofSeconds(15), () -> mtu(lab, host), mtu -> mtu == expected,
                            () -> host + "'s tunnel follows the path MTU down to " + expected + ": "
                                    + lab.lab.run(host, "ip", "link", "show", "sacip0") + "\n" + lab.logOf(host));
                }
                long followedMs = (System.nanoTime() - shrunkAt) / 1_000_000;
                // Another second of full-size segments through the smaller tunnel, then both ends finish.
                Thread.sleep(1_000);
                Files.createFile(stopA);
                Files.createFile(stopB);
                Matcher atA = RESULT.matcher(client.awaitLine("sent", state));
                Matcher atB = RESULT.matcher(server.awaitLine("sent", state));
                assertTrue(atA.find() && atB.find(), "both ends report");
                String report = String.format("tunnel MTU %d at both ends %d ms after the path shrank; A sent %s,"
                        + " B received %s; B sent %s, A received %s%n%s%n%s", expected, followedMs, atA.group(1),
                        atB.group(2), atB.group(1), atA.group(2), lab.agents.logLines("a", "MTU"),
                        lab.agents.logLines("b", "MTU"));
                System.out.println(report);
                assertAll(
                        () -> assertEquals(atA.group(1), atB.group(2), "A to B, every byte: " + report),
                        () -> assertEquals(atB.group(1), atA.group(2), "B to A, every byte: " + report));
            } finally {
                server.process.destroyForcibly();
                if (client != null) {
                    client.process.destroyForcibly();
                }
                Files.deleteIfExists(stopA);
                Files.deleteIfExists(stopB);
            }
        }
    }

    /** One end of the test connection: a Python process in a host, and its output read line by line. */
    private static final class TestPeer {
        final Process process;
        final BufferedReader output;
        final StringBuilder seen = new StringBuilder();

        TestPeer(Process process) {
            this.process = process;
            this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /**
         * The first line of its output from now on that starts with {@code prefix}, within 30 s; else the failure
         * says what it wrote and {@code state} (the hosts' sockets and agents).
         */
        String awaitLine(String prefix, Supplier<String> state) throws Exception {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String next = output.readLine(); next != null; next = output.readLine()) {
                        if (next.startsWith(prefix)) {
                            return next;
                        }
                        seen.append(next).append('\n');
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            });
            String found;
            try {
                found = line.get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                found = null;
            }
            if (found == null) {
                throw new AssertionError("no line '" + prefix + "' from the test peer within 30 s; it wrote:\n"
                        + seen + "\n" + state.get());
            }
            return found;
        }
    }

    private static TestPeer start(RoamingWithAgents lab, String host, String role, Path stop, int seed,
            Object... endpoints) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", "-c", PEER, role, stop.toString(),
                Integer.toString(seed)));
        for (Object endpoint : endpoints) {
            command.add(endpoint.toString());
        }
        return new TestPeer(new ProcessBuilder(lab.lab.inHost(host, command)).redirectErrorStream(true).start());
    }

    private static int mtu(RoamingWithAgents lab, String host) {
        Matcher mtu = Pattern.compile(" mtu (\\d+) ").matcher(lab.lab.run(host, "ip", "link", "show", "sacip0"));
        return mtu.find() ? Integer.parseInt(mtu.group(1)) : -1;
    }
}
