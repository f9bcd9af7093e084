package org.sacip.lab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.sacip.control.ControlCommand;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.StrictNat;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/**
 * What the tunnel through a NAT costs (issue 13's benchmarks), printed: the roaming lab with agents in A and B and a
 * strict masquerading NAT on uplink 2. A opens an iperf3 TCP flow and a request/response connection (1 octet each
 * way, Python sockets) from its address X on the direct uplink 1, then moves make-before-break onto uplink 2: both go
 * through the tunnel from then on. It measures the carried flow's throughput from the tunnel's own counters over a
 * window and the agents' CPU seconds in it (utime + stime of both JVMs), then the round trips on the carried
 * connection; then the same flow and round trips on connections A opens afresh from its new address, which cross
 * the same NAT without the tunnel. Everything (both agents, the NAT, iperf3) shares this machine's cores.
 * {@code TunnelBenchmark [seconds [round trips]]}.
 */
public final class TunnelBenchmark {
    private static final String B = "198.18.10.2";
    /** Answers each octet it reads with one octet, on every connection. */
    private static final String ECHO = "import socket,threading\n"
            + "s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
            + "s.bind(('" + B + "',7000));s.listen(8)\n"
            + "def serve(c):\n"
            + " c.setsockopt(socket.IPPROTO_TCP,socket.TCP_NODELAY,1)\n"
            + " while True:\n"
            + "  d=c.recv(1)\n"
            + "  if not d: return\n"
            + "  c.sendall(d)\n"
            + "while True:\n"
            + " c,_=s.accept();threading.Thread(target=serve,args=(c,),daemon=True).start()\n";
    /** Connects from {@code source}, waits for /tmp/go-NAME, then times N round trips and prints the median. */
    private static final String ROUND_TRIPS = "import socket,sys,time,os\n"
            + "src,name,n=sys.argv[1],sys.argv[2],int(sys.argv[3])\n"
            + "c=socket.create_connection(('" + B + "',7000),source_address=(src,0))\n"
            + "c.setsockopt(socket.IPPROTO_TCP,socket.TCP_NODELAY,1)\n"
            + "c.sendall(b'x');c.recv(1)\n"
            + "open('/tmp/ready-'+name,'w').close()\n"
            + "while not os.path.exists('/tmp/go-'+name): time.sleep(0.05)\n"
            + "t=[]\n"
            + "for i in range(n):\n"
            + " s=time.perf_counter_ns();c.sendall(b'x');c.recv(1);t.append(time.perf_counter_ns()-s)\n"
            + "t.sort();print('%d %d %d'%(t[len(t)//2],t[len(t)*9//10],t[len(t)*99//100]))\n";

    private TunnelBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int roundTrips = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path root = ProjectRoot.find();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            lab.run("r", "nft", StrictNat.rules(true, 2));
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            if (!agents.running()) {
                throw new IllegalStateException(agents.note());
            }
            String tag = Long.toString(ProcessHandle.current().pid());
            lab.run("b", "sh", "-c", "iperf3 -s -D -p 5201 -B " + B);
            // A server of its own for the direct flow: one iperf3 server runs one test at a time.
            lab.run("b", "sh", "-c", "iperf3 -s -D -p 5202 -B " + B);
            lab.run("b", "sh", "-c", "python3 -c \"$0\" >/dev/null 2>&1 &", ECHO);
            Thread.sleep(500);
            lab.run("a", "sh", "-c", "iperf3 -c " + B + " -p 5201 -B 198.18.1.2 -t " + (seconds + 30)
                    + " >/dev/null 2>&1 &");
            lab.run("a", "sh", "-c", "python3 -c \"$0\" 198.18.1.2 carried" + tag + " " + roundTrips
                    + " > /tmp/rtt-carried" + tag + " 2>&1 &", ROUND_TRIPS);
            awaitFile(lab, "/tmp/ready-carried" + tag);
            awaitBound(agents);
            new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0),
                    () -> awaitCarried(agents));
            awaitCarried(agents);
            Thread.sleep(2000);

            long octets0 = tunnelOctets(agents);
            long cpuA0 = ProcStat.cpuMicros(agents.pid("a"));
            long cpuB0 = ProcStat.cpuMicros(agents.pid("b"));
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long octets = tunnelOctets(agents) - octets0;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            double cpuA = (ProcStat.cpuMicros(agents.pid("a")) - cpuA0) / 1e6;
            double cpuB = (ProcStat.cpuMicros(agents.pid("b")) - cpuB0) / 1e6;
            double gbit = octets * 8 / elapsed / 1e9;
            // Only A's client: every namespace shares one process table.
            lab.run("a", "sh", "-c", "pkill -f 'iperf3 -[c] " + B + " -p 5201' || true");
            Thread.sleep(500);

            lab.run("a", "sh", "-c", "touch /tmp/go-carried" + tag);
            String carriedRtt = awaitOutput(lab, "/tmp/rtt-carried" + tag);
            System.out.printf(Locale.ROOT, "carried TCP flow (iperf3, through the tunnel): %.2f Gbit/s over %.1f s;"
                    + " CPU A %.2f s, B %.2f s = %.2f and %.2f CPU s per Gbit%n", gbit, elapsed, cpuA, cpuB,
                    cpuA / (gbit * elapsed), cpuB / (gbit * elapsed));
            String direct = lab.run("a", "sh", "-c", "iperf3 -c " + B + " -p 5202 -B 198.18.2.2 -t " + seconds
                    + " -J | python3 -c \"import json,sys; j=json.load(sys.stdin); print(j['end']['sum_received']"
                    + "['bits_per_second'] if 'sum_received' in j['end'] else 'error: ' + j.get('error', '?'))\"")
                    .strip();
            lab.run("a", "sh", "-c", "python3 -c \"$0\" 198.18.2.2 direct" + tag + " " + roundTrips
                    + " > /tmp/rtt-direct" + tag + " 2>&1 &", ROUND_TRIPS);
            awaitFile(lab, "/tmp/ready-direct" + tag);
            lab.run("a", "sh", "-c", "touch /tmp/go-direct" + tag);
            String directRtt = awaitOutput(lab, "/tmp/rtt-direct" + tag);
            lab.run("a", "sh", "-c", "rm -f /tmp/*-carried" + tag + " /tmp/*-direct" + tag);

            System.out.println("direct TCP flow through the same NAT (no tunnel): " + (direct.startsWith("error")
                    ? direct : String.format(Locale.ROOT, "%.2f Gbit/s", Double.parseDouble(direct) / 1e9)));
            System.out.println("round trips (" + roundTrips + ", 1 octet, median p90 p99 in µs): carried "
                    + micros(carriedRtt) + ", direct " + micros(directRtt));
        }
    }

    private static long tunnelOctets(Agents agents) {
        JsonNode udp = agents.control("a").status().path("udp");
        return udp.path("tunnel_octets_out").asLong() + udp.path("tunnel_octets_in").asLong();
    }

    private static void awaitBound(Agents agents) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            int bound = 0;
            for (JsonNode row : agents.control("a").request(ControlCommand.SESSIONS)) {
                bound += row.path("key").isTextual() ? 1 : 0;
            }
            if (bound >= 3) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("A's sessions were not bound: " + agents.sessions("a"));
    }

    private static void awaitCarried(Agents agents) {
        try {
            for (int i = 0; i < 300; i++) {
                int carried = 0;
                for (JsonNode row : agents.control("b").request(ControlCommand.SESSIONS)) {
                    carried += "encapsulated".equals(row.path("path").asText()) ? 1 : 0;
                }
                if (carried >= 3) {
                    return;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the sessions are not carried: " + agents.sessions("b"));
    }

    private static void awaitFile(Lab lab, String file) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (lab.run("a", "sh", "-c", "test -e " + file + " && echo yes || true").contains("yes")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(file + " never appeared");
    }

    private static String awaitOutput(Lab lab, String file) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            String text = lab.run("a", "sh", "-c", "cat " + file + " 2>/dev/null || true").strip();
            if (!text.isEmpty()) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(file + " stayed empty");
    }

    private static String micros(String nanos) {
        String[] parts = nanos.trim().split("\\s+");
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            out.append(out.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f",
                    Long.parseLong(part) / 1000.0));
        }
        return out.toString();
    }
}
