package org.sacip.agent.daemon;

import java.io.File;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Enumeration;
import java.util.function.IntSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.sacip.agent.datapath.DataPathException;
import org.sacip.agent.datapath.DataPathRehearsal;
import org.sacip.agent.peer.protocol.EngineRehearsal;
import org.sacip.agent.state.StateFileException;
import org.sacip.agent.thread.EventThreads;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.HandshakeResponder;
import org.sacip.protocol.handshake.InitiatorCompletion;
import org.sacip.protocol.handshake.PendingHandshake;
import org.sacip.protocol.handshake.StatelessCookies;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the cost of first use off the first session and the first move: on a background thread at start, loads and
 * initialises the agent's own classes (everything under {@code org.sacip} on the class path), then, a little later,
 * rehearses {@value #REHEARSALS} key agreements in memory (both sides, every message encoded and decoded), so that the
 * JIT has compiled the handshake's code before a peer needs it, then {@value #ENGINE_ROUNDS} rounds of the engines
 * that run it ({@link EngineRehearsal}: keys, claims, bindings), then {@value #DATA_PATH_ROUNDS} rounds of a move's
 * data-path work ({@link DataPathRehearsal}), and then has the tunnel's code rehearsed, for the first move behind a
 * NAT, if nothing did so before. Measured in the lab on a loaded 2-core machine:
 * without the class loading the first key agreement of an agent started 140-400 ms after its session was established
 * and the first move's exchange took about twice as long as later ones, against 5-20 ms once warm; a make-before-break
 * window of 100 ms is lost that way. One handshake in memory (both sides' CPU) took 197 ms the first time, 5-15 ms for
 * the next ten and 1.2-1.7 ms from the fortieth on (the same loop in a fresh JVM, idle 2-core machine, the JVM's
 * default compile thresholds). The launcher raises those thresholds fivefold ({@code -XX:CompileThresholdScaling=5},
 * docs/AGENT.md, Start-up and memory), so the JIT compiles later: with every package's thresholds raised, a rehearsal
 * still took about 3.4 ms at the fortieth and 0.9-1.3 ms from about the 140th on. With the rehearsal, the quick ages
 * bench (24 first connections to fresh peers, 6 moves) saw keys a median 26-30 ms after connect(), 41-45 ms without.
 * The thread runs at nice {@value EventThreads#IDLE_NICE}: it takes only what the host's other work leaves. Nothing
 * here touches the kernel or the network, and a class that fails to load is only counted.
 */
final class Warmup implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    private static final String OURS = "org/sacip/";
    /**
     * Handshakes rehearsed: with the launcher's compile thresholds, by about the 140th one costs what it does in a
     * long-running agent (about 0.5 s of one core in all, at the thread's idle priority).
     */
    static final int REHEARSALS = 160;
    /**
     * Rounds of the engines' rehearsal (each a key agreement and two claims). In the roaming lab, first connections to
     * fresh peers had A's key a median 9.9 ms after B's SYN-ACK with it, 11.5 ms without (four labs each, 192
     * connections; docs/AGENT.md, Start-up and memory).
     */
    static final int ENGINE_ROUNDS = 160;
    /**
     * Rounds of the data path's rehearsal ({@link DataPathRehearsal}), and sessions in each: a move's staging is then
     * compiled. In the throwaway namespaces of a data-path benchmark, the first commits of a 10,000-session move took
     * 100-165 ms each without it and 26-34 ms after it (later ones 15-70 ms), and the rehearsal about 0.8 s (two rounds
     * of 1,000: 51-57 ms; two of 2,500: 27-30 ms, but some of its cost grows with the sessions).
     */
    static final int DATA_PATH_ROUNDS = 4;
    static final int DATA_PATH_SESSIONS = 1_000;
    /**
     * The rehearsal waits this long after the classes are loaded: the JIT compiles it on the JVM's compiler threads,
     * at the agent's own priority, and right after ready that work delayed the agent's first answers on its control
     * socket by about 100 ms (and, on two cores, another agent's start as much).
     */
    static final Duration REHEARSAL_DELAY = Duration.ofSeconds(2);
    /** The most heap in use (octets) that is collected after the rehearsal. */
    static final long COLLECTED_AT_MOST = 64L << 20;

    /** Rehearses the tunnel's sealing and opening, if not done yet: how many datagrams, or -1 when it did not. */
    private final IntSupplier tunnelRehearsal;

    private Warmup(IntSupplier tunnelRehearsal) {
        this.tunnelRehearsal = tunnelRehearsal;
    }

    /**
     * Starts the warm-up on a daemon thread at the lowest priority; returns at once. After the key agreements it
     * calls {@code tunnelRehearsal} (the tunnel data plane's, which rehearses at most once and never once it carried).
     */
    static void start(IntSupplier tunnelRehearsal) {
        Thread thread = EventThreads.idle(new Warmup(tunnelRehearsal), "sacip-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        int[] loaded = new int[2];
        ClassLoader loader = Warmup.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                loadClasses(new File(entry), loader, loaded);
            }
        }
        // One key agreement in memory at once: the first use of the JDK's crypto services (XDH, HMAC-SHA256, SHA-256)
        // loads and sets up all its providers, some 30-60 ms on each side, which the first connection to a new peer
        // after a start otherwise paid before its HELLO and its COOKIE. The rehearsal proper waits, as below.
        int firstUse = rehearse(1, new SecureRandom());
        long loadedAt = System.nanoTime();
        try {
            Thread.sleep(REHEARSAL_DELAY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long rehearsalAt = System.nanoTime();
        int rehearsed = rehearse(REHEARSALS, new SecureRandom());
        long engineAt = System.nanoTime();
        int engineRounds = rehearseEngines();
        // After the key agreements: a host's first connections to new peers come before its first move, mostly.
        long dataPathAt = System.nanoTime();
        int dataPathRounds = rehearseDataPath();
        long tunnelAt = System.nanoTime();
        int carried = tunnelRehearsal.getAsInt();
        long collectAt = System.nanoTime();
        Runtime runtime = Runtime.getRuntime();
        boolean collected = collectIfSmall(runtime.totalMemory() - runtime.freeMemory());
        long end = System.nanoTime();
        String tunnel = carried >= 0 ? carried + " tunnel datagrams sealed and opened in "
                + (collectAt - tunnelAt) / 1_000_000 + " ms"
                : "the tunnel not rehearsed here (no device, rehearsed already, or it carries)";
        LOG.debug("warm-up: {} classes loaded ({} failed) and the crypto services set up ({}) in {} ms, {} of {} key "
                + "agreements rehearsed in {} ms, {} of {} engine rounds in {} ms, {} of {} data-path rounds in {} ms, "
                + "{}, heap {} in {} ms", loaded[0], loaded[1], firstUse == 1 ? "done" : "failed",
                (loadedAt - start) / 1_000_000, rehearsed, REHEARSALS, (engineAt - rehearsalAt) / 1_000_000,
                engineRounds, ENGINE_ROUNDS, (dataPathAt - engineAt) / 1_000_000, dataPathRounds, DATA_PATH_ROUNDS,
                (tunnelAt - dataPathAt) / 1_000_000, tunnel, collected ? "collected" : "too large to collect",
                (end - collectAt) / 1_000_000);
    }

    /** Rounds of {@link EngineRehearsal}; how many completed (-1: it could not run). */
    private static int rehearseEngines() {
        try {
            return EngineRehearsal.rehearse(ENGINE_ROUNDS, new SecureRandom());
        } catch (StateFileException | RuntimeException e) {
            LOG.debug("warm-up: engine rehearsal failed: {}", e.toString());
            return -1;
        }
    }

    /** Rounds of {@link DataPathRehearsal}; how many ended clean (-1: it could not run). */
    private static int rehearseDataPath() {
        try {
            return DataPathRehearsal.rehearse(DATA_PATH_ROUNDS, DATA_PATH_SESSIONS);
        } catch (DataPathException | RuntimeException e) {
            LOG.debug("warm-up: data-path rehearsal failed: {}", e.toString());
            return -1;
        }
    }

    /**
     * Collects the heap when {@code inUse} (octets) is at most {@link #COLLECTED_AT_MOST}; whether it did. The class
     * loading and the rehearsal leave the young generation nearly full (17 of 17 MB in the lab), so the next
     * collection fell in the first real key agreement (a 35 ms pause in its 79 ms, quick ages bench); collected now,
     * while nothing waits for the agent, it took about 30 ms. (The launcher makes it a young collection that starts a
     * marking cycle: {@code -XX:+ExplicitGCInvokesConcurrent}, {@link HeapTrim}.) A full collection of an agent that
     * resumed many sessions (some 200 MB at 100,000) would stop it for hundreds of ms while their moves may be under
     * way: that one is left to G1.
     */
    static boolean collectIfSmall(long inUse) {
        if (inUse > COLLECTED_AT_MOST) {
            return false;
        }
        System.gc();
        return true;
    }

    private static void loadClasses(File jar, ClassLoader loader, int[] loaded) {
        try (JarFile file = new JarFile(jar)) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements();) {
                String name = entries.nextElement().getName();
                if (!name.startsWith(OURS) || !name.endsWith(".class") || name.endsWith("module-info.class")
                        || name.endsWith("package-info.class")) {
                    continue;
                }
                try {
                    Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), true,
                            loader);
                    loaded[0]++;
                } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                    loaded[1]++;
                }
            }
        } catch (IOException e) {
            LOG.debug("warm-up: cannot read {}: {}", jar, e.getMessage());
        }
    }

    /**
     * Runs {@code count} key agreements between two in-memory parties, IPv4 and IPv6 in turn (documentation
     * addresses), every message through the encoder and the decoder; returns how many completed (all, unless the
     * JDK's crypto is broken, which the first real handshake will then report).
     */
    static int rehearse(int count, SecureRandom random) {
        SacipAddress[][] parties = {
            {SacipAddress.parse("192.0.2.1"), SacipAddress.parse("192.0.2.2")},
            {SacipAddress.parse("2001:db8::1"), SacipAddress.parse("2001:db8::2")}};
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        HandshakeResponder responder = new HandshakeResponder(StatelessCookies.withSecret(Octets.of(secret)),
                HandshakeResponder.Freshness.from(random));
        int done = 0;
        for (int i = 0; i < count; i++) {
            SacipAddress a = parties[i % 2][0];
            SacipAddress b = parties[i % 2][1];
            Instant now = Instant.now();
            try {
                HandshakeInitiator initiator = HandshakeInitiator.first(new AddressPair(a, b), random);
                Hello hello = (Hello) carried(initiator.hello(), a, b);
                CookieReply cookie = (CookieReply) carried(responder.onHello(hello, Arrival.icmp(a, b), now), b, a);
                Init init = (Init) carried(initiator.onCookie(cookie), a, b);
                PendingHandshake pending = responder.onInit(init, Arrival.icmp(a, b), now);
                InitiatorCompletion completion = initiator.onInitReply((InitReply) carried(pending.reply(), b, a),
                        Arrival.icmp(b, a));
                pending.onConfirm((InitConfirm) carried(completion.confirm(), a, b), Arrival.icmp(a, b));
                done++;
            } catch (SacipProtocolException | SacipCodecException | ClassCastException e) {
                LOG.debug("warm-up: rehearsed key agreement failed: {}", e.getMessage());
                return done;
            }
        }
        return done;
    }

    /** The message as the peer reads it off the wire. */
    private static SacipMessage carried(SacipMessage message, SacipAddress source, SacipAddress destination)
            throws SacipCodecException {
        return SacipDecoder.decode(SacipEncoder.encode(message, source, destination), source, destination);
    }
}
