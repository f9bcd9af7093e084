package org.sacip.packaging;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.sacip.agent.daemon.AgentMain;
import picocli.CommandLine;

/**
 * Build step (mvn prepare-package of the packaging module): writes what the package ships besides jars and static
 * files under a directory: {@code man8/sacip-agent.8.gz} (rendered from the agent's command model),
 * {@code man8/sacipctl.8.gz} (the tools module's page), {@code zsh/_sacipctl} (zsh completion for the installed
 * paths) and {@code doc/changelog.Debian.gz}. Gzip as Debian wants it: best compression, no name, no time stamp, so
 * two builds give the same bytes.
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
        Path zsh = Files.createDirectories(target.resolve("zsh"));
        Files.writeString(zsh.resolve("_sacipctl"), ZSH_COMPLETION, StandardCharsets.UTF_8);
        String changelog = Files.readString(root.resolve("packaging/src/deb/changelog"), StandardCharsets.UTF_8)
                .replace("[[version]]", debianVersion(version));
        Path doc = Files.createDirectories(target.resolve("doc"));
        gzip(changelog.getBytes(StandardCharsets.UTF_8), doc.resolve("changelog.Debian.gz"));
    }

    /** The package's Version as jdeb writes it: a snapshot sorts before its release (0.1.0~SNAPSHOT). */
    static String debianVersion(String mavenVersion) {
        return mavenVersion.replace("-SNAPSHOT", "~SNAPSHOT");
    }

    private static void gzip(byte[] content, Path file) throws IOException {
        try (OutputStream out = new BestGzip(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    /** GZIPOutputStream writes no file name and a zero time stamp; only the level needs raising. */
    private static final class BestGzip extends GZIPOutputStream {
        BestGzip(OutputStream out) throws IOException {
            super(out);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }
}
