package org.sacip.lab.handover;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;
import org.sacip.lab.attack.Addresses;
import org.sacip.lab.traffic.Ticker;
import org.sacip.testing.Eventually;

/**
 * A real OpenSSH session: an sshd of the test's own in the server host's namespace (its config, host key and the
 * client's authorised key in a temporary directory; listening on one address and port only; public key login, no
 * PAM) and {@code ssh} in the client host's namespace, bound to the client's address, running {@code cat} there.
 * The client sends a numbered line every {@value #LINE_INTERVAL_MS} ms on ssh's stdin and checks that each comes
 * back in order. {@link #finish} stops sending, waits for the last echo, ends the session by closing stdin (so
 * {@code cat} and then ssh exit on their own) and returns the figures. Closing kills ssh and sshd with their
 * children, whatever happened, and removes the directory.
 */
final class SshSession implements AutoCloseable {
    private static final long LINE_INTERVAL_MS = 20;
    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    private static final Duration ECHO_LIMIT = Duration.ofSeconds(30);
    private static final Duration EXIT_LIMIT = Duration.ofSeconds(15);
    private static final Path PRIVILEGE_SEPARATION = Path.of("/run/sshd");

    /** What the session did: lines sent and echoed back, echoes out of order, the longest silence, ssh's status. */
    record Figures(long sent, long echoed, long outOfOrder, long longestSilenceMs, boolean openAtEnd, int exitStatus) {
        @Override
        public String toString() {
            return String.format("%d lines sent, %d echoed, %d out of order, longest silence %d ms, %s, ssh exit %d",
                    sent, echoed, outOfOrder, longestSilenceMs, openAtEnd ? "open at the end" : "CLOSED before the end",
                    exitStatus);
        }
    }

    private final Lab lab;
    private final String clientHost;
    private final InetAddress bind;
    private final InetSocketAddress server;
    private final Path directory;
    private Process sshd;
    private Process ssh;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong lastEchoMs = new AtomicLong();
    private final AtomicLong longestSilenceMs = new AtomicLong();
    private volatile boolean sending = true;

    private SshSession(Lab lab, String clientHost, InetAddress bind, InetSocketAddress server, Path directory) {
        this.lab = lab;
        this.clientHost = clientHost;
        this.bind = bind;
        this.server = server;
        this.directory = directory;
    }

    /** Starts sshd on {@code listen} in {@code serverHost}, then ssh from {@code bind} in {@code clientHost}. */
    static SshSession open(Lab lab, String clientHost, InetAddress bind, String serverHost, InetSocketAddress listen) {
        SshSession session;
        try {
            session = new SshSession(lab, clientHost, bind, listen, Files.createTempDirectory("sacip-lab-ssh-"));
        } catch (IOException e) {
            throw new LabException("cannot make the SSH session's directory: " + e.getMessage(), e);
        }
        lab.onTeardown(session);
        session.startServer(serverHost);
        session.startClient();
        return session;
    }

    private void startServer(String serverHost) {
        Path config = directory.resolve("sshd_config");
        try {
            // sshd's unprivileged child chroots here; systemd makes it for a system sshd, which this machine lacks.
            Files.createDirectories(PRIVILEGE_SEPARATION);
            keygen("host_key");
            keygen("client_key");
            Files.copy(directory.resolve("client_key.pub"), directory.resolve("authorized_keys"));
            Files.writeString(config, String.join("\n",
                    "ListenAddress " + Addresses.endpoint(server.getAddress(), server.getPort()),
                    "HostKey " + directory.resolve("host_key"),
                    "AuthorizedKeysFile " + directory.resolve("authorized_keys"),
                    "PidFile " + directory.resolve("sshd.pid"),
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password",
                    // No PAM stack to go through, and keys in a temporary directory of any mode are fine.
                    "UsePAM no",
                    "StrictModes no",
                    ""));
            sshd = new ProcessBuilder(lab.inHost(serverHost, List.of("/usr/sbin/sshd", "-D", "-e", "-f",
                    config.toString())))
                    .redirectErrorStream(true).redirectOutput(directory.resolve("sshd.log").toFile()).start();
        } catch (IOException e) {
            throw new LabException("cannot start sshd: " + e.getMessage(), e);
        }
        Eventually.await(START_LIMIT, () -> !sshd.isAlive() || log("sshd.log").contains("Server listening on"),
                () -> "sshd listens on " + server + ": " + output());
        if (!sshd.isAlive()) {
            throw new LabException("sshd exited at its start: " + output());
        }
    }

    private void keygen(String name) {
        Shell.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "sacip-lab", "-f",
                directory.resolve(name).toString());
    }

    private void startClient() {
        List<String> command = List.of("ssh", "-F", "/dev/null", "-T", "-b", bind.getHostAddress(),
                "-p", Integer.toString(server.getPort()), "-i", directory.resolve("client_key").toString(),
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                System.getProperty("user.name") + "@" + server.getAddress().getHostAddress(), "cat");
        try {
            ssh = new ProcessBuilder(lab.inHost(clientHost, command))
                    .redirectError(directory.resolve("ssh.log").toFile()).start();
        } catch (IOException e) {
            throw new LabException("cannot start ssh: " + e.getMessage(), e);
        }
        startThread("ssh-echoes", this::readEchoes);
        startThread("ssh-lines", this::sendLines);
        Eventually.await(START_LIMIT, () -> echoed.get() > 0 || !ssh.isAlive(),
                () -> "the SSH session echoes its first line: " + output());
        if (!ssh.isAlive()) {
            throw new LabException("ssh exited at its start: " + output());
        }
    }

    private static void startThread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void sendLines() {
        Ticker ticker = new Ticker(LINE_INTERVAL_MS * 1000);
        OutputStream in = ssh.getOutputStream();
        try {
            while (sending) {
                in.write(("line " + sent.get() + "\n").getBytes(StandardCharsets.US_ASCII));
                in.flush();
                sent.incrementAndGet();
                ticker.await();
            }
        } catch (IOException e) {
            // ssh is gone: the figures say how far it got, and ssh's exit status and log say why.
        }
    }

    private void readEchoes() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(ssh.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String line;
            while ((line = out.readLine()) != null) {
                long now = System.currentTimeMillis();
                long previous = lastEchoMs.getAndSet(now);
                if (previous > 0) {
                    // From the first echo on: the login before it is no silence of the session.
                    longestSilenceMs.accumulateAndGet(now - previous, Math::max);
                }
                if (!line.equals("line " + echoed.get())) {
                    outOfOrder.incrementAndGet();
                }
                echoed.incrementAndGet();
            }
        } catch (IOException e) {
            // ssh is gone, as above.
        }
    }

    /** The local port of ssh's connection, from the client host's sockets. */
    int clientPort() {
        String prefix = bind.getHostAddress() + ":";
        String sockets = lab.run(clientHost, "ss", "-Htn", "state", "established", "dst",
                Addresses.endpoint(server.getAddress(), server.getPort()));
        for (String field : sockets.split("\\s+")) {
            if (field.startsWith(prefix)) {
                return Integer.parseInt(field.substring(prefix.length()));
            }
        }
        throw new LabException("no SSH connection from " + bind.getHostAddress() + " in " + clientHost + ": "
                + sockets);
    }

    /** Waits until lines come back again (after a move), or {@code limit} passed. */
    boolean awaitFlowing(Duration limit) {
        long before = echoed.get();
        return Eventually.within(limit, () -> echoed.get() > before);
    }

    /** Stops sending, waits for the last echo, ends the session with an end of input and waits for ssh's exit. */
    Figures finish() {
        sending = false;
        Eventually.within(ECHO_LIMIT, () -> echoed.get() >= sent.get() || !ssh.isAlive());
        boolean openAtEnd = ssh.isAlive();
        try {
            ssh.getOutputStream().close();
            if (!ssh.waitFor(EXIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new LabException("ssh did not exit within " + EXIT_LIMIT.toSeconds() + " s of the end of its"
                        + " input: " + output());
            }
        } catch (IOException e) {
            // ssh's stdin was closed already: it is gone, and its exit status tells how.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted waiting for ssh", e);
        }
        return new Figures(sent.get(), echoed.get(), outOfOrder.get(), longestSilenceMs.get(), openAtEnd,
                ssh.exitValue());
    }

    /** ssh's and sshd's logs, for failure messages. */
    String output() {
        return "ssh: " + log("ssh.log").strip() + "\nsshd: " + log("sshd.log").strip();
    }

    private String log(String name) {
        try {
            File file = directory.resolve(name).toFile();
            return file.exists() ? Files.readString(file.toPath()) : "";
        } catch (IOException e) {
            return "(cannot read " + name + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        // Children first: the sshd serving the session is a child of the listening one and would outlive it.
        for (Process process : new Process[] {ssh, sshd}) {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        try {
            for (Process process : new Process[] {ssh, sshd}) {
                if (process != null) {
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + directory, e);
        }
    }

    @Override
    public String toString() {
        return "SSH session to " + server;
    }
}
