package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.sacip.agent.datapath.KernelState.await;
import static org.sacip.agent.datapath.KernelState.elements;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.testing.TestNamespace;

/**
 * The guard notices a deletion of our table even when its event socket has just overflowed. Another program fills
 * a set of its own with so many elements that their notifications overrun the guard's receive buffer; the kernel
 * reports the overrun once and then drops every further notification to that socket, silently, until it has been
 * read empty. Right after the noise (at the latest when the guard's queue first shrinks, so while it drains), our
 * table is deleted; the socket's drop count, read around the deletion, tells whether the deletion's notifications
 * were dropped. A guard that restored when it saw the overrun, before its socket was empty, never learns of that
 * deletion (so it was before the fix, in most rounds); one that restores after draining always repairs it.
 */
@Tag("integration")
class DataPathGuardIntegrationTest {
    /** Noise elements whose notifications (about 160 bytes each) overrun the guard's 16 MiB receive buffer. */
    private static final int NOISE = 150_000;
    private static final int ROUNDS = 3;
    /**
     * The guard's socket in {@code /proc/net/netlink}: netfilter (12), in the nf_tables group (7) alone; its queued
     * bytes and drops.
     */
    private static final String GUARD_SOCKET =
            "awk '$2 == 12 && $4 == \"00000040\" { print $5, $9 }' /proc/net/netlink";
    /**
     * Noise, then wait (at most 2,000 reads) until the guard's queue shrinks while not yet empty, then the drop count,
     * our table deleted, the drop count again. Prints: queued at first, queued when deleting, drops before, after.
     */
    private static final String SCRIPT = "nft -f \"$1\" || exit 1\n"
            + "set -- $(" + GUARD_SOCKET + "); first=$1; now=$1; drops=$2; n=0\n"
            + "while [ $n -lt 2000 ]; do set -- $(" + GUARD_SOCKET + "); now=$1; drops=$2; n=$((n + 1))\n"
            + "  if [ \"$now\" -lt \"$first\" ] || [ \"$now\" -eq 0 ]; then break; fi; done\n"
            + "nft delete table inet sacip || exit 1\n"
            + "set -- $(" + GUARD_SOCKET + "); echo \"$first $now $drops $2\"\n";

    @Test
    void aDeletionDroppedWhileTheGuardsEventSocketIsCongestedIsRestored() throws Exception {
        InetAddress x = Addresses.parse("198.18.1.1");
        InetAddress y = Addresses.parse("198.18.1.11");
        SessionTuple session = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000),
                new Endpoint(Addresses.parse("198.18.0.2"), 5001));
        Path noise = Files.createTempFile("sacip-noise", ".nft");
        try (TestNamespace ns = TestNamespace.create("dpg");
                DataPath path = MoveOfA.dataPath(ns, new TestClock())) {
            StringBuilder text = new StringBuilder("add element inet noise n { ");
            for (int i = 0; i < NOISE; i++) {
                text.append(i == 0 ? "" : ", ").append("2001:db8::").append(Integer.toHexString(i >> 16))
                        .append(':').append(Integer.toHexString(i & 0xffff));
            }
            Files.writeString(noise, text.append(" }\n"));
            ns.exec("nft", "add", "table", "inet", "noise");
            ns.exec("nft", "add", "set", "inet", "noise", "n", "{ type ipv6_addr; }");
            path.install();
            path.commit(List.of(Moves.confirmed(session, y)), List.of(GhostChange.hold(x, Set.of(session)),
                    GhostChange.activity(x, true)), List.of());
            Map<SetReference, Set<Element>> wanted = elements(ns);
            assertFalse(wanted.isEmpty());
            try (DataPathGuard guard = DataPathGuard.start(path)) {
                for (int round = 1; round <= ROUNDS; round++) {
                    String[] figures = ns.exec("sh", "-c", SCRIPT, "noise", noise.toString()).trim().split(" ");
                    long queuedFirst = Long.parseLong(figures[0]);
                    long queuedAtDeletion = Long.parseLong(figures[1]);
                    long dropsBefore = Long.parseLong(figures[2]);
                    long dropsAfter = Long.parseLong(figures[3]);
                    String when = "(round " + round + ": " + queuedFirst + " bytes queued after the noise, "
                            + queuedAtDeletion + " at the deletion, " + (dropsAfter - dropsBefore)
                            + " of its notifications dropped)";
                    await(() -> elements(ns).equals(wanted), "our table restored after its deletion " + when);
                    ns.exec("nft", "flush", "set", "inet", "noise", "n");
                }
            }
            path.flush();
        } finally {
            Files.delete(noise);
        }
    }
}
