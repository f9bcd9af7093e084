package org.sacip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTextTest {
    // As the Prometheus Java client 1.10 writes it (text format 0.0.4), with an escaped label value added.
    private static final String SCRAPE = """
            # HELP sacip_moves_total Moves of our addresses ended, by kind and outcome
            # TYPE sacip_moves_total counter
            sacip_moves_total{kind="make_before_break",outcome="converged"} 1.0
            sacip_moves_total{kind="route_change",outcome="no_peers"} 0.0
            # TYPE sacip_move_convergence_seconds histogram
            sacip_move_convergence_seconds_bucket{le="0.01"} 0
            sacip_move_convergence_seconds_bucket{le="+Inf"} 1
            sacip_move_convergence_seconds_count 1
            sacip_move_convergence_seconds_sum 0.123
            odd{text="a \\"quoted\\" \\\\ value, with = and }"} 2.5E3
            """;

    @Test
    void readsNamesLabelsAndValues() {
        MetricsText text = MetricsText.parse(SCRAPE);
        assertEquals(7, text.samples().size());
        assertEquals(1.0, text.require("sacip_moves_total", Map.of("kind", "make_before_break", "outcome",
                "converged")));
        assertEquals(1.0, text.sum("sacip_moves_total"));
        assertEquals(1.0, text.require("sacip_move_convergence_seconds_bucket", Map.of("le", "+Inf")));
        assertEquals(0.123, text.require("sacip_move_convergence_seconds_sum", Map.of()));
        assertEquals(2500.0, text.require("odd", Map.of("text", "a \"quoted\" \\ value, with = and }")));
    }

    @Test
    void anAbsentSampleFailsNamingIt() {
        AssertionError e = assertThrows(AssertionError.class, () -> MetricsText.parse(SCRAPE)
                .require("sacip_moves_total", Map.of("kind", "link_down")));
        assertTrue(e.getMessage().contains("sacip_moves_total{kind=link_down}"), e.getMessage());
    }

    @Test
    void aLineThatIsNoSampleIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetricsText.parse("# TYPE x counter\nx{a=1} 2\n"));
        assertTrue(e.getMessage().startsWith("line 2 is not a sample"), e.getMessage());
    }
}
