package org.sacip.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.tools.testing.FakeAgent.ok;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.control.ControlJson;
import org.sacip.tools.format.GhostsView;
import org.sacip.tools.format.PeersView;
import org.sacip.tools.format.SessionsView;
import org.sacip.tools.format.StatusView;
import org.sacip.tools.testing.FakeAgent;
import org.sacip.tools.testing.Fixtures;
import org.sacip.tools.testing.Run;
import org.sacip.tools.testing.Run.Result;

import com.fasterxml.jackson.databind.JsonNode;

/** sacipctl against a fake agent socket serving the fixtures: what is sent, what is printed, exit 0. */
class ListingCommandsTest {
    @TempDir
    Path dir;

    private FakeAgent agent;
    private String socket;

    @BeforeEach
    void startAgent() throws Exception {
        agent = FakeAgent.replying(dir.resolve("agent.sock"), request -> {
            String command = command(request);
            return switch (command) {
                case "status", "sessions", "peers", "ghosts" -> List.of(ok(Fixtures.text(command + ".json")));
                case "version" -> List.of(ok("{\"version\":\"0.1.0-SNAPSHOT\",\"protocol\":1}"));
                default -> List.of("{\"v\":1,\"ok\":false,\"error\":\"unknown_command\",\"message\":\"" + command + "\"}");
            };
        });
        socket = agent.path().toString();
    }

    @AfterEach
    void stopAgent() {
        agent.close();
    }

    @Test
    void eachListingSendsOneRequestLineAndPrintsItsView() throws Exception {
        assertOk(new Run().sacipctl("--socket", socket, "status"), StatusView.render(Fixtures.json("status.json")));
        assertOk(new Run().sacipctl("--socket", socket, "sessions"),
                SessionsView.render(Fixtures.json("sessions.json")));
        assertOk(new Run().sacipctl("--socket", socket, "peers"), PeersView.render(Fixtures.json("peers.json")));
        assertOk(new Run().sacipctl("--socket", socket, "ghosts"), GhostsView.render(Fixtures.json("ghosts.json")));
        assertEquals(List.of("{\"v\":1,\"cmd\":\"status\"}", "{\"v\":1,\"cmd\":\"sessions\"}",
                "{\"v\":1,\"cmd\":\"peers\"}", "{\"v\":1,\"cmd\":\"ghosts\"}"), agent.requests());
    }

    @Test
    void jsonIsThePayloadExactlyAsSent() {
        for (String command : List.of("status", "sessions", "peers", "ghosts")) {
            assertOk(new Run().sacipctl("-j", "--socket", socket, command), Fixtures.text(command + ".json") + "\n");
        }
    }

    @Test
    void prettyImpliesJsonAndIndents() throws Exception {
        Result result = new Run().sacipctl("--socket", socket, "status", "-p");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().startsWith("{\n  \"version\" : \"0.1.0-SNAPSHOT\",\n"), result.out());
        assertEquals(Fixtures.json("status.json"), ControlJson.MAPPER.readTree(result.out()));
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheSubcommand() {
        String expected = Fixtures.text("ghosts.json") + "\n";
        assertOk(new Run().sacipctl("--json", "--control-socket", socket, "ghosts"), expected);
        assertOk(new Run().sacipctl("ghosts", "--control-socket", socket, "--json"), expected);
        assertOk(new Run().sacipctl("--socket", socket, "ghosts", "-j"), expected);
    }

    @Test
    void theSocketComesFromTheEnvironmentWhenNotGiven() {
        Result result = new Run().environment(Map.of("SACIP_SOCKET", socket)).sacipctl("ghosts", "-j");
        assertOk(result, Fixtures.text("ghosts.json") + "\n");
        Result missing = new Run().environment(Map.of("SACIP_SOCKET", dir.resolve("other.sock").toString()))
                .sacipctl("--socket", socket, "ghosts", "-j");
        assertOk(missing, Fixtures.text("ghosts.json") + "\n");
    }

    @Test
    void filteredSessionsAsJsonAreTheFilteredArray() throws Exception {
        Result result = new Run().sacipctl("--socket", socket, "sessions", "-u", "-j", "--src", "2001:db8:1::2");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode printed = ControlJson.MAPPER.readTree(result.out());
        assertEquals(1, printed.size());
        assertEquals(Fixtures.json("sessions.json").get(3), printed.get(0));
        assertEquals(1, result.out().lines().count(), "compact: one line");
    }

    @Test
    void filtersOnTheCommandLine() {
        assertEquals(List.of("40000"), localPorts("-t", "--state", "active"));
        assertEquals(List.of("40000", "40002"), localPorts("--state", "active", "--state", "FROZEN"));
        assertEquals(List.of("40001"), localPorts("--dst", "[2001:db8:10::2]:443"));
        assertEquals(List.of("5353"), localPorts("--dport", "53"));
        assertEquals(List.of("40002"), localPorts("--sport", "40002"));
        assertEquals(List.of("40001", "40002"), localPorts("--peer", "2001:db8:10::2"));
        assertEquals(List.of("40000", "5353"), localPorts("--src", "198.18.1.2", "-t", "-u"));
        assertEquals(List.of(), localPorts("--src", "198.18.99.1"));
    }

    @Test
    void anEmptySelectionPrintsTheHeaderOnly() {
        Result result = new Run().sacipctl("--socket", socket, "sessions", "--state", "refused");
        assertOk(result, SessionsView.render(ControlJson.MAPPER.createArrayNode()));
    }

    @Test
    void versionShowsClientAndAgent() throws Exception {
        Result result = new Run().sacipctl("--socket", socket, "version");
        assertOk(result, "sacipctl " + ClientVersion.get() + "\nagent    0.1.0-SNAPSHOT (control protocol 1)\n");
        Result json = new Run().sacipctl("--socket", socket, "version", "-j");
        assertEquals(ControlJson.MAPPER.readTree("{\"client\":\"" + ClientVersion.get()
                + "\",\"agent\":{\"version\":\"0.1.0-SNAPSHOT\",\"protocol\":1}}"), ControlJson.MAPPER.readTree(json.out()));
        assertTrue(!ClientVersion.get().equals("unknown") && !ClientVersion.get().contains("${"), ClientVersion.get());
    }

    @Test
    void versionWithoutAnAgentStillSucceeds() {
        Result result = new Run().sacipctl("--socket", dir.resolve("none.sock").toString(), "version");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().startsWith("sacipctl " + ClientVersion.get() + "\nagent    unavailable (cannot reach"),
                result.out());
    }

    @Test
    void dashCapitalVPrintsTheClientVersionWithoutConnecting() {
        assertOk(new Run().sacipctl("--socket", socket, "-V"), "sacipctl " + ClientVersion.get() + "\n");
        assertOk(new Run().sacipctl("--socket", socket, "sessions", "--version"), "sacipctl " + ClientVersion.get() + "\n");
        assertEquals(0, agent.connections());
    }

    @Test
    void helpGoesToStdoutWithExitZero() {
        Result result = new Run().sacipctl("sessions", "--help");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().startsWith("Usage: sacipctl sessions"), result.out());
        assertTrue(result.out().contains("--state=STATE"), result.out());
    }

    private List<String> localPorts(String... filters) {
        String[] args = new String[filters.length + 3];
        args[0] = "--socket";
        args[1] = socket;
        args[2] = "sessions";
        System.arraycopy(filters, 0, args, 3, filters.length);
        Result result = new Run().sacipctl(args);
        assertEquals(0, result.exitCode(), result.err());
        return result.out().lines().skip(1)
                .map(line -> line.split(" {2,}")[2])
                .map(local -> local.substring(local.lastIndexOf(':') + 1))
                .toList();
    }

    private static void assertOk(Result result, String expectedOut) {
        assertEquals("", result.err());
        assertEquals(0, result.exitCode());
        assertEquals(expectedOut, result.out());
    }

    static String command(String request) {
        try {
            return ControlJson.MAPPER.readTree(request).path("cmd").asText();
        } catch (Exception e) {
            return "";
        }
    }
}
