package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * NOTIFY_SOCKET values the agent cannot send to are refused with a reason before any socket is made; without the
 * variable nothing is sent at all. (Sending, to a path and to an abstract name, is NotifyTest's in the lab.)
 */
class NotifySocketTest {

    @Test
    void aRelativePathIsRefused() {
        NotifyException e = assertThrows(NotifyException.class, () -> NotifySocket.open("run/notify"));
        assertEquals(NotifyException.Reason.BAD_ADDRESS, e.reason());
        assertEquals("NOTIFY_SOCKET 'run/notify' is neither an absolute path nor an abstract name (@name)",
                e.getMessage());
    }

    @Test
    void aLoneAtSignIsRefused() {
        NotifyException e = assertThrows(NotifyException.class, () -> NotifySocket.open("@"));
        assertEquals("NOTIFY_SOCKET '@' is neither an absolute path nor an abstract name (@name)", e.getMessage());
    }

    @Test
    void namesLongerThanSunPathAreRefused() {
        NotifyException path = assertThrows(NotifyException.class, () -> NotifySocket.open("/" + "p".repeat(107)));
        assertEquals(NotifyException.Reason.BAD_ADDRESS, path.reason());
        assertEquals("NOTIFY_SOCKET '/" + "p".repeat(107) + "' is longer than a socket path may be (107 bytes)",
                path.getMessage());
        NotifyException name = assertThrows(NotifyException.class, () -> NotifySocket.open("@" + "n".repeat(108)));
        assertEquals("NOTIFY_SOCKET '@" + "n".repeat(108) + "' is longer than an abstract socket name may be (108 "
                + "bytes)", name.getMessage());
    }

    @Test
    void controlCharactersInTheValueAreNotEchoed() {
        NotifyException e = assertThrows(NotifyException.class, () -> NotifySocket.open("x\u001b[2J"));
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
    }

    @Test
    void withoutNotifySocketNothingListens() {
        assertFalse(ServiceNotifier.fromEnvironment(Map.of()).active());
        assertFalse(ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "")).active());
        assertFalse(ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "relative")).active());
    }
}
