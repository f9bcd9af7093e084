package org.sacip.agent.metrics;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The {@code metrics-listen} parser on any text: an address literal with a port, or an IllegalArgumentException saying
 * why; any other exception or a name (which would be looked up) is a finding. What it accepts, written back as the
 * agent writes it, reads back as the same address. Seeds: the forms docs/METRICS.md shows and typical mistakes.
 */
class MetricsListenFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parsesOnlyAddressLiterals(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        InetSocketAddress address;
        try {
            address = MetricsSettings.parseListen(text);
        } catch (IllegalArgumentException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new AssertionError("refused without saying why: " + text, expected);
            }
            return;
        }
        if (address.isUnresolved() || address.getPort() < 1 || address.getPort() > 65535) {
            throw new AssertionError(text + " was accepted as " + address);
        }
        InetSocketAddress again = MetricsSettings.parseListen(MetricsServer.text(address));
        if (!again.equals(address)) {
            throw new AssertionError(text + " reads as " + address + ", written back as " + MetricsServer.text(address)
                    + " it reads as " + again);
        }
    }
}
