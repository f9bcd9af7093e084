package org.sacip.agent.handover;

import static org.sacip.agent.state.JsonFields.address;
import static org.sacip.agent.state.JsonFields.port;
import static org.sacip.agent.state.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.state.PrivateFiles;
import org.sacip.agent.state.StateFileException;
import org.sacip.agent.state.StreamedJson;
import org.sacip.control.SessionState;
import org.sacip.netlink.AddressText;

/**
 * The sessions as the agent last committed them and where our addresses moved ({@code handovers.json} in the state
 * directory), so an agent restarted after kill -9 installs exactly what the kernel already has and carries on.
 * Written after changes, on a thread of its own.
 */
public final class HandoverStore {
    public static final String FILE_NAME = "handovers.json";
    private static final String FORMAT = "sacip-handovers-2";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One saved session: its remapping (an identity when the wire carries the original tuple) and state. */
    public record Saved(SessionTuple tuple, Remapping remapping, SessionState state, Instant since) {
    }

    /** Everything saved: the sessions, and each moved original address with where it went. */
    public record State(List<Saved> sessions, Map<InetAddress, InetAddress> moves) {
        public State {
            sessions = List.copyOf(sessions);
            moves = Map.copyOf(moves);
        }
    }

    private final Path file;

    public HandoverStore(Path stateDirectory) {
        this.file = stateDirectory.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    public void save(State state) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode moves = root.putArray("moves");
        state.moves().forEach((original, movedTo) -> {
            ObjectNode node = moves.addObject();
            node.put("original", AddressText.of(original));
            node.put("moved_to", AddressText.of(movedTo));
        });
        // The sessions (100,000 of them at scale) are streamed, never built as a tree. Their texts repeat (a few
        // addresses, the instants of a few commits): each is formatted once per save (100,000 sessions: 100 -> 75 ms).
        Map<InetAddress, String> addresses = new HashMap<>();
        Map<Instant, String> instants = new HashMap<>();
        PrivateFiles.replace(file, out -> StreamedJson.write(out, JSON, root, "sessions", state.sessions(),
                (json, saved) -> {
                    SessionTuple tuple = saved.tuple();
                    json.writeStringField("proto", tuple.protocol().text());
                    json.writeStringField("local", addresses.computeIfAbsent(tuple.local().address(),
                            AddressText::of));
                    json.writeNumberField("local_port", tuple.local().port());
                    json.writeStringField("remote", addresses.computeIfAbsent(tuple.remote().address(),
                            AddressText::of));
                    json.writeNumberField("remote_port", tuple.remote().port());
                    json.writeStringField("state", saved.state().wireName());
                    json.writeStringField("since", instants.computeIfAbsent(saved.since(), Instant::toString));
                    Remapping r = saved.remapping();
                    if (!r.isIdentity()) {
                        json.writeStringField("active_local", addresses.computeIfAbsent(r.activeLocal(),
                                AddressText::of));
                        json.writeStringField("send_from", addresses.computeIfAbsent(r.sendFrom(),
                                AddressText::of));
                        json.writeStringField("active_remote", addresses.computeIfAbsent(r.activeRemote(),
                                AddressText::of));
                        if (r.remotePortMoved()) {
                            // Only where a NAT had translated the peer's port: absent means the socket's.
                            json.writeNumberField("active_remote_port", r.activeRemotePort());
                        }
                        if (r.carried()) {
                            json.writeBooleanField("carried", true);
                        }
                    }
                }));
    }

    /** The saved state; empty when there is no file. */
    public State load() throws StateFileException {
        if (!Files.exists(file)) {
            return new State(List.of(), Map.of());
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw StateFileException.unreadable(file, e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new StateFileException(file, "not a SACIP handover file (format missing or unknown)");
        }
        Map<InetAddress, InetAddress> moves = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode node : root.path("moves")) {
            try {
                moves.put(address(node, "original"), address(node, "moved_to"));
            } catch (IllegalArgumentException | UnknownHostException e) {
                throw new StateFileException(file, "move " + index + " is invalid: " + e.getMessage(), e);
            }
            index++;
        }
        List<Saved> sessions = new ArrayList<>();
        index = 0;
        for (JsonNode node : root.path("sessions")) {
            try {
                sessions.add(parse(node));
            } catch (IllegalArgumentException | UnknownHostException | DateTimeParseException e) {
                throw new StateFileException(file, "session " + index + " is invalid: " + e.getMessage(), e);
            }
            index++;
        }
        return new State(sessions, moves);
    }

    private static Saved parse(JsonNode node) throws UnknownHostException {
        SessionProtocol protocol = SessionProtocol.valueOf(text(node, "proto").toUpperCase(Locale.ROOT));
        SessionTuple tuple = new SessionTuple(protocol, new Endpoint(address(node, "local"), port(node, "local_port")),
                new Endpoint(address(node, "remote"), port(node, "remote_port")));
        SessionState state = SessionState.valueOf(text(node, "state").toUpperCase(Locale.ROOT));
        Remapping remapping = Remapping.identity(tuple);
        if (node.has("active_local")) {
            // Files written before port maps have no active_remote_port: the peer kept the socket's port.
            int activeRemotePort = node.has("active_remote_port") ? port(node, "active_remote_port")
                    : tuple.remote().port();
            remapping = new Remapping(tuple, address(node, "active_local"), address(node, "send_from"),
                    address(node, "active_remote"), activeRemotePort, node.path("carried").asBoolean(false));
        }
        return new Saved(tuple, remapping, state, Instant.parse(text(node, "since")));
    }



}
