package org.sacip.protocol.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.sacip.protocol.tunnel.TunnelOpener.Rejection;

/**
 * Fuzzes the opener of data datagrams. Input ({@link TunnelFuzzInput}): datagrams opened in order by the accepter's
 * opener of the test tunnel ({@link Tunnels#keys()}), with a plaintext buffer of
 * {@link DataDatagramMalformedTest#ROOM} octets. Each result is checked against an oracle written apart from the
 * code under test: the rules of docs/PROTOCOL.md section 15.7 spelled out here, a plain AES-GCM decryption and a set
 * of the counters accepted. A datagram opens exactly when the oracle says it is genuine, new and fits; an opened one
 * gives the oracle's plaintext, and sealing that plaintext again at its counter gives the same octets; a rejected
 * one is rejected for the oracle's reason. Any exception is a finding. The seed corpus in
 * TunnelOpenerFuzzTestInputs/open ({@link TunnelFuzzCorpus}) runs in every build.
 */
class TunnelOpenerFuzzTest {
    private static final TunnelKeys KEYS = Tunnels.keys();

    @FuzzTest(maxDuration = "5m")
    void open(byte[] input) throws GeneralSecurityException {
        TunnelOpener opener = new TunnelOpener(KEYS, TunnelRole.ACCEPTER);
        Set<Long> accepted = new HashSet<>();
        long highest = -1;
        byte[] out = new byte[DataDatagramMalformedTest.ROOM];
        for (byte[] datagram : TunnelFuzzInput.parse(input).datagrams()) {
            int result = opener.open(datagram, 0, datagram.length, out, 0);
            Rejection expected = expected(datagram, accepted, highest);
            if (expected != null) {
                assertEquals(expected.result(), result, "the oracle's rejection");
                continue;
            }
            assertEquals(datagram.length - DataDatagram.OVERHEAD, result, "a genuine new datagram opens");
            byte[] plaintext = Arrays.copyOf(out, result);
            assertArrayEquals(decrypt(datagram), plaintext, "the oracle's plaintext");
            long counter = ByteBuffer.wrap(datagram, 16, 8).getLong();
            TunnelSealer sealer = new TunnelSealer(KEYS, TunnelRole.OPENER);
            sealer.skipTo(counter);
            assertArrayEquals(datagram, Tunnels.seal(sealer, plaintext), "sealed again: the same octets");
            accepted.add(counter);
            highest = Math.max(highest, counter);
        }
    }

    /** Section 15.7 in the order it lists the rules; null for a datagram that must open. */
    private static Rejection expected(byte[] d, Set<Long> accepted, long highest) throws GeneralSecurityException {
        byte[] framing = {'S', 'A', 'C', 'U', 1, 2, 0, 0};
        if (d.length < 8 || !Arrays.equals(framing, Arrays.copyOf(d, 8))) {
            return Rejection.WRONG_FRAMING;
        }
        int inner = d.length - 40;
        if (inner < 0 || inner > 0 && inner < 20) {
            return Rejection.TOO_SHORT;
        }
        if (inner > 65_467) {
            return Rejection.TOO_LONG;
        }
        long counter = ByteBuffer.wrap(d, 16, 8).getLong();
        if (counter < 0 || counter >= 1L << 60) {
            return Rejection.COUNTER_LIMIT;
        }
        if (ByteBuffer.wrap(d, 8, 8).getLong() != KEYS.tunnelId()) {
            return Rejection.UNKNOWN_TUNNEL;
        }
        if (counter <= highest && highest - counter >= 2048) {
            return Rejection.TOO_OLD;
        }
        if (accepted.contains(counter)) {
            return Rejection.REPLAYED;
        }
        if (inner > DataDatagramMalformedTest.ROOM) {
            return Rejection.TOO_LONG;
        }
        return decrypt(d) == null ? Rejection.BAD_TAG : null;
    }

    /** Plain AES-256-GCM with the nonce and associated data of section 15.4; null when the tag does not verify. */
    private static byte[] decrypt(byte[] d) throws GeneralSecurityException {
        byte[] nonce = new byte[12];
        System.arraycopy(d, 16, nonce, 4, 8);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(KEYS.openerToAccepter().toByteArray(), "AES"),
                new GCMParameterSpec(128, nonce));
        cipher.updateAAD(d, 0, 24);
        try {
            return cipher.doFinal(d, 24, d.length - 24);
        } catch (AEADBadTagException e) {
            return null;
        }
    }

    /** Writes the seed corpus: {@code java ... TunnelOpenerFuzzTest icmp-codec/src/test/resources}. */
    public static void main(String[] args) throws Exception {
        TunnelFuzzCorpus.write(Path.of(args[0]));
    }
}
