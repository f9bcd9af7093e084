package org.sacip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing prerequisite skips on a developer's machine and fails in CI or as root, whichever this run is. */
class PrerequisitesTest {
    @Test
    void aPresentPrerequisiteLetsTheTestRun() {
        Prerequisites.require(true, "anything");
        Prerequisites.requireExecutable(Path.of("/bin/sh"));
    }

    @Test
    void aMissingPrerequisiteFailsInCiOrAsRootAndIsSkippedOtherwise() {
        Path missing = Path.of("/nonexistent/sacip-no-such-program");
        Throwable outcome = assertThrows(Throwable.class, () -> Prerequisites.requireExecutable(missing));
        String ci = System.getenv("CI");
        boolean strict = (ci != null && !ci.isBlank()) || Prerequisites.isRoot();
        assertEquals(strict, Prerequisites.strict());
        if (strict) {
            assertEquals(AssertionFailedError.class, outcome.getClass(), outcome.toString());
            assertTrue(outcome.getMessage().startsWith("this test needs the program " + missing + ", which is "
                    + "missing"), outcome.getMessage());
        } else {
            assertEquals(TestAbortedException.class, outcome.getClass(), outcome.toString());
        }
    }

    @Test
    void rootIsTheUidNotTheName() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertEquals(uid == 0, Prerequisites.isRoot());
    }
}
