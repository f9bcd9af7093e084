package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sacip.lab.cli.LabCli;

/** The launcher's command line: one-line errors with exit 2, and up / exec / down against a real lab. */
class CliTest {
    private record Outcome(int code, String out, String err) {
    }

    private static Outcome cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LabCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void badArgumentsGiveOneLineAndExitTwo() {
        for (String[] args : List.of(new String[] {}, new String[] {"bogus"}, new String[] {"up", "nowhere"},
                new String[] {"up", "--family", "ipv5"}, new String[] {"demo", "--jsn"}, new String[] {"exec"},
                new String[] {"exec", "a"}, new String[] {"exec", "Bad Host", "true"}, new String[] {"down", "--lab", "x"})) {
            Outcome o = cli(args);
            assertEquals(2, o.code(), String.join(" ", args) + ": " + o.err());
            assertEquals(1, o.err().strip().lines().count(), String.join(" ", args) + ": " + o.err());
            assertTrue(o.err().startsWith("sacip-lab: "), o.err());
            assertFalse(o.err().contains("Exception") || o.err().contains("\tat "), o.err());
        }
    }

    @Test
    void upKeepsALabThatExecReachesAndDownStops() throws Exception {
        List<String> command = List.of(System.getProperty("java.home") + "/bin/java", "-cp",
                System.getProperty("java.class.path"), LabCli.class.getName(), "up", "two-hosts");
        Process up = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8));
            String first = lines.readLine();
            assertTrue(first != null && first.contains("is up, owner pid " + up.pid()), String.valueOf(first));
            assertEquals(2, Leftovers.ownedBy(up.pid()).size());

            Outcome exec = cli("exec", "--lab", Long.toString(up.pid()), "a", "ip", "-o", "addr", "show", "dev", "eth0");
            assertEquals(0, exec.code(), exec.err());
            Outcome missing = cli("exec", "--lab", Long.toString(up.pid()), "z", "true");
            assertEquals(2, missing.code());
            assertTrue(missing.err().contains("no host 'z'"), missing.err());
            Outcome failing = cli("exec", "--lab", Long.toString(up.pid()), "a", "false");
            assertEquals(1, failing.code(), "exec passes the command's exit code on");

            Outcome down = cli("down", "--lab", Long.toString(up.pid()));
            assertEquals(0, down.code(), down.err());
            assertTrue(up.waitFor(30, TimeUnit.SECONDS), "the up lab stopped");
            assertEquals(List.of(), Leftovers.ownedBy(up.pid()));
        } finally {
            up.destroyForcibly();
            up.waitFor(10, TimeUnit.SECONDS);
            for (LabNames.LabNamespace ns : Leftovers.ownedBy(up.pid())) {
                Namespaces.remove(ns.name());
            }
        }
    }
}
