package org.sacip.tools.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.tools.cli.CommandLineFactory;
import org.sacip.tools.cli.Invocation;
import org.sacip.testing.Prerequisites;
import org.sacip.tools.testing.Run;

import picocli.CommandLine;

class ManPageTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final List<String> SUBCOMMANDS = List.of("status", "sessions", "peers", "ghosts", "events",
            "flush", "version");

    @TempDir
    Path dir;

    @Test
    void hasEverySectionInOrder() {
        String page = render();
        assertTrue(page.startsWith(".TH SACIPCTL 8 "), page);
        int previous = -1;
        for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "EXIT STATUS",
                "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO")) {
            int at = page.indexOf("\n.SH " + section + "\n");
            assertTrue(at > previous, section + " present and after the previous section");
            previous = at;
        }
    }

    @Test
    void everySubcommandHasASynopsisLineAndASubsectionWithItsOptions() {
        String page = render();
        for (String command : SUBCOMMANDS) {
            assertTrue(page.contains("\n.B sacipctl " + command), command + " in SYNOPSIS");
            assertTrue(page.contains("\n.SS " + command + "\n"), command + " in COMMANDS");
        }
        String sessions = section(page, ".SS sessions", ".SS peers");
        for (String option : List.of("\\-\\-tcp", "\\-\\-udp", "\\-\\-state", "\\-\\-src", "\\-\\-dst", "\\-\\-sport",
                "\\-\\-dport", "\\-\\-peer")) {
            assertTrue(sessions.contains("\\fB" + option + "\\fR"), option);
        }
        assertTrue(sessions.contains("bound, unbound, pending, active, legacy, refused, frozen"), sessions);
        assertTrue(section(page, ".SS events", ".SS flush").contains("\\fB\\-\\-follow\\fR"));
        assertTrue(section(page, ".SS flush", ".SS version").contains("\\fB\\-\\-yes\\fR"));
    }

    @Test
    void globalOptionsAreListedOnceUnderOptions() {
        String page = render();
        String options = section(page, ".SH OPTIONS", ".SH COMMANDS");
        for (String option : List.of("\\-\\-socket", "\\-\\-control\\-socket", "\\-\\-json", "\\-\\-pretty",
                "\\-\\-help", "\\-\\-version")) {
            assertTrue(options.contains("\\fB" + option + "\\fR"), option);
        }
        String commands = section(page, ".SH COMMANDS", ".SH EXIT STATUS");
        assertTrue(!commands.contains("\\-\\-socket") && !commands.contains("\\-\\-json"), commands);
    }

    @Test
    void exitStatusesZeroToFiveAreDocumented() {
        String exits = section(render(), ".SH EXIT STATUS", ".SH ENVIRONMENT");
        for (int code = 0; code <= 5; code++) {
            assertTrue(exits.contains(".TP\n.B " + code + "\n"), "exit " + code);
        }
    }

    @Test
    void rendersWithoutWarnings() throws Exception {
        Path page = Files.writeString(dir.resolve("sacipctl.8"), render());
        Prerequisites.requireExecutable(Path.of("/usr/bin/groff"));
        CommandResult groff = Commands.run(List.of("groff", "-man", "-Tutf8", "-ww", page.toString()), LIMIT);
        assertEquals(0, groff.exitCode(), groff.stderr());
        assertEquals("", groff.stderr());
        String plain = groff.stdout().replaceAll(".\b", "");
        assertTrue(plain.contains("sacipctl - inspect and control the SACIP agent"), plain);
        assertTrue(plain.contains("sacipctl sessions -t --state active --dst 198.18.10.2:22"), plain);
    }

    @Test
    void manDashLRendersTheGeneratedFile() throws Exception {
        Prerequisites.requireExecutable(Path.of("/usr/bin/man"));
        GenerateDocs.write(dir);
        CommandResult man = Commands.run(List.of("env", "MANPAGER=cat", "PAGER=cat", "MANWIDTH=100", "man", "-l",
                dir.resolve("man/sacipctl.8").toString()), LIMIT);
        assertEquals(0, man.exitCode(), man.stderr());
        assertTrue(man.stdout().replaceAll(".\b", "").contains("EXIT STATUS"), man.stdout());
    }

    private static String render() {
        PrintWriter nowhere = new PrintWriter(new StringWriter());
        CommandLine commandLine = CommandLineFactory.create(new Invocation(nowhere, nowhere, Map.of(),
                Run.nonInteractive(), java.time.Duration.ofSeconds(5)));
        return ManPage.render(commandLine, "9.9.9");
    }

    private static String section(String page, String from, String to) {
        int start = page.indexOf(from);
        int end = page.indexOf(to, start);
        assertTrue(start >= 0 && end > start, from + " .. " + to);
        return page.substring(start, end);
    }

}
