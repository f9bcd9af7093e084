package org.sacip.lab.topology;

import org.sacip.lab.Lab;
import org.sacip.lab.LabException;

/** With DAD on, new IPv6 addresses are tentative (unusable) for about a second; wait until none is. */
public final class DadWait {
    private static final long LIMIT_MS = 15_000;

    private DadWait() {
    }

    public static void untilSettled(Lab lab) {
        long deadline = System.currentTimeMillis() + LIMIT_MS;
        for (String host : lab.hosts()) {
            untilSettled(lab, host, deadline);
        }
    }

    public static void untilSettled(Lab lab, String host, long deadline) {
        while (!lab.run(host, "ip", "-6", "addr", "show", "tentative").isBlank()) {
            if (System.currentTimeMillis() > deadline) {
                throw new LabException("IPv6 addresses in " + host + " still tentative after " + LIMIT_MS + " ms");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting for DAD", e);
            }
        }
    }
}
