package org.sacip.tools.docs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.sacip.tools.cli.ClientVersion;
import org.sacip.tools.cli.CommandLineFactory;
import org.sacip.tools.cli.Invocation;
import org.sacip.tools.cli.Terminal;
import org.sacip.control.ControlClient;

import picocli.CommandLine;

/** Build step (mvn package): writes man/sacipctl.8 and completion/{sacipctl.bash,_sacipctl} under a directory. */
public final class GenerateDocs {
    private GenerateDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: GenerateDocs TARGET_DIRECTORY");
        }
        write(Path.of(args[0]));
    }

    public static void write(Path target) throws IOException {
        CommandLine commandLine = CommandLineFactory.create(silentInvocation());
        Path man = target.resolve("man").resolve("sacipctl.8");
        Path completion = target.resolve("completion");
        Files.createDirectories(man.getParent());
        Files.createDirectories(completion);
        Files.writeString(man, ManPage.render(commandLine, ClientVersion.get()), StandardCharsets.UTF_8);
        Files.writeString(completion.resolve(CompletionScripts.BASH_FILE), CompletionScripts.bash(commandLine),
                StandardCharsets.UTF_8);
        Files.writeString(completion.resolve(CompletionScripts.ZSH_FILE), CompletionScripts.zsh(),
                StandardCharsets.UTF_8);
    }

    /** The model is only inspected, never run, so its streams go nowhere. */
    private static Invocation silentInvocation() {
        PrintWriter nowhere = new PrintWriter(new StringWriter());
        return new Invocation(nowhere, nowhere, Map.of(), Terminal.system(), ControlClient.DEFAULT_REPLY_TIMEOUT);
    }
}
