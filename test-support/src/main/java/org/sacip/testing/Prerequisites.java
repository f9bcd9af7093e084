package org.sacip.testing;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (root, a program). On a developer's machine a missing prerequisite skips the
 * test. In CI (the environment variable {@code CI} is set) and whenever the tests run as root, it fails the test
 * instead: CI runs as root with everything installed (bin/test installs it), so a skip there would only hide a test
 * that never ran.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** Requires that the tests run as uid 0 (to create namespaces, switch users, chown). */
    public static void requireRoot(String why) {
        require(isRoot(), "root (uid 0), " + why);
    }

    /** Requires an executable file at {@code program}, e.g. /usr/bin/setpriv. */
    public static void requireExecutable(Path program) {
        require(Files.isExecutable(program), "the program " + program);
    }

    /**
     * Skips the test when {@code present} is false on a developer's machine; fails it in CI or as root.
     *
     * @param what the prerequisite, for the message ("the program /usr/bin/groff")
     */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (strict()) {
            Assertions.fail("this test needs " + what + ", which is missing; in CI and as root every prerequisite "
                    + "must be there (bin/test installs them), so the test fails instead of being skipped");
        }
        Assumptions.abort("skipped: needs " + what + " (it would fail in CI or as root)");
    }

    /** True in CI (CI set and not empty) or as root: then a missing prerequisite is a failure. */
    public static boolean strict() {
        String ci = System.getenv("CI");
        return (ci != null && !ci.isBlank()) || isRoot();
    }

    /** Whether this JVM runs as uid 0 (the uid, not the user name). */
    public static boolean isRoot() {
        return new UnixSystem().getUid() == 0;
    }
}
