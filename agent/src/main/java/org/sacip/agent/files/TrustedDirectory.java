package org.sacip.agent.files;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether a directory may hold what only the agent should change (its keys, its control socket): the directory
 * must be owned by root or by the agent's own uid and be writable by its owner only; every ancestor must be owned
 * by root or the agent too, and may be writable by others only with the sticky bit (as /tmp is), which keeps them
 * from renaming or deleting entries they do not own. Otherwise whoever can write there could swap the directory or
 * its files for their own.
 *
 * <p>Symbolic links on the way are judged where they lead: the check walks both the path as given (the links'
 * directories) and its real path (the directories the links lead to).
 */
public final class TrustedDirectory {
    private static final int TYPE_MASK = 0170000;
    private static final int DIRECTORY = 0040000;
    private static final int SYMLINK = 0120000;
    private static final int STICKY = 01000;
    private static final int GROUP_WRITE = 020;
    private static final int OTHER_WRITE = 02;
    private static final int OWNER_UID = ownUid();

    private TrustedDirectory() {
    }

    /** The uid the agent runs as: directories owned by it (or by root) can be trusted. */
    public static int ownUid() {
        return Math.toIntExact(new UnixSystem().getUid());
    }

    /**
     * Fails unless {@code directory} exists and it and its ancestors pass the check.
     *
     * @param role what the directory is for, as the message names it ("the state directory")
     */
    public static void require(Path directory, String role) throws UntrustedDirectoryException {
        Path absolute = directory.toAbsolutePath().normalize();
        Path real;
        try {
            real = absolute.toRealPath();
        } catch (IOException e) {
            throw new UntrustedDirectoryException(UntrustedDirectoryException.Problem.UNREADABLE, absolute,
                    role + " " + absolute + " cannot be resolved: " + reason(e), e);
        }
        for (Path path : List.of(absolute, real)) {
            List<Path> chain = chain(path);
            for (int i = 0; i < chain.size(); i++) {
                check(chain.get(i), i == chain.size() - 1 ? null : absolute, role);
            }
        }
    }

    /**
     * For a directory the agent is about to create: fails unless the nearest part of its path that exists is a
     * directory that passes the check as an ancestor (so nothing is created where others could interfere).
     */
    public static void requireCreatable(Path directory, String role) throws UntrustedDirectoryException {
        Path absolute = directory.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing.getParent() != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (IOException e) {
            throw new UntrustedDirectoryException(UntrustedDirectoryException.Problem.UNREADABLE, existing,
                    role + " " + absolute + " cannot be created: " + existing + " cannot be resolved: " + reason(e), e);
        }
        for (Path path : List.of(existing, real)) {
            for (Path part : chain(path)) {
                check(part, absolute, role);
            }
        }
    }

    /** The path and every ancestor, root first. */
    private static List<Path> chain(Path path) {
        List<Path> chain = new ArrayList<>();
        for (Path p = path; p != null; p = p.getParent()) {
            chain.add(0, p);
        }
        return chain;
    }

    /**
     * One directory of the walk: {@code below} is null for the directory asked about itself, otherwise the path it
     * is an ancestor of (for the message). Symbolic links are skipped: what they lead to is on the real path.
     */
    private static void check(Path path, Path below, String role) throws UntrustedDirectoryException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(path, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new UntrustedDirectoryException(UntrustedDirectoryException.Problem.UNREADABLE, path,
                    subject(path, below, role) + " does not exist", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new UntrustedDirectoryException(UntrustedDirectoryException.Problem.UNREADABLE, path,
                    subject(path, below, role) + ": owner and mode cannot be read: " + reason(e), e);
        }
        int mode = (Integer) attributes.get("mode");
        int uid = (Integer) attributes.get("uid");
        if ((mode & TYPE_MASK) == SYMLINK) {
            return;
        }
        if ((mode & TYPE_MASK) != DIRECTORY) {
            throw new UntrustedDirectoryException(UntrustedDirectoryException.Problem.NOT_A_DIRECTORY, path,
                    subject(path, below, role) + " is not a directory");
        }
        if (uid != 0 && uid != OWNER_UID) {
            throw new UntrustedDirectoryException(UntrustedDirectoryException.Problem.FOREIGN_OWNER, path,
                    subject(path, below, role) + " is owned by uid " + uid + ", not by root or the agent's uid "
                            + OWNER_UID);
        }
        boolean writableByOthers = (mode & (GROUP_WRITE | OTHER_WRITE)) != 0;
        if (below == null && writableByOthers) {
            throw new UntrustedDirectoryException(UntrustedDirectoryException.Problem.WRITABLE_BY_OTHERS, path,
                    subject(path, null, role) + " is writable by " + writers(mode) + " (mode " + octal(mode)
                            + "); only its owner may write to it");
        }
        if (below != null && writableByOthers && (mode & STICKY) == 0) {
            throw new UntrustedDirectoryException(UntrustedDirectoryException.Problem.WRITABLE_WITHOUT_STICKY_BIT,
                    path, subject(path, below, role) + " is writable by " + writers(mode) + " without the sticky bit "
                            + "(mode " + octal(mode) + ")");
        }
    }

    private static String subject(Path path, Path below, String role) {
        return below == null ? role + " " + path : role + " " + below + " is not safe: its ancestor " + path;
    }

    private static String writers(int mode) {
        boolean group = (mode & GROUP_WRITE) != 0;
        boolean others = (mode & OTHER_WRITE) != 0;
        return group && others ? "its group and others" : group ? "its group" : "others";
    }

    private static String octal(int mode) {
        return String.format("%04o", mode & 07777);
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
