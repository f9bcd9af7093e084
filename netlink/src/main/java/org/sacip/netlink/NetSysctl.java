package org.sacip.netlink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Integer settings under {@code /proc/sys/net} ({@code sysctl net.*}). Each network namespace has its own: the kernel
 * picks the namespace of the thread that opens the file, so the namespace variants open it on a thread that joined
 * the namespace ({@link NetNamespace#call}); a file opened elsewhere would read or change the caller's own.
 */
public final class NetSysctl {
    private static final Path ROOT = Path.of("/proc/sys");

    private NetSysctl() {
    }

    /** The value in the caller's namespace. */
    public static long read(String key) throws SysctlException {
        String text = readText(key);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new SysctlException(SysctlException.Reason.UNEXPECTED_VALUE, key, "'" + text + "' is no integer");
        }
    }

    public static long read(NetNamespace namespace, String key) throws NetlinkException {
        return namespace.call(() -> read(key));
    }

    /** Sets the value in the caller's namespace. */
    public static void write(String key, long value) throws SysctlException {
        Path file = path(key);
        try {
            Files.writeString(file, Long.toString(value), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new SysctlException(SysctlException.Reason.NO_SUCH_SETTING, key, "no " + file);
        } catch (IOException e) {
            throw new SysctlException(SysctlException.Reason.REFUSED, key, "writing " + value + ": " + e.getMessage());
        }
    }

    public static void write(NetNamespace namespace, String key, long value) throws NetlinkException {
        namespace.call(() -> {
            write(key, value);
            return null;
        });
    }

    private static String readText(String key) throws SysctlException {
        Path file = path(key);
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new SysctlException(SysctlException.Reason.NO_SUCH_SETTING, key, "no " + file);
        } catch (AccessDeniedException e) {
            throw new SysctlException(SysctlException.Reason.REFUSED, key, "reading " + file + " is not permitted");
        } catch (IOException e) {
            throw new SysctlException(SysctlException.Reason.REFUSED, key, "reading " + file + ": " + e.getMessage());
        }
    }

    /** {@code net.netfilter.nf_conntrack_acct} to its file; only keys of the per-namespace {@code net} tree. */
    private static Path path(String key) {
        if (!key.matches("net(\\.[A-Za-z0-9_-]+)+")) {
            throw new IllegalArgumentException("not a network sysctl key: '" + key + "'");
        }
        return ROOT.resolve(key.replace('.', '/'));
    }
}
