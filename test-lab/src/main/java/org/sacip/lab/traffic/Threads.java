package org.sacip.lab.traffic;

import java.io.Closeable;
import java.io.IOException;

/** Daemon threads for endpoint loops (the process exits after its report whatever they are blocked in). */
public final class Threads {
    private Threads() {
    }

    public static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    public static void closeQuietly(Closeable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (IOException e) {
            // Closing at report time: the figures are taken already.
        }
    }
}
