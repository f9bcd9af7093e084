package org.sacip.agent.peer.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding libpcap under the names Debian and others install it, and reading ld.so.conf. */
class PcapLibraryTest {

    @Test
    void versionedNameIsFoundWhenTheUnversionedOneIsMissing(@TempDir Path root) throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty"));
        Path lib = Files.createDirectories(root.resolve("lib"));
        Files.writeString(lib.resolve("libpcap.so.0.8"), "x");
        Files.writeString(lib.resolve("libpcap.so.1.10.3"), "x");
        Files.writeString(lib.resolve("libpcapfoo.so"), "x");
        assertEquals(Optional.of(lib.resolve("libpcap.so.1.10.3")),
                PcapLibrary.find(List.of(empty.toString(), root.resolve("missing").toString(), lib.toString())));
    }

    @Test
    void unversionedNameIsPreferred(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("libpcap.so.0.8"), "x");
        Files.writeString(root.resolve("libpcap.so"), "x");
        assertEquals(Optional.of(root.resolve("libpcap.so")), PcapLibrary.find(List.of(root.toString())));
    }

    @Test
    void nothingFoundInDirectoriesWithoutLibpcap(@TempDir Path root) {
        assertEquals(Optional.empty(), PcapLibrary.find(List.of(root.toString())));
    }

    @Test
    void ldSoConfigIncludesAreFollowedInOrder(@TempDir Path root) throws IOException {
        Path confD = Files.createDirectories(root.resolve("ld.so.conf.d"));
        Files.writeString(confD.resolve("b.conf"), "/opt/b/lib\n");
        Files.writeString(confD.resolve("a.conf"), "# comment\n/opt/a/lib  # trailing\n");
        Path config = root.resolve("ld.so.conf");
        Files.writeString(config, "include ld.so.conf.d/*.conf\n/usr/extra\n");
        assertEquals(List.of("/opt/a/lib", "/opt/b/lib", "/usr/extra"), LdSoConfig.directories(config));
        assertEquals(List.of(), LdSoConfig.directories(root.resolve("absent")));
    }

    @Test
    void aPropertyNamingAMissingFileIsAClearError(@TempDir Path root) {
        String before = System.getProperty(PcapLibrary.PROPERTY);
        System.setProperty(PcapLibrary.PROPERTY, root.resolve("libpcap.so.9").toString());
        try {
            PcapUnavailableException error = assertThrows(PcapUnavailableException.class,
                    PcapLibrary::ensureConfigured);
            assertTrue(error.getMessage().contains("libpcap.so.9"), error.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(PcapLibrary.PROPERTY);
            } else {
                System.setProperty(PcapLibrary.PROPERTY, before);
            }
        }
    }

    @Test
    void thisMachinesLibpcapIsFound() throws PcapUnavailableException {
        Path library = PcapLibrary.ensureConfigured();
        assertTrue(library.getFileName().toString().startsWith("libpcap.so"), library.toString());
        assertEquals(library.toString(), System.getProperty(PcapLibrary.PROPERTY));
    }
}
