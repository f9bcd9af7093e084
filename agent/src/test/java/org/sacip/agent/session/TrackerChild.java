package org.sacip.agent.session;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The child process of a {@link TrackerProcess}: {@code GROUP ADDRESS...} runs a session tracker in its own namespace
 * for those addresses and prints what the listener gets, one line each ({@link TrackerProcess} reads them back):
 * {@code O INITIAL OPENER OURS THEIRS SINCE TUPLE} per session opened, {@code D} after the initial dump,
 * {@code E TUPLE} per session ended, with TUPLE as {@code PROTOCOL LOCAL PORT REMOTE PORT}. The line
 * {@code overruns} on its input answers {@code overruns N}; the end of its input closes the tracker and ends it.
 */
public final class TrackerChild {
    private TrackerChild() {
    }

    public static void main(String[] args) throws Exception {
        int group = Integer.parseInt(args[0]);
        Set<InetAddress> addresses = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            addresses.add(InetAddress.getByName(args[i]));
        }
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        SessionTracker.Listener printer = new SessionTracker.Listener() {
            @Override
            public void opened(List<SessionOpened> sessions, boolean initialDump) {
                synchronized (out) {
                    for (SessionOpened session : sessions) {
                        out.println("O " + (initialDump ? 1 : 0) + " " + session.opener() + " "
                                + session.proof().map(p -> p.ours().toHex()).orElse("-") + " "
                                + session.proof().map(p -> p.theirs().toHex()).orElse("-") + " " + session.since()
                                + " " + text(session.tuple()));
                    }
                    if (initialDump) {
                        out.println("D");
                    }
                    out.flush();
                }
            }

            @Override
            public void ended(List<SessionTuple> sessions) {
                synchronized (out) {
                    sessions.forEach(tuple -> out.println("E " + text(tuple)));
                    out.flush();
                }
            }
        };
        try (SessionTracker tracker = SessionTracker.start(null, group, () -> addresses, addresses::contains,
                printer, Clock.systemUTC());
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("overruns")) {
                    synchronized (out) {
                        out.println("overruns " + tracker.overruns());
                        out.flush();
                    }
                }
            }
        }
    }

    static String text(SessionTuple tuple) {
        return tuple.protocol() + " " + tuple.local().address().getHostAddress() + " " + tuple.local().port() + " "
                + tuple.remote().address().getHostAddress() + " " + tuple.remote().port();
    }
}
