package org.sacip.packaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.sacip.agent.daemon.AgentMain;
import picocli.CommandLine;

/**
 * Build step (mvn prepare-package of the packaging module): writes what the package ships besides jars and static
 * files under a directory: {@code man8/sacip-agent.8.gz} (rendered from the agent's command model),
 * {@code man8/sacipctl.8.gz} (the tools module's page), {@code completion/sacipctl} (the tools module's bash
 * completion without its {@code #!} line: it is sourced, never run), {@code zsh/_sacipctl} (zsh completion for the
 * installed paths) and {@code doc/changelog.gz} (a native package's name for it). Gzip as {@code gzip -9n} writes
 * it, which lintian checks: best compression flagged in the header, no name, no time stamp, so two builds give the
 * same bytes.
 */
public final class PackageDocuments {
    /** zsh loads this from its fpath; it runs picocli's bash completion of the package through bashcompinit. */
    static final String ZSH_COMPLETION = """
            #compdef sacipctl
            # sacipctl completion for zsh: picocli's bash completion (installed for bash) through bashcompinit.
            autoload -U +X bashcompinit && bashcompinit
            source /usr/share/bash-completion/completions/sacipctl
            # The script registered its function for later completions; this first one is answered by it too.
            ${=_comps[sacipctl]} "$@"
            """;

    private PackageDocuments() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: PackageDocuments REPOSITORY_ROOT TARGET_DIRECTORY VERSION");
        }
        write(Path.of(args[0]), Path.of(args[1]), args[2]);
    }

    public static void write(Path root, Path target, String version) throws IOException {
        Path man = Files.createDirectories(target.resolve("man8"));
        String agentPage = AgentManPage.render(new CommandLine(new AgentMain()), version);
        gzip(agentPage.getBytes(StandardCharsets.UTF_8), man.resolve("sacip-agent.8.gz"));
        gzip(Files.readAllBytes(root.resolve("tools/target/man/sacipctl.8")), man.resolve("sacipctl.8.gz"));
        String bash = Files.readString(root.resolve("tools/target/completion/sacipctl.bash"), StandardCharsets.UTF_8);
        if (bash.startsWith("#!")) {
            bash = bash.substring(bash.indexOf('\n') + 1);
        }
        Files.writeString(Files.createDirectories(target.resolve("completion")).resolve("sacipctl"), bash,
                StandardCharsets.UTF_8);
        Path zsh = Files.createDirectories(target.resolve("zsh"));
        Files.writeString(zsh.resolve("_sacipctl"), ZSH_COMPLETION, StandardCharsets.UTF_8);
        String changelog = Files.readString(root.resolve("packaging/src/deb/changelog"), StandardCharsets.UTF_8)
                .replace("[[version]]", debianVersion(version));
        Path doc = Files.createDirectories(target.resolve("doc"));
        gzip(changelog.getBytes(StandardCharsets.UTF_8), doc.resolve("changelog.gz"));
    }

    /**
     * The package's Version as jdeb writes it (lower case, a snapshot's "-" turned into "~" so that it sorts before
     * its release): 0.1.0-SNAPSHOT becomes 0.1.0~snapshot.
     */
    static String debianVersion(String mavenVersion) {
        return mavenVersion.replace("-SNAPSHOT", "~SNAPSHOT").toLowerCase(java.util.Locale.ROOT);
    }

    /** RFC 1952 framing around raw deflate: XFL 2 (best compression) and OS 3 (Unix), as gzip -9n writes. */
    static void gzip(byte[] content, Path file) throws IOException {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(compressed, deflater)) {
            out.write(content);
        } finally {
            deflater.end();
        }
        CRC32 crc = new CRC32();
        crc.update(content);
        ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) crc.getValue()).putInt(content.length);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
            compressed.writeTo(out);
            out.write(trailer.array());
        }
    }
}
