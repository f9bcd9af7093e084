package org.sacip.protocol.codec;


import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Optional;
import org.sacip.protocol.message.SacipMessage;

/**
 * Fuzzes the decoder. Input ({@link FuzzInput}): one selector octet naming the outer addresses and whether the
 * checksum is rewritten first (so the fuzzer gets past it), then the ICMP message; other selectors are ignored. The
 * decoder must either throw SacipCodecException or return a message whose encoding is exactly the octets it
 * decoded (one encoding per message; only a zero checksum may arrive as 0xffff, see {@link CanonicalEncoding}). Any other exception, or a different encoding, is a finding. The seed
 * corpus in SacipDecoderFuzzTestInputs/decode ({@link FuzzCorpus}) runs in every build.
 */
class SacipDecoderFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void decode(byte[] input) {
        Optional<FuzzInput> parsed = FuzzInput.parse(input);
        if (parsed.isEmpty()) {
            return;
        }
        FuzzInput in = parsed.get();
        SacipMessage message;
        try {
            message = in.decode();
        } catch (SacipCodecException expected) {
            return;
        }
        CanonicalEncoding.assertReencodes(in.received(), SacipEncoder.encode(message, in.selector().source(),
                in.selector().destination()), "decode then encode changed octets");
    }

    /** Writes the seed corpus: {@code java ... SacipDecoderFuzzTest icmp-codec/src/test/resources}. */
    public static void main(String[] args) throws Exception {
        FuzzCorpus.write(Path.of(args[0]));
    }
}
