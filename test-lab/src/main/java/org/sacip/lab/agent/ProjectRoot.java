package org.sacip.lab.agent;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the lab runs from: -Dsacip.root (set by bin/sacip-lab), else the nearest parent with bin/lib/bootstrap.sh. */
public final class ProjectRoot {
    private ProjectRoot() {
    }

    public static Path find() {
        String configured = System.getProperty("sacip.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("bin/lib/bootstrap.sh"))) {
                return p;
            }
        }
        return dir;
    }
}
