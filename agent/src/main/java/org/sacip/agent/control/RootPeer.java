package org.sacip.agent.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import jdk.net.UnixDomainPrincipal;

/**
 * Whether a control-socket peer is uid 0, judged by uid, never by user name (a name is whatever the password
 * database says; a second account called "root", or uid 0 under another name, must not change the answer).
 * SO_PEERCRED hands the JDK the peer's uid, which it wraps in a user principal that compares equal to another
 * principal exactly when the uids are equal. We compare with a principal known to stand for uid 0: the owner of
 * the root directory, after reading that owner's number (unix:uid) as 0.
 */
final class RootPeer {
    private static final Path KNOWN_ROOT_OWNED = Path.of("/");

    private final Optional<UserPrincipal> uidZero;

    private RootPeer(Optional<UserPrincipal> uidZero) {
        this.uidZero = uidZero;
    }

    /** Uid 0 as the JDK's principal; without it (/ not owned by uid 0) nobody counts as root: fail closed. */
    static RootPeer find() {
        try {
            int uid = (Integer) Files.getAttribute(KNOWN_ROOT_OWNED, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (uid == 0) {
                return new RootPeer(Optional.of(Files.getOwner(KNOWN_ROOT_OWNED, LinkOption.NOFOLLOW_LINKS)));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Fall through: unknown.
        }
        return new RootPeer(Optional.empty());
    }

    boolean isRoot(UnixDomainPrincipal peer) {
        return uidZero.isPresent() && uidZero.get().equals(peer.user());
    }

    /** False when uid 0 could not be found, so privileged requests are refused for everyone. */
    boolean known() {
        return uidZero.isPresent();
    }
}
