package org.sacip.netlink;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A network namespace named by its file, e.g. {@code /run/netns/NAME} (made by {@code ip netns add}) or
 * {@code /proc/PID/ns/net}. Work that must happen inside it runs on a short-lived platform thread that joins it
 * first: {@code setns} changes only the calling thread, and sockets stay in the namespace they were made in.
 */
public record NetNamespace(Path path) {

    /** The namespace {@code ip netns add NAME} made. */
    public static NetNamespace named(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a namespace name: '" + name + "'");
        }
        return new NetNamespace(Path.of("/run/netns", name));
    }

    /** The namespace a process lives in. */
    public static NetNamespace ofProcess(long pid) {
        return new NetNamespace(Path.of("/proc", Long.toString(pid), "ns", "net"));
    }

    /** Runs {@code work} on a new thread that first joins this namespace; returns its result or its failure. */
    public <T> T call(Callable<T> work) throws NetlinkException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                enterOnThisThread();
                result.set(work.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "netns-" + path.getFileName());
        thread.setDaemon(true);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetlinkException("interrupted while working in namespace " + path, e);
        }
        Throwable thrown = failure.get();
        if (thrown instanceof NetlinkException netlinkException) {
            throw netlinkException;
        }
        if (thrown instanceof RuntimeException runtimeException) {
            throw runtimeException;
        }
        if (thrown instanceof Error error) {
            throw error;
        }
        if (thrown != null) {
            throw new NetlinkException("work in namespace " + path + " failed: " + thrown.getMessage(), thrown);
        }
        return result.get();
    }

    private void enterOnThisThread() throws NetlinkSystemCallException {
        int fd;
        try {
            fd = LibC.INSTANCE.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new NetlinkSystemCallException("open(" + path + ")", e.getErrorCode());
        }
        try {
            LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new NetlinkSystemCallException("setns(" + path + ")", e.getErrorCode());
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }
}
