package org.sacip.protocol.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.tunnel.TunnelOpener.Rejection;

/** Data datagrams (docs/PROTOCOL.md sections 15.4 to 15.7): sealing, opening, tampering, replay, counter limits. */
class TunnelDataTest {
    private final TunnelKeys keys = Tunnels.keys();
    private final TunnelSealer openerSeals = new TunnelSealer(keys, TunnelRole.OPENER);
    private final TunnelOpener accepterOpens = new TunnelOpener(keys, TunnelRole.ACCEPTER);

    private static int open(TunnelOpener opener, byte[] datagram, byte[] out) {
        return opener.open(datagram, 0, datagram.length, out, 0);
    }

    private static Rejection rejection(TunnelOpener opener, byte[] datagram) {
        int result = open(opener, datagram, new byte[DataDatagram.MAX_INNER_PACKET]);
        assertTrue(result < 0, "accepted: " + result);
        return Rejection.of(result);
    }

    @ParameterizedTest(name = "{0} octets")
    @ValueSource(ints = {0, 20, 40, 576, 1280, 1400, 9000, DataDatagram.MAX_INNER_PACKET})
    void innerPacketsOfEveryAllowedSizeRoundTripInBothDirections(int length) {
        byte[] inner = Tunnels.packet(length);
        byte[] datagram = Tunnels.seal(openerSeals, inner);
        assertEquals(length + 40, datagram.length);
        byte[] out = new byte[length];
        assertEquals(length, open(accepterOpens, datagram, out));
        assertArrayEquals(inner, out);

        byte[] back = Tunnels.seal(new TunnelSealer(keys, TunnelRole.ACCEPTER), inner);
        assertEquals(length, open(new TunnelOpener(keys, TunnelRole.OPENER), back, out));
        assertArrayEquals(inner, out);
    }

    @Test
    void theHeaderIsLaidOutAsSpecifiedAndCountersRiseFromZero() {
        for (long counter = 0; counter < 3; counter++) {
            byte[] datagram = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
            assertEquals("5341435501020000" + keys.tunnelIdHex() + String.format("%016x", counter),
                    Octets.of(datagram, 0, 24).toHex());
            assertEquals(keys.tunnelId(), DataDatagram.tunnelId(ByteBuffer.wrap(datagram)));
            assertEquals(counter, DataDatagram.counter(ByteBuffer.wrap(datagram)));
        }
        assertEquals(3, openerSeals.sealed());
    }

    @Test
    void theKnownAnswerOfSection15() {
        // Recomputed independently by icmp-codec/tools/verify-worked-example.py (Python cryptography's AESGCM).
        assertEquals("534143550102000054ff51b8daa52a17000000000000000003"
                + "96491cdf836b3e9250cad6df2bd50bcc821122f86fa24fe15234189b233287cb45a835aa2d0edbe63133b77fc0f43363d765"
                + "fd719793cd", Octets.of(Tunnels.seal(openerSeals, Tunnels.INNER_PACKET))
                .toHex());
        assertEquals("534143550102000054ff51b8daa52a17000000000000000053181e354aeb542f35b4e2288a970668",
                Octets.of(Tunnels.seal(new TunnelSealer(keys, TunnelRole.ACCEPTER),
                        new byte[0])).toHex());
    }

    @Test
    void aDatagramReflectedToItsSenderDoesNotOpen() {
        byte[] datagram = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        assertEquals(Rejection.BAD_TAG, rejection(new TunnelOpener(keys, TunnelRole.OPENER), datagram));
    }

    @Test
    void aDatagramOfAnotherTunnelWithTheSameIdDoesNotOpen() {
        TunnelKeys other = new TunnelKeys(keys.tunnelId(), keys.accepterToOpener(), keys.openerToAccepter());
        byte[] datagram = Tunnels.seal(new TunnelSealer(other, TunnelRole.OPENER), Tunnels.INNER_PACKET);
        assertEquals(Rejection.BAD_TAG, rejection(accepterOpens, datagram));
    }

    @Test
    void everyFlippedBitInEveryRegionIsRejectedAndMovesNothing() {
        byte[] datagram = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        // Regions: framing 0..7, tunnel id 8..15, counter 16..23, ciphertext 24..63, tag 64..79.
        for (int bit = 0; bit < datagram.length * 8; bit++) {
            byte[] tampered = datagram.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            int octet = bit / 8;
            Rejection expected = octet < 8 ? Rejection.WRONG_FRAMING : octet < 16 ? Rejection.UNKNOWN_TUNNEL
                    : octet == 16 && (tampered[16] & 0xF0) != 0 ? Rejection.COUNTER_LIMIT : Rejection.BAD_TAG;
            assertEquals(expected, rejection(accepterOpens, tampered), "bit " + bit);
        }
        assertEquals(-1, accepterOpens.highestCounter(), "no forged datagram moved the window");
        byte[] out = new byte[40];
        assertEquals(40, open(accepterOpens, datagram, out), "the original still opens");
        assertArrayEquals(Tunnels.INNER_PACKET, out);
    }

    @Test
    void cutOrExtendedDatagramsAreRejected() {
        byte[] datagram = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        for (int length = 0; length < datagram.length + 40; length++) {
            if (length == datagram.length) {
                continue;
            }
            Rejection expected = length < 8 ? Rejection.WRONG_FRAMING
                    : length < 40 || length < 60 && length > 40 ? Rejection.TOO_SHORT : Rejection.BAD_TAG;
            assertEquals(expected, rejection(accepterOpens, Arrays.copyOf(datagram, length)), length + " octets");
        }
    }

    @Test
    void aReplayIsRejectedAfterTheFirstAcceptance() {
        byte[] first = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        byte[] second = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        byte[] out = new byte[40];
        assertEquals(40, open(accepterOpens, second, out));
        assertEquals(40, open(accepterOpens, first, out), "out of order within the window");
        assertEquals(Rejection.REPLAYED, rejection(accepterOpens, first));
        assertEquals(Rejection.REPLAYED, rejection(accepterOpens, second));
        assertEquals(1, accepterOpens.highestCounter());
    }

    @Test
    void aDatagramOlderThanTheWindowIsTooOld() {
        byte[] old = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        openerSeals.skipTo(ReplayWindow.SIZE);
        byte[] far = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        byte[] out = new byte[40];
        assertEquals(40, open(accepterOpens, far, out));
        assertEquals(Rejection.TOO_OLD, rejection(accepterOpens, old));
    }

    @Test
    void theLastCounterIsSealedOnceAndThenTheSealerRefuses() {
        openerSeals.skipTo(DataDatagram.COUNTER_LIMIT - 1);
        assertTrue(openerSeals.shouldRenew());
        byte[] last = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        assertEquals(DataDatagram.COUNTER_LIMIT - 1, DataDatagram.counter(ByteBuffer.wrap(last)));
        assertThrows(IllegalStateException.class, () -> Tunnels.seal(openerSeals, Tunnels.INNER_PACKET));
        assertEquals(DataDatagram.COUNTER_LIMIT, openerSeals.sealed(), "a refusal spends no counter");
        byte[] out = new byte[40];
        assertEquals(40, open(accepterOpens, last, out));
        // A counter at the limit is refused before any cryptography, whatever its tag.
        openerSeals.skipTo(DataDatagram.COUNTER_LIMIT);
        byte[] beyond = last.clone();
        beyond[16] = 0x10;
        Arrays.fill(beyond, 17, 24, (byte) 0);
        assertEquals(Rejection.COUNTER_LIMIT, rejection(accepterOpens, beyond));
        beyond[16] = (byte) 0xFF;
        assertEquals(Rejection.COUNTER_LIMIT, rejection(accepterOpens, beyond), "unsigned: not a negative counter");
    }

    @Test
    void renewalIsDueAfter2To32Datagrams() {
        openerSeals.skipTo(DataDatagram.RENEW_AFTER - 1);
        assertFalse(openerSeals.shouldRenew());
        Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        assertTrue(openerSeals.shouldRenew());
    }

    @Test
    void innerPacketsOfForbiddenLengthsAreNotSealed() {
        for (int length : new int[] {1, 19, DataDatagram.MAX_INNER_PACKET + 1}) {
            assertThrows(IllegalArgumentException.class, () -> openerSeals.seal(ByteBuffer.allocate(length),
                    ByteBuffer.allocate(length + 40)), length + " octets");
        }
        assertEquals(0, openerSeals.sealed());
    }

    @Test
    void aBufferTooSmallGetsNothingAndSpendsNoCounter() {
        ByteBuffer out = ByteBuffer.allocate(79);
        assertThrows(BufferOverflowException.class, () -> openerSeals.seal(ByteBuffer.wrap(Tunnels.INNER_PACKET),
                out));
        assertEquals(0, out.position());
        assertEquals(0, openerSeals.sealed());
        byte[] datagram = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        assertEquals(Rejection.TOO_LONG.result(), accepterOpens.open(datagram, 0, 80, new byte[39], 0),
                "an opener refuses what the caller has no room for");
        assertEquals(40, accepterOpens.open(datagram, 0, 80, new byte[40], 0), "and takes it with room");
    }

    @Test
    void buffersAnywhereInAnyByteOrderAndPositionsAsDocumented() {
        ByteBuffer inner = ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN);
        inner.position(30).put(Tunnels.INNER_PACKET).flip().position(30);
        ByteBuffer out = ByteBuffer.allocateDirect(200).order(ByteOrder.LITTLE_ENDIAN);
        out.position(7);
        assertEquals(80, openerSeals.seal(inner, out));
        assertEquals(30, inner.position(), "the inner packet's position does not move");
        assertEquals(87, out.position());

        ByteBuffer datagram = out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        datagram.flip().position(7);
        assertTrue(DataDatagram.isData(datagram));
        assertEquals(null, DataDatagram.check(datagram));
        assertEquals(keys.tunnelId(), DataDatagram.tunnelId(datagram));
        ByteBuffer plaintext = ByteBuffer.allocate(60);
        plaintext.position(5);
        assertEquals(40, accepterOpens.open(datagram, plaintext));
        assertEquals(7, datagram.position(), "the datagram's position does not move");
        assertEquals(45, plaintext.position());
        assertArrayEquals(Tunnels.INNER_PACKET, Arrays.copyOfRange(plaintext.array(), 5, 45));

        plaintext.position(5);
        assertEquals(Rejection.REPLAYED.result(), accepterOpens.open(datagram, plaintext));
        assertEquals(5, plaintext.position(), "a rejection does not move the plaintext's position");
    }

    @Test
    void messagesAreNotDataAndDataIsNotAMessage() {
        byte[] datagram = Tunnels.seal(openerSeals, Tunnels.INNER_PACKET);
        assertTrue(DataDatagram.isData(ByteBuffer.wrap(datagram)));
        byte[] message = datagram.clone();
        message[5] = 1;
        assertFalse(DataDatagram.isData(ByteBuffer.wrap(message)));
        assertFalse(DataDatagram.isData(ByteBuffer.wrap(datagram, 0, 7)));
        assertFalse(DataDatagram.isData(ByteBuffer.allocate(0)));
        assertThrows(IllegalArgumentException.class, () -> DataDatagram.tunnelId(ByteBuffer.wrap(datagram, 0, 15)));
        assertThrows(IllegalArgumentException.class, () -> DataDatagram.counter(ByteBuffer.wrap(datagram, 0, 23)));
    }

    @Test
    void theOverheadAndTunnelMtuAreTheDocumentedOnes() {
        assertEquals(40, DataDatagram.OVERHEAD);
        assertEquals(65_507, DataDatagram.MAX_LENGTH);
        assertEquals(1432, DataDatagram.tunnelMtu(1500, AddressFamily.IPV4));
        assertEquals(1412, DataDatagram.tunnelMtu(1500, AddressFamily.IPV6));
        assertEquals(1280, DataDatagram.tunnelMtu(1368, AddressFamily.IPV6));
    }

    @Test
    void rejectionsAndResultsMapBothWays() {
        Set<Integer> results = new HashSet<>();
        for (Rejection r : Rejection.values()) {
            assertTrue(r.result() < 0);
            assertEquals(r, Rejection.of(r.result()));
            results.add(r.result());
        }
        assertEquals(Rejection.values().length, results.size());
        assertThrows(IllegalArgumentException.class, () -> Rejection.of(0));
    }

    @Test
    void sealersSharedByThreadsNeverRepeatACounter() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Set<Long> counters = ConcurrentHashMap.newKeySet();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    byte[] out = new byte[80];
                    for (int i = 0; i < 2000; i++) {
                        openerSeals.seal(Tunnels.INNER_PACKET, 0, 40, out, 0);
                        assertTrue(counters.add(DataDatagram.counter(ByteBuffer.wrap(out))));
                        // Another thread may have run far ahead meanwhile: too old is fair, nothing else is.
                        int opened = open(accepterOpens, out, new byte[40]);
                        assertTrue(opened == 40 || Rejection.of(opened) == Rejection.TOO_OLD, "result " + opened);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(8000, counters.size());
        assertEquals(8000, openerSeals.sealed());
    }
}
