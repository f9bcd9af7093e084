package org.sacip.agent.daemon;

/**
 * SIGTERM, SIGINT and SIGHUP, taken over before anything else starts. TERM and INT only note that a stop was
 * requested, so a stop at any moment of the agent's life (start-up included) ends in an orderly close and exit status
 * 0; left to the JVM, a signal during start-up would end the process with 143 (128 + SIGTERM), which service managers
 * count as a failure. HUP (systemctl reload) notes that the config file should be read again; left to the JVM, it
 * would end the agent.
 */
final class ServiceSignals {
    /** What the main thread should do next. */
    enum Request {
        STOP,
        RELOAD
    }

    private boolean stop;
    private boolean reload;

    private ServiceSignals() {
    }

    static ServiceSignals install() {
        ServiceSignals signals = new ServiceSignals();
        handle("TERM", signals::requestStop);
        handle("INT", signals::requestStop);
        handle("HUP", signals::requestReload);
        return signals;
    }

    private static void handle(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
        } catch (IllegalArgumentException reservedByTheJvm) {
            // Only with -Xrs or a JVM that keeps the signal for itself: then its default handling applies.
        }
    }

    private synchronized void requestStop() {
        stop = true;
        notifyAll();
    }

    private synchronized void requestReload() {
        reload = true;
        notifyAll();
    }

    synchronized boolean stopRequested() {
        return stop;
    }

    /**
     * Waits for the next request: STOP once a stop was requested (it wins over a reload and is returned again on
     * every later call), else RELOAD once per batch of SIGHUPs that came since the last RELOAD.
     */
    synchronized Request next() throws InterruptedException {
        while (!stop && !reload) {
            wait();
        }
        if (stop) {
            return Request.STOP;
        }
        reload = false;
        return Request.RELOAD;
    }
}
