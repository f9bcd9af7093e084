package org.sacip.protocol.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sacip.protocol.tunnel.TunnelOpener.Rejection;

/**
 * A table of distinct data datagrams that the accepter's opener of the test tunnel ({@link Tunnels#keys()}) must
 * reject, each for its own reason, after opening the datagrams the row lists before it (which must open). Offsets:
 * magic 0..3, framing version 4, type 5, reserved 6..7, tunnel id 8..15, counter 16..23, ciphertext from 24, tag in
 * the last 16 octets. The plaintext buffer has {@link #ROOM} octets, as an agent's would for a 1500-octet tunnel MTU.
 */
class DataDatagramMalformedTest {
    static final int ROOM = 1500;

    /** One row: the datagrams opened first, then the one rejected. */
    record Case(String name, List<byte[]> before, byte[] datagram, Rejection reason) {
        @Override
        public String toString() {
            return name;
        }

        TunnelFuzzInput input() {
            List<byte[]> all = new ArrayList<>(before);
            all.add(datagram);
            return TunnelFuzzInput.of(all);
        }
    }

    /** The opener's datagram with the 40-octet inner packet, sealed at {@code counter}. */
    static byte[] sealed(long counter) {
        return sealed(counter, Tunnels.INNER_PACKET);
    }

    static byte[] sealed(long counter, byte[] inner) {
        TunnelSealer sealer = new TunnelSealer(Tunnels.keys(), TunnelRole.OPENER);
        sealer.skipTo(counter);
        return Tunnels.seal(sealer, inner);
    }

    static UnaryOperator<byte[]> set(int index, int value) {
        return b -> {
            b[index] = (byte) value;
            return b;
        };
    }

    static UnaryOperator<byte[]> flip(int index) {
        return b -> {
            b[index] ^= 1;
            return b;
        };
    }

    static Case row(String name, UnaryOperator<byte[]> edit, Rejection reason) {
        return new Case(name, List.of(), edit.apply(sealed(1)), reason);
    }

    static Stream<Arguments> cases() {
        byte[] good = sealed(1);
        Case[] cases = {
            new Case("empty", List.of(), new byte[0], Rejection.WRONG_FRAMING),
            row("framing header cut at 7 octets", b -> Arrays.copyOf(b, 7), Rejection.WRONG_FRAMING),
            row("magic SACI, a SACIP header", set(3, 'I'), Rejection.WRONG_FRAMING),
            row("framing version 2", set(4, 2), Rejection.WRONG_FRAMING),
            row("type 1, a SACIP message", set(5, 1), Rejection.WRONG_FRAMING),
            row("type 3", set(5, 3), Rejection.WRONG_FRAMING),
            row("reserved octet 6", set(6, 0x80), Rejection.WRONG_FRAMING),
            row("reserved octet 7", set(7, 1), Rejection.WRONG_FRAMING),
            row("header only", b -> Arrays.copyOf(b, 24), Rejection.TOO_SHORT),
            row("header and 15 octets of tag", b -> Arrays.copyOf(b, 39), Rejection.TOO_SHORT),
            row("one octet of inner packet", b -> Arrays.copyOf(b, 41), Rejection.TOO_SHORT),
            row("19 octets of inner packet", b -> Arrays.copyOf(b, 59), Rejection.TOO_SHORT),
            new Case("longer than the receiver's room", List.of(), sealed(1, Tunnels.packet(ROOM + 1)),
                    Rejection.TOO_LONG),
            row("counter 2^60", b -> {
                Arrays.fill(b, 16, 24, (byte) 0);
                b[16] = 0x10;
                return b;
            }, Rejection.COUNTER_LIMIT),
            row("counter 2^64 - 1", b -> {
                Arrays.fill(b, 16, 24, (byte) 0xFF);
                return b;
            }, Rejection.COUNTER_LIMIT),
            row("another tunnel id", flip(15), Rejection.UNKNOWN_TUNNEL),
            new Case("2048 behind the highest", List.of(sealed(2049)), good, Rejection.TOO_OLD),
            new Case("a replay", List.of(good), good, Rejection.REPLAYED),
            new Case("a replay after later ones", List.of(good, sealed(2), sealed(2048)), good, Rejection.REPLAYED),
            row("tag altered", flip(79), Rejection.BAD_TAG),
            row("ciphertext altered", flip(24), Rejection.BAD_TAG),
            row("counter altered", flip(23), Rejection.BAD_TAG),
            row("tag cut, ciphertext taken for it", b -> Arrays.copyOf(b, 64), Rejection.BAD_TAG),
            row("one trailing octet", b -> Arrays.copyOf(b, 81), Rejection.BAD_TAG),
            new Case("sealed by the accepter, reflected", List.of(), Tunnels.seal(new TunnelSealer(Tunnels.keys(),
                    TunnelRole.ACCEPTER), Tunnels.INNER_PACKET), Rejection.BAD_TAG),
            new Case("an empty datagram altered", List.of(), flip(39).apply(sealed(1, new byte[0])),
                    Rejection.BAD_TAG),
        };
        return Stream.of(cases).map(Arguments::of);
    }

    /** Opens each datagram of {@code input} in order with a fresh opener; the results. */
    static List<Integer> openAll(TunnelFuzzInput input) {
        TunnelOpener opener = new TunnelOpener(Tunnels.keys(), TunnelRole.ACCEPTER);
        List<Integer> results = new ArrayList<>();
        for (byte[] datagram : input.datagrams()) {
            results.add(opener.open(datagram, 0, datagram.length, new byte[ROOM], 0));
        }
        return results;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRejectedForItsReason(Case c) {
        List<Integer> results = openAll(c.input());
        for (int i = 0; i < c.before().size(); i++) {
            assertTrue(results.get(i) >= 0, c.name() + ": datagram " + i + " before it did not open");
        }
        int last = results.get(results.size() - 1);
        assertTrue(last < 0, c.name() + " was accepted");
        assertEquals(c.reason(), Rejection.of(last), c.name());
    }

    @Test
    void theDatagramsItAltersOpen() {
        assertEquals(List.of(40), openAll(TunnelFuzzInput.of(List.of(sealed(1)))));
        assertEquals(List.of(0), openAll(TunnelFuzzInput.of(List.of(sealed(1, new byte[0])))));
        assertEquals(List.of(ROOM), openAll(TunnelFuzzInput.of(List.of(sealed(1, Tunnels.packet(ROOM))))));
    }

    @Test
    void tableHasDistinctInputsAndEveryReason() {
        assertEquals(cases().count(), cases().map(a -> (Case) a.get()[0]).map(c -> Arrays.toString(c.input()
                .toBytes())).distinct().count());
        Set<Rejection> missing = EnumSet.allOf(Rejection.class);
        cases().forEach(a -> missing.remove(((Case) a.get()[0]).reason()));
        assertEquals(Set.of(), missing);
    }
}
