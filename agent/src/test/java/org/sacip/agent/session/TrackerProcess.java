package org.sacip.agent.session;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.message.Octets;

/**
 * A session tracker in a child JVM ({@link TrackerChild}) in a lab namespace, whose reports arrive in a
 * {@link RecordedSessions} as if it ran here. Being a process of its own, it can be stopped (SIGSTOP) while the
 * kernel goes on: events queue up in its sockets until they overflow, as they do on a host too busy to read them.
 * {@link #close} ends the child.
 */
final class TrackerProcess implements AutoCloseable {
    private final Process child;
    private final Writer input;
    private final SynchronousQueue<String> answers = new SynchronousQueue<>();
    private final Thread reader;

    private TrackerProcess(Process child, RecordedSessions sessions) {
        this.child = child;
        this.input = child.outputWriter(StandardCharsets.UTF_8);
        this.reader = new Thread(() -> read(sessions), "tracker-child-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a tracker in {@code namespace} for {@code addresses} with the lab's log group. */
    static TrackerProcess start(TestNamespace namespace, List<InetAddress> addresses, RecordedSessions sessions)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace.name(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), TrackerChild.class.getName(),
                Integer.toString(TrackerLab.SETTINGS.nflogGroup())));
        addresses.forEach(address -> command.add(address.getHostAddress()));
        // `ip netns exec` execs the command: the process is the JVM itself, which stop() and resume() signal.
        return new TrackerProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start(),
                sessions);
    }

    /** Freezes the whole child: its readers stop reading, the kernel keeps sending. */
    void stop() throws IOException {
        signal("-STOP");
    }

    void resume() throws IOException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException {
        TestNamespace.run("kill", signal, Long.toString(child.pid()));
    }

    /** How often the child's tracker found events lost. */
    long overruns() throws Exception {
        input.write("overruns\n");
        input.flush();
        String answer = answers.poll(30, TimeUnit.SECONDS);
        if (answer == null) {
            throw new AssertionError("the tracker process did not say how many overruns it had");
        }
        return Long.parseLong(answer.substring("overruns ".length()));
    }

    private void read(RecordedSessions sessions) {
        List<SessionOpened> initial = new ArrayList<>();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "O" -> {
                        SessionTuple tuple = tuple(f, 6);
                        Optional<OpeningProof> proof = f[3].equals("-") ? Optional.empty()
                                : Optional.of(new OpeningProof(tuple.protocol(), Octets.fromHex(f[3]),
                                        Octets.fromHex(f[4])));
                        SessionOpened opened = new SessionOpened(tuple, Opener.valueOf(f[2]), proof,
                                Instant.parse(f[5]));
                        if (f[1].equals("1")) {
                            initial.add(opened);
                        } else {
                            sessions.opened(List.of(opened), false);
                        }
                    }
                    case "D" -> sessions.opened(List.copyOf(initial), true);
                    case "E" -> sessions.ended(List.of(tuple(f, 1)));
                    case "overruns" -> answers.put(line);
                    default -> System.err.println("tracker process: " + line);
                }
            }
        } catch (IOException | InterruptedException e) {
            // The child is gone: what it reported is all there is.
        }
    }

    private static SessionTuple tuple(String[] fields, int from) throws IOException {
        return new SessionTuple(SessionProtocol.valueOf(fields[from]),
                new Endpoint(InetAddress.getByName(fields[from + 1]), Integer.parseInt(fields[from + 2])),
                new Endpoint(InetAddress.getByName(fields[from + 3]), Integer.parseInt(fields[from + 4])));
    }

    @Override
    public void close() throws IOException {
        try {
            if (child.isAlive()) {
                resume();
            }
            input.close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            child.destroyForcibly();
        }
    }
}
