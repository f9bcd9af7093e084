package org.sacip.agent.peer.transport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds libpcap for pcap4j. Debian's libpcap0.8 ships only {@code libpcap.so.0.8} (the unversioned name comes with
 * the -dev package), while pcap4j asks JNA for "pcap" unless {@value #PROPERTY} names the file. A launcher may set
 * the property itself; otherwise the ld.so directories are searched before pcap4j is first touched.
 */
public final class PcapLibrary {
    public static final String PROPERTY = "org.pcap4j.core.pcapLibName";

    private static final List<String> STANDARD_DIRECTORIES = List.of("/lib", "/usr/lib", "/lib64", "/usr/lib64",
            "/usr/local/lib", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu");

    private PcapLibrary() {
    }

    /**
     * Makes sure {@value #PROPERTY} names a loadable libpcap file; idempotent.
     *
     * @return the library file pcap4j will load
     * @throws PcapUnavailableException when no libpcap is installed, or the property names a missing file
     */
    public static synchronized Path ensureConfigured() throws PcapUnavailableException {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            Path path = Path.of(configured);
            if (path.isAbsolute() && !Files.isReadable(path)) {
                throw new PcapUnavailableException("system property " + PROPERTY + " names " + configured
                        + ", which does not exist or is not readable");
            }
            return path;
        }
        Path found = find(searchDirectories()).orElseThrow(() -> new PcapUnavailableException(
                "libpcap not found (looked for libpcap.so* in " + String.join(", ", searchDirectories())
                        + "); install it (Debian: apt-get install libpcap0.8) or set -D" + PROPERTY + "=FILE"));
        System.setProperty(PROPERTY, found.toString());
        return found;
    }

    /** The first directory holding libpcap.so (preferred) or the highest-named libpcap.so.N. */
    static Optional<Path> find(List<String> directories) {
        for (String directory : directories) {
            Path dir = Path.of(directory);
            if (Files.isReadable(dir.resolve("libpcap.so"))) {
                return Optional.of(dir.resolve("libpcap.so"));
            }
            List<Path> versioned = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "libpcap.so.*")) {
                entries.forEach(versioned::add);
            } catch (IOException | SecurityException e) {
                continue;
            }
            Optional<Path> best = versioned.stream().filter(Files::isReadable)
                    .max(Comparator.comparing(path -> path.getFileName().toString()));
            if (best.isPresent()) {
                return best;
            }
        }
        return Optional.empty();
    }

    /** LD_LIBRARY_PATH first, then the directories ld.so.conf names, then the usual ones. */
    static List<String> searchDirectories() {
        Set<String> directories = new LinkedHashSet<>();
        String fromEnvironment = System.getenv("LD_LIBRARY_PATH");
        if (fromEnvironment != null) {
            for (String entry : fromEnvironment.split(":")) {
                if (!entry.isBlank()) {
                    directories.add(entry);
                }
            }
        }
        directories.addAll(LdSoConfig.directories(Path.of("/etc/ld.so.conf")));
        directories.addAll(STANDARD_DIRECTORIES);
        return List.copyOf(directories);
    }
}
