package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/**
 * Starving a pair's key agreement with messages in its name: E (off-path, no ingress filter) sends B 20 HELLOs and
 * 20 INITs with made-up cookies a second that claim to come from A, and sends A as many claiming to come from B.
 * None of them can pass a cookie check; a limit charged to their claimed source would still lock A and B out of
 * each other. While that goes on, A connects to B: both agents must agree a key.
 */
class SpoofedHandshakeFloodTest {
    private static final double PER_SECOND_EACH_WAY = 40;
    private static final long KEY_LIMIT_MS = 20_000;
    private static final int PORT = 5001;

    @Test
    void hellosAndInitsSpoofedInAPeersNameDoNotStopItsKeyAgreement() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            Forgeries forge = new Forgeries();
            try (RawIpSocket fromE = RawIpSocket.open(lab.ns("e"), false)) {
                // Even-numbered messages are HELLOs, odd ones INITs; the name alternates between A's and B's.
                PacedSender flood = PacedSender.start("HELLO/INIT in A's and B's names", fromE, Integer.MAX_VALUE,
                        2 * PER_SECOND_EACH_WAY, i -> {
                            boolean towardsB = i % 4 < 2;
                            var message = i % 2 == 0 ? forge.hello() : forge.initWithJunkCookie();
                            return towardsB ? Forgeries.packet(message, x, b) : Forgeries.packet(message, b, x);
                        });
                Waits.until("the spoofed messages reach B's agent", 10_000,
                        () -> agents.control("b").status().path("drops"),
                        drops -> drops.path("BAD_COOKIE").asLong() + drops.path("RATE_LIMITED").asLong() > 0);

                TcpSink.listen(lab, "b", new InetSocketAddress(b, PORT));
                TcpClients.connect(lab, "a", List.of(new InetSocketAddress(x, 0)), new InetSocketAddress(b, PORT),
                        10_000);
                // Key ids A holds with B, and B with A.
                Waits.Outcome<List<List<String>>> keys = Waits.poll(KEY_LIMIT_MS,
                        () -> List.of(PeerKeys.lineages(agents.control("a"), Addresses.text(b)),
                                PeerKeys.lineages(agents.control("b"), Addresses.text(x))),
                        both -> !both.get(0).isEmpty() && !both.get(1).isEmpty());
                PacedSender.Report spoofed = flood.stop();
                System.out.printf("spoofed handshake flood: %s; keys (A's, B's) %s after %d ms; B's drops %s%n",
                        spoofed, keys.last(), keys.afterMs(), agents.control("b").status().path("drops"));
                assertAll(
                        () -> assertTrue(!keys.last().get(0).isEmpty(), "A agreed no key with B within "
                                + KEY_LIMIT_MS + " ms while HELLOs and INITs in its name (and B's) were spoofed"),
                        () -> assertTrue(!keys.last().get(1).isEmpty(), "B agreed no key with A within "
                                + KEY_LIMIT_MS + " ms"));
            }
        }
    }
}
