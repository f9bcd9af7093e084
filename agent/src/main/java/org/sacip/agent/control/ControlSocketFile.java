package org.sacip.agent.control;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.files.TrustedDirectory;
import org.sacip.agent.files.UntrustedDirectoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket file's life on disk: parent directory (owned by root or the agent, writable by nobody else), stale
 * file replaced, live server refused, bind, mode 0660 and group without a symbolic-link race, removal.
 */
final class ControlSocketFile {
    static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-rw----");
    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Logger LOG = LoggerFactory.getLogger(ControlSocketFile.class);
    private static final int BACKLOG = 64;
    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SOCKET_TYPE = 0140000;
    private static final String DIRECTORY_ROLE = "the control socket's directory";

    private ControlSocketFile() {
    }

    /** Binds a listening socket at {@code socket} (absolute), mode 0660, group set when given. */
    static ServerSocketChannel bind(Path socket, Optional<String> groupName) throws ControlServerException {
        // The group is checked first so a typo in the configuration changes nothing on disk.
        Optional<GroupPrincipal> group = lookUpGroup(socket, groupName);
        Path parent = socket.getParent();
        ensureParent(parent);
        removeIfStale(socket);
        // The socket is bound, given its mode and group, inside a fresh directory of ours (mode 0700, so no one else
        // can reach into it) and only then linked to its real name. So the chmod can only ever meet our own socket:
        // were it done at the real name, whoever swapped the new socket for a symbolic link in between would have
        // the chmod applied to the link's target. link(2) never replaces what exists at the name (a planted link
        // or file, or another agent's socket bound meanwhile): then nothing is served, and nothing changed.
        Path staging;
        try {
            staging = Files.createTempDirectory(parent, ".b");
        } catch (IOException e) {
            throw new ControlServerException("cannot create a directory in " + parent + " to bind the control socket: "
                    + reason(e), e);
        }
        Path staged = staging.resolve("s");
        try {
            ServerSocketChannel server = bindPrivately(staged, socket, group);
            try {
                Files.createLink(socket, staged);
            } catch (IOException | RuntimeException e) {
                closeQuietly(server);
                throw new ControlServerException("cannot put the control socket at " + socket + ": " + reason(e), e);
            }
            return server;
        } finally {
            deleteStaging(staged, staging);
        }
    }

    /** Binds at {@code staged} and sets mode and group there; {@code socket} only names it in messages. */
    private static ServerSocketChannel bindPrivately(Path staged, Path socket, Optional<GroupPrincipal> group)
            throws ControlServerException {
        ServerSocketChannel server;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new ControlServerException("cannot open a unix socket: " + reason(e), e);
        }
        try {
            server.bind(UnixDomainSocketAddress.of(staged), BACKLOG);
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            throw new ControlServerException("cannot bind the control socket " + socket + " (at " + staged + "): "
                    + reason(e), e);
        }
        try {
            Files.setPosixFilePermissions(staged, SOCKET_MODE);
            if (group.isPresent()) {
                Files.getFileAttributeView(staged, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setGroup(group.get());
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            throw new ControlServerException("cannot set mode and group of " + socket + ": " + reason(e), e);
        }
        return server;
    }

    /**
     * Checks, changing nothing, that the socket's directory (or, when it does not exist yet, the part of its path
     * that does) is owned by root or the agent, writable by nobody else, with safe ancestors.
     */
    static void checkDirectory(Path socket) throws UntrustedDirectoryException {
        checkParent(socket.toAbsolutePath().normalize().getParent());
    }

    private static void checkParent(Path parent) throws UntrustedDirectoryException {
        if (Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
            TrustedDirectory.require(parent, DIRECTORY_ROLE);
        } else {
            TrustedDirectory.requireCreatable(parent, DIRECTORY_ROLE);
        }
    }

    /** Removes the socket file if present; failures are logged, not thrown (this runs while shutting down). */
    static void delete(Path socket) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove the control socket {}: {}", socket, reason(e));
        }
    }

    private static void deleteStaging(Path staged, Path staging) {
        try {
            Files.deleteIfExists(staged);
            Files.deleteIfExists(staging);
        } catch (IOException e) {
            LOG.warn("cannot remove {}, where the control socket was bound: {}", staging, reason(e));
        }
    }

    private static Optional<GroupPrincipal> lookUpGroup(Path socket, Optional<String> groupName)
            throws ControlServerException {
        if (groupName.isEmpty()) {
            return Optional.empty();
        }
        String name = groupName.get();
        if (name.isBlank()) {
            throw new ControlServerException("the control socket group name is empty");
        }
        try {
            return Optional.of(socket.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(name));
        } catch (UserPrincipalNotFoundException e) {
            throw new ControlServerException("unknown group \"" + name + "\" for the control socket", e);
        } catch (IOException e) {
            throw new ControlServerException("cannot look up group \"" + name + "\": " + reason(e), e);
        }
    }

    private static void ensureParent(Path parent) throws ControlServerException {
        try {
            checkParent(parent);
            if (!Files.isDirectory(parent)) {
                Files.createDirectories(parent);
                Files.setPosixFilePermissions(parent, DIRECTORY_MODE);
            }
            // Again, now that it exists: someone else may have made it between the check and the creation.
            TrustedDirectory.require(parent, DIRECTORY_ROLE);
        } catch (UntrustedDirectoryException e) {
            throw new ControlServerException(e.getMessage(), e);
        } catch (IOException e) {
            throw new ControlServerException("cannot create the directory " + parent + ": " + reason(e), e);
        }
    }

    private static void removeIfStale(Path socket) throws ControlServerException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & FILE_TYPE_MASK) != SOCKET_TYPE) {
                throw new ControlServerException(socket + " exists and is not a socket; not replacing it");
            }
        } catch (IOException e) {
            throw new ControlServerException("cannot inspect " + socket + ": " + reason(e), e);
        }
        if (answers(socket)) {
            throw new ControlServerException("another agent is already serving " + socket);
        }
        try {
            Files.delete(socket);
            LOG.info("removed the stale control socket {}", socket);
        } catch (IOException e) {
            throw new ControlServerException("cannot remove the stale control socket " + socket + ": " + reason(e),
                    e);
        }
    }

    // Non-blocking, so a live server with a full backlog cannot hang our startup.
    private static boolean answers(Path socket) throws ControlServerException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new ControlServerException("cannot tell whether " + socket + " is in use: " + reason(e), e);
        }
    }

    private static void closeQuietly(ServerSocketChannel server) {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the control socket: {}", e.toString());
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + message;
    }
}
