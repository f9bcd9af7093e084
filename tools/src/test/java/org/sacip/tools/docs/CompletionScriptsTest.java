package org.sacip.tools.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.testing.Prerequisites;

class CompletionScriptsTest {
    @TempDir
    Path dir;

    @Test
    void theBuildStepWritesBashAndZshScripts() throws Exception {
        GenerateDocs.write(dir);
        String bash = Files.readString(dir.resolve("completion/sacipctl.bash"));
        assertTrue(bash.contains("complete -F _complete_sacipctl"), "registers the completion function");
        String zsh = Files.readString(dir.resolve("completion/_sacipctl"));
        assertTrue(zsh.contains("bashcompinit") && zsh.contains("/sacipctl.bash"), zsh);
    }

    @Test
    void bashCompletesSubcommandsOptionsAndStates() throws Exception {
        Prerequisites.requireExecutable(Path.of("/bin/bash"));
        GenerateDocs.write(dir);
        Path script = dir.resolve("completion/sacipctl.bash");
        assertEquals(Set.of("status", "sessions", "peers", "ghosts", "events", "flush", "version"),
                Set.copyOf(complete(script, "sacipctl", "")).stream()
                        .filter(word -> !word.startsWith("-")).collect(java.util.stream.Collectors.toSet()));
        assertEquals(List.of("active"), complete(script, "sacipctl", "sessions", "--state", "ac"));
        assertTrue(complete(script, "sacipctl", "sessions", "--").containsAll(
                List.of("--tcp", "--udp", "--state", "--src", "--dst", "--sport", "--dport", "--peer", "--socket")));
        assertEquals(List.of("--follow"), complete(script, "sacipctl", "events", "--fo"));
    }

    /** Runs the completion function in a real bash for the given words (the last one being completed). */
    private static List<String> complete(Path script, String... words) throws Exception {
        String line = String.join(" ", words);
        StringBuilder array = new StringBuilder();
        for (String word : words) {
            array.append('\'').append(word).append("' ");
        }
        String program = "source '" + script + "'\n"
                + "COMP_WORDS=(" + array + ")\n"
                + "COMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE='" + line + "'\n"
                + "COMP_POINT=${#COMP_LINE}\n"
                + "_complete_sacipctl\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        // Outside a real completion bash's compopt complains on stderr; only COMPREPLY on stdout matters.
        CommandResult bash = Commands.run(List.of("bash", "-c", program), Duration.ofSeconds(30));
        assertEquals(0, bash.exitCode(), bash.stdout() + bash.stderr());
        return bash.stdout().lines().map(String::strip).filter(word -> !word.isEmpty()).toList();
    }
}
