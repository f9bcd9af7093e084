package org.sacip.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sacip.lab.LabException;

class KernelProfileTest {
    /** As {@code perf report --no-children --sort symbol -g none -q --stdio} prints it. */
    private static final String REMAPPED = """
                24.08%  [k] pvm_irq_enable                         -      -
                18.09%  [k] pvm_safe_halt_hc
                 2.28%  [k] fib_table_lookup
                 0.50%  [.] __GI___libc_write
                 0.10%  [k] nft_payload_set_eval

            """;
    private static final String UNMAPPED = """
                25.00%  [k] pvm_irq_enable
                20.00%  [k] pvm_safe_halt_hc
                 1.00%  [k] fib_table_lookup
                 0.50%  [.] __GI___libc_write
            """;

    @Test
    void sharesOfAllCpusBecomeNanosecondsPerPacket() {
        // 2 CPUs x 1 s = 2e9 ns of samples; 1% of them over 1,000,000 packets is 20 ns a packet.
        KernelProfile profile = KernelProfile.parse(UNMAPPED, 2, 1000, 1_000_000);
        assertEquals(20.0, profile.nsPerPacket().get("fib_table_lookup"), 1e-9);
        assertEquals(500.0, profile.nsPerPacket().get("pvm_irq_enable"), 1e-9);
        assertEquals(500.0 + 20 + 10, profile.busyNs(), 1e-9, "the idle symbol is left out");
    }

    @Test
    void theSummaryNamesTheTotalAndTheSymbolsThatGrewMost() {
        KernelProfile remapped = KernelProfile.parse(REMAPPED, 2, 1000, 1_000_000);
        KernelProfile unmapped = KernelProfile.parse(UNMAPPED, 2, 1000, 1_000_000);
        assertEquals("CPU of the whole machine per datagram 539 ns remapped, 530 ns unmapped (+9 ns); grown most:"
                + " `fib_table_lookup` +26 ns, `nft_payload_set_eval` +2 ns", remapped.moreThan(unmapped, 2));
    }

    @Test
    void aWindowWithoutPacketsIsAnError() {
        assertThrows(LabException.class, () -> KernelProfile.parse(UNMAPPED, 2, 1000, 0));
    }
}
