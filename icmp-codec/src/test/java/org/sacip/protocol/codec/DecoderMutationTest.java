package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * Seeded mutations of valid messages (bit flips, octet changes, cuts, extensions), checksum fixed half of the time:
 * the decoder throws only SacipCodecException, and whatever it accepts encodes back to the same octets. Runs in
 * every build, unlike the open-ended fuzzing.
 */
class DecoderMutationTest {
    private static final int MUTANTS_PER_SEED = 50_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 1234567})
    void mutantsAreRejectedOrCanonical(long seed) {
        Random random = new Random(seed);
        RandomMessages messages = new RandomMessages(random);
        int accepted = 0;
        for (int i = 0; i < MUTANTS_PER_SEED; i++) {
            SacipMessage original = messages.anyOverIcmp();
            RandomMessages.Outer outer = messages.outerFor(original);
            SacipAddress source = outer.source();
            SacipAddress destination = outer.destination();
            byte[] mutant = mutate(SacipEncoder.encode(original, source, destination), random);
            if (random.nextBoolean()) {
                IcmpChecksum.rewrite(mutant, source, destination);
            }
            SacipMessage decoded;
            try {
                decoded = SacipDecoder.decode(mutant, source, destination);
            } catch (SacipCodecException rejected) {
                continue;
            }
            accepted++;
            CanonicalEncoding.assertReencodes(mutant, SacipEncoder.encode(decoded, source, destination),
                    "accepted mutant of " + original.kind());
        }
        assertTrue(accepted > 0, "some mutants (changed nonces, MACs) are still well-formed");
    }

    private static byte[] mutate(byte[] valid, Random random) {
        switch (random.nextInt(4)) {
            case 0: {
                byte[] b = valid.clone();
                int bit = random.nextInt(b.length * 8);
                b[bit / 8] ^= (byte) (1 << (bit % 8));
                return b;
            }
            case 1: {
                byte[] b = valid.clone();
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return b;
            }
            case 2:
                return Arrays.copyOf(valid, random.nextInt(valid.length));
            default: {
                byte[] b = Arrays.copyOf(valid, valid.length + 1 + random.nextInt(16));
                b[b.length - 1] = (byte) random.nextInt(256);
                return b;
            }
        }
    }
}
