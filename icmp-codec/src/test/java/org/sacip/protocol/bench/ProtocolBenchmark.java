package org.sacip.protocol.bench;

import java.security.SecureRandom;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.Handshakes;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.move.MoveMessages;

/**
 * Prints rough per-operation costs (single thread, after warm-up). Not a test: run with
 * {@code mvn -o -q -pl icmp-codec test-compile exec:java -Dexec.mainClass=org.sacip.protocol.bench.ProtocolBenchmark
 * -Dexec.classpathScope=test}.
 */
public final class ProtocolBenchmark {
    private static volatile Object sink;

    private ProtocolBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        SacipAddress a = SacipAddress.parse("198.18.0.1");
        SacipAddress b = SacipAddress.parse("198.18.0.2");
        SacipAddress a1 = SacipAddress.parse("198.19.0.1");
        Handshakes.Result keys = Handshakes.run(a, b);
        AddressUpdate update = new MoveMessages(keys.initiatorKeys(), Role.INITIATOR).update(1,
                new Envelope.Icmp(a1, b));
        byte[] wire = SacipEncoder.encode(update, a1, b);

        report("decode ADDRESS_UPDATE", 200_000, () -> sink = SacipDecoder.decode(wire, a1, b));
        report("encode ADDRESS_UPDATE", 200_000, () -> sink = SacipEncoder.encode(update, a1, b));
        report("verify MAC", 100_000,
                () -> sink = MessageAuthenticator.isValid(update, keys.initiatorKeys().initiatorToResponder(), a1, b));
        report("full handshake, both sides", 500, () -> sink = Handshakes.run(a, b));
        byte[] scalar = new byte[32];
        new SecureRandom().nextBytes(scalar);
        report("X25519 public key", 1_000, () -> sink = org.sacip.protocol.crypto.X25519.publicKey(scalar));
    }

    /** An operation to time. */
    private interface Operation {
        void run() throws Exception;
    }

    private static void report(String name, int iterations, Operation operation) throws Exception {
        for (int i = 0; i < iterations; i++) {
            operation.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            operation.run();
        }
        double perOp = (System.nanoTime() - start) / (double) iterations;
        System.out.printf("%-28s %10.0f ns/op  %,12.0f op/s%n", name, perOp, 1e9 / perOp);
    }
}
