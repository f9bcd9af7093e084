package org.sacip.agent.files;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sacip.commands.Commands;
import org.sacip.testing.Prerequisites;

/** Gives test files to a uid nobody uses (no account), as another local user's files would be. Needs root. */
public final class ForeignOwner {
    private ForeignOwner() {
    }

    /** A uid without an account, from 54321 up. */
    public static int unusedUid() throws Exception {
        for (int uid = 54321; uid < 54421; uid++) {
            if (Commands.run(List.of("getent", "passwd", Integer.toString(uid)), Duration.ofSeconds(30))
                    .exitCode() == 2) {
                return uid;
            }
        }
        throw new IllegalStateException("no unused uid in 54321..54420");
    }

    /** chown(2) of the path itself (not a link's target) to {@code uid}. */
    public static void give(Path path, int uid) throws Exception {
        Prerequisites.requireRoot("to give a directory to another uid");
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }
}
