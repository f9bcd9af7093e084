package org.sacip.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LiveHeapTest {
    // The shape of `jcmd PID GC.class_histogram` on JDK 17 (rows cut down).
    private static final String HISTOGRAM = String.join("\n",
            "2788:",
            " num     #instances         #bytes  class name (module)",
            "-------------------------------------------------------",
            "   1:        165772        5304704  java.util.HashMap$Node (java.base@17.0.15)",
            "   2:         82950        3420000  [B (java.base@17.0.15)",
            "   3:         20000         800000  org.sacip.agent.handover.HandoverView$Row",
            " 189:             1             16  sun.net.www.protocol.jar.Handler (java.base@17.0.15)",
            "Total        268723        9524720",
            "");

    @Test
    void sumsEveryClassAndKeepsTheLargestInOrder() {
        LiveHeap heap = LiveHeap.parse(HISTOGRAM, 2);
        assertEquals(5304704L + 3420000 + 800000 + 16, heap.bytes());
        assertEquals(List.of(new LiveHeap.ClassShare("java.util.HashMap$Node", 165772, 5304704),
                new LiveHeap.ClassShare("[B", 82950, 3420000)), heap.largest());
    }

    @Test
    void summarySaysWhatEachSessionCosts() {
        assertEquals("live heap 9.1 MiB, 476 B per session; largest: `java.util.HashMap$Node` 265 B, `[B` 171 B",
                LiveHeap.parse(HISTOGRAM, 2).summary(20_000));
    }

    @Test
    void textWithoutRowsIsAnEmptyHeap() {
        LiveHeap heap = LiveHeap.parse("12: Unable to open socket file\n", 5);
        assertEquals(0, heap.bytes());
        assertEquals(List.of(), heap.largest());
    }
}
