package org.sacip.agent.daemon;

import java.io.File;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.crypto.EphemeralKeyPair;
import org.sacip.protocol.crypto.HmacSha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the cost of first use off the first session and the first move: on a background thread at start, loads and
 * initialises the agent's own classes (everything under {@code org.sacip} on the class path) and wakes the JDK's
 * X25519 and HMAC providers. Measured in the lab on a loaded 2-core machine: without it the first key agreement of
 * an agent started 140-400 ms after its session was established and the first move's exchange took about twice
 * as long as later ones, against 5-20 ms once warm; a make-before-break window of 100 ms is lost that way. Nothing
 * here touches the kernel or the network, and a class that fails to load is only counted.
 */
final class Warmup implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    private static final String OURS = "org/sacip/";

    private Warmup() {
    }

    /** Starts the warm-up on a daemon thread of low priority; returns at once. */
    static void start() {
        Thread thread = new Thread(new Warmup(), "sacip-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
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
        boolean crypto = wakeCrypto();
        LOG.debug("warm-up: {} classes loaded ({} failed), crypto providers {} in {} ms", loaded[0], loaded[1],
                crypto ? "ready" : "not ready", (System.nanoTime() - start) / 1_000_000);
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

    /** One X25519 agreement and one HMAC: the providers' first use costs tens of milliseconds. */
    private static boolean wakeCrypto() {
        SecureRandom random = new SecureRandom();
        EphemeralKeyPair ours = EphemeralKeyPair.generate(random);
        EphemeralKeyPair theirs = EphemeralKeyPair.generate(random);
        try {
            byte[] secret = ours.sharedSecret(theirs.publicShare());
            return HmacSha256.mac(secret, secret).length > 0;
        } catch (SacipProtocolException e) {
            return false;
        }
    }
}
