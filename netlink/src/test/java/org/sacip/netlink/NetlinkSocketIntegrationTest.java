package org.sacip.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.testing.TestNamespace;

/** The connection core against the real kernel of a throwaway namespace, with raw rtnetlink messages. */
@Tag("integration")
class NetlinkSocketIntegrationTest {
    private static final int RTM_NEWLINK = 16;
    private static final int RTM_GETLINK = 18;
    private static final int RTM_NEWADDR = 20;
    private static final int RTM_DELADDR = 21;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_ADDRESS = 1;
    private static final int IFLA_IFNAME = 3;
    private static final int RTNLGRP_LINK = 1;
    private static final int NEW_ADDRESS_FLAGS = NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK
            | NetlinkConstants.NLM_F_CREATE | NetlinkConstants.NLM_F_EXCL;

    /** RTM_NEWADDR of an IPv4 /32 on interface 1 (lo), refused if it is there already. */
    private static ByteBuffer newAddress(byte[] address, int sequence) {
        return new NetlinkMessageBuilder(RTM_NEWADDR, NEW_ADDRESS_FLAGS).familyHeader(ifaddrmsg(2, 32, 1))
                .putBytes(IFA_LOCAL, address).putBytes(IFA_ADDRESS, address).build(sequence);
    }

    private static byte[] ifinfomsg() {
        return new byte[16];
    }

    private static byte[] ifaddrmsg(int family, int prefix, int index) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder())
                .put((byte) family).put((byte) prefix).put((byte) 0).put((byte) 0).putInt(index).array();
    }

    @Test
    void dumpsTheLinksOfTheNamespaceItWasOpenedIn() throws Exception {
        try (TestNamespace ns = TestNamespace.create("core");
                NetlinkSocket socket = NetlinkSocket.open(NetlinkFamily.ROUTE, ns.netNamespace())) {
            String veth = ns.addVethPair("x");
            List<NetlinkMessage> links = socket.dump(new NetlinkMessageBuilder(RTM_GETLINK,
                    NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP)
                    .familyHeader(ifinfomsg()).build(socket.nextSequence()));
            List<String> names = links.stream().map(NetlinkSocketIntegrationTest::linkName).sorted().toList();
            assertEquals(List.of("lo", veth, TestNamespace.interfaceName("xb")).stream().sorted().toList(), names);
            assertTrue(links.stream().allMatch(m -> m.type() == RTM_NEWLINK));
        }
    }

    @Test
    void refusedRequestBecomesTypedErrorWithSequence() throws Exception {
        try (TestNamespace ns = TestNamespace.create("core");
                NetlinkSocket socket = NetlinkSocket.open(NetlinkFamily.ROUTE, ns.netNamespace())) {
            int sequence = socket.nextSequence();
            ByteBuffer delete = new NetlinkMessageBuilder(RTM_DELADDR,
                    NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK)
                    .familyHeader(ifaddrmsg(2, 32, 1))
                    .putBytes(IFA_LOCAL, new byte[] {(byte) 198, 18, 0, 99})
                    .build(sequence);
            NetlinkErrorException error = assertThrows(NetlinkErrorException.class, () -> socket.execute(delete));
            assertEquals("EADDRNOTAVAIL", error.errnoName());
            assertEquals(sequence, error.sequence());
        }
    }

    @Test
    void executeAllCollectsEveryAckAndReportsTheFirstRefusal() throws Exception {
        try (TestNamespace ns = TestNamespace.create("core");
                NetlinkSocket socket = NetlinkSocket.open(NetlinkFamily.ROUTE, ns.netNamespace())) {
            NetlinkBatch good = new NetlinkBatch();
            for (int host = 1; host <= 3; host++) {
                good.add(newAddress(new byte[] {(byte) 198, 18, 1, (byte) host}, socket.nextSequence()));
            }
            socket.executeAll(good.build());
            assertEquals(3, ns.exec("ip", "-4", "-o", "addr", "show", "dev", "lo", "to", "198.18.1.0/24")
                    .lines().count());

            NetlinkBatch second = new NetlinkBatch();
            int fresh = socket.nextSequence();
            second.add(new NetlinkMessageBuilder(RTM_NEWADDR, NEW_ADDRESS_FLAGS).familyHeader(ifaddrmsg(2, 32, 1))
                    .putBytes(IFA_LOCAL, new byte[] {(byte) 198, 18, 1, 4})
                    .build(fresh));
            int duplicate = socket.nextSequence();
            second.add(new NetlinkMessageBuilder(RTM_NEWADDR, NEW_ADDRESS_FLAGS).familyHeader(ifaddrmsg(2, 32, 1))
                    .putBytes(IFA_LOCAL, new byte[] {(byte) 198, 18, 1, 2})
                    .build(duplicate));
            NetlinkErrorException error = assertThrows(NetlinkErrorException.class,
                    () -> socket.executeAll(second.build()));
            assertEquals("EEXIST", error.errnoName());
            assertEquals(duplicate, error.sequence());
            // The socket is still in step: the next request gets its own answer.
            socket.execute(new NetlinkMessageBuilder(RTM_DELADDR,
                    NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK).familyHeader(ifaddrmsg(2, 32, 1))
                    .putBytes(IFA_LOCAL, new byte[] {(byte) 198, 18, 1, 4}).build(socket.nextSequence()));
        }
    }

    @Test
    void batchesLargerThanTheStandingSendBufferGoWholeAndSmallRequestsStillGoAfterThem() throws Exception {
        try (TestNamespace ns = TestNamespace.create("core");
                NetlinkSocket socket = NetlinkSocket.open(NetlinkFamily.ROUTE, ns.netNamespace())) {
            // Room for an acknowledgement of every message of a batch.
            socket.setReceiveBufferSize(16 << 20);
            int addresses = 0;
            // About 80 KB and then 160 KB, both beyond the socket's standing 64 KB; each followed by a small request.
            for (int round = 1; round <= 2; round++) {
                NetlinkBatch large = new NetlinkBatch();
                for (int i = 0; i < 2000 * round; i++) {
                    byte[] address = {(byte) 198, (byte) (18 + round / 2), (byte) (round * 16 + i / 250),
                        (byte) (1 + i % 250)};
                    large.add(newAddress(address, socket.nextSequence()));
                }
                ByteBuffer batch = large.build();
                assertTrue(batch.remaining() > 64 * 1024, "the batch is " + batch.remaining() + " bytes");
                socket.executeAll(batch);
                addresses += 2000 * round;
                // A small request that starts inside its array: a slice (sent from the array) in the first round, a
                // read-only view (sent from a copy) in the second.
                byte[] single = {(byte) 198, 19, (byte) 200, (byte) round};
                ByteBuffer message = newAddress(single, socket.nextSequence());
                ByteBuffer padded = ByteBuffer.allocate(message.remaining() + 7).position(7).put(message.duplicate())
                        .position(7).slice();
                socket.execute(round == 1 ? padded : padded.asReadOnlyBuffer());
                addresses++;
                assertEquals(addresses, ns.exec("ip", "-4", "-o", "addr", "show", "dev", "lo", "to", "198.18.0.0/15")
                        .lines().count());
            }
        }
    }

    @Test
    void receiveReturnsEmptyOnTimeoutAndDeliversGroupEvents() throws Exception {
        try (TestNamespace ns = TestNamespace.create("core");
                NetlinkSocket events = NetlinkSocket.open(NetlinkFamily.ROUTE, ns.netNamespace())) {
            events.joinGroup(RTNLGRP_LINK);
            assertTrue(events.receive(Duration.ofMillis(50)).isEmpty());
            String veth = ns.addVethPair("y");
            List<NetlinkMessage> received = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                received = events.receive(Duration.ofSeconds(1));
            }
            assertFalse(received.isEmpty());
            assertEquals(RTM_NEWLINK, received.get(0).type());
            assertTrue(linkName(received.get(0)).startsWith("s" + ProcessHandle.current().pid() + "y"));
        }
    }

    @Test
    void receiveWithoutTimeoutDeliversEventsAndEndsOnWakeupFromAnotherThread() throws Exception {
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try (TestNamespace ns = TestNamespace.create("core");
                NetlinkSocket events = NetlinkSocket.open(NetlinkFamily.ROUTE, ns.netNamespace())) {
            events.joinGroup(RTNLGRP_LINK);
            Future<List<NetlinkMessage>> woken = waiter.submit(() -> events.receive());
            events.wakeup();
            assertEquals(List.of(), woken.get(20, TimeUnit.SECONDS), "the wait ended by wakeup() returns nothing");

            Future<List<NetlinkMessage>> event = waiter.submit(() -> events.receive());
            String veth = ns.addVethPair("z");
            List<NetlinkMessage> received = event.get(20, TimeUnit.SECONDS);
            assertFalse(received.isEmpty(), "a link event ends the wait with its messages");
            assertEquals(RTM_NEWLINK, received.get(0).type());
            assertTrue(linkName(received.get(0)).startsWith(veth.substring(0, veth.length() - 1)),
                    linkName(received.get(0)));
        } finally {
            waiter.shutdownNow();
        }
    }

    @Test
    void wakeupBeforeTheWaitIsKeptAndRequestsDoNotSpendIt() throws Exception {
        try (TestNamespace ns = TestNamespace.create("core");
                NetlinkSocket socket = NetlinkSocket.open(NetlinkFamily.ROUTE, ns.netNamespace())) {
            socket.wakeup();
            socket.wakeup();
            // A request on the same socket waits for its answer only, leaving the wakeup to the next receive.
            List<NetlinkMessage> links = socket.dump(new NetlinkMessageBuilder(RTM_GETLINK,
                    NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP)
                    .familyHeader(ifinfomsg()).build(socket.nextSequence()));
            assertFalse(links.isEmpty());
            assertEquals(List.of(), socket.receive(), "the wakeups sent before the wait end it at once");
            // Both wakeups were spent on that one wait: the next one sees only what the kernel sends.
            assertEquals(List.of(), socket.receive(Duration.ZERO));
            socket.close();
            socket.wakeup();
            assertThrows(NetlinkException.class, socket::receive, "a closed socket refuses to wait");
        }
    }

    @Test
    void smallReceiveBufferOverrunIsReportedAsTyped() throws Exception {
        try (TestNamespace ns = TestNamespace.create("core");
                NetlinkSocket events = NetlinkSocket.open(NetlinkFamily.ROUTE, ns.netNamespace())) {
            events.setReceiveBufferSize(1024);
            events.joinGroup(RTNLGRP_LINK);
            StringBuilder script = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                script.append("link add ").append(TestNamespace.interfaceName("v" + i))
                        .append(" type veth peer name ").append(TestNamespace.interfaceName("w" + i)).append('\n');
            }
            java.nio.file.Path batch = java.nio.file.Files.createTempFile("sacip-links", ".ip");
            try {
                java.nio.file.Files.writeString(batch, script);
                ns.exec("ip", "-batch", batch.toString());
            } finally {
                java.nio.file.Files.delete(batch);
            }
            assertThrows(NetlinkOverrunException.class, () -> {
                while (true) {
                    if (events.receive(Duration.ofSeconds(2)).isEmpty()) {
                        return;
                    }
                }
            });
        }
    }

    private static String linkName(NetlinkMessage message) {
        AttributeDecoder attributes = new AttributeDecoder(message.payloadView().position(16));
        while (attributes.next()) {
            if (attributes.type() == IFLA_IFNAME) {
                return attributes.string();
            }
        }
        return "";
    }
}
