package org.sacip.agent.peer.protocol;

import static org.sacip.agent.state.JsonFields.port;
import static org.sacip.agent.state.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.state.LatestSnapshotWriter;
import org.sacip.agent.state.CostPacing;
import org.sacip.agent.state.PrivateFiles;
import org.sacip.agent.state.StreamedJson;
import org.sacip.agent.state.JsonFields;
import org.sacip.agent.state.StateFileException;
import org.sacip.netlink.AddressText;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * The engine's state on disk ({@code peer-state.json}, mode 0600, replaced atomically): every key lineage (its current
 * key, addresses, the reserved high-water mark of our update numbers, the peer's last accepted update) and the
 * session bindings. Written on a thread of its own; a reservation of sequence numbers waits until it is on disk,
 * so a restart never reuses a number.
 */
public final class EngineStore implements AutoCloseable {
    static final String FILE_NAME = "peer-state.json";
    private static final String FORMAT = "sacip-peer-state-2";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The least wait before a snapshot that may wait. */
    static final Duration SAVE_DELAY = Duration.ofMillis(500);

    /**
     * One lineage as saved. {@code peerProven}: the peer's addresses of the lineage (where it is, its UDP endpoint's)
     * that had shown they receive there (anti-amplification); a restarted agent may send to them as freely as before.
     * Files of earlier versions have no such list: where the peer is counts as proven.
     */
    record SavedLineage(SessionKeys keys, Role role, Instant keyEstablished, Instant lineageEstablished,
            Octets lineage, SacipAddress localCurrent, SacipAddress localConfirmed, SacipAddress peerCurrent,
            long sequenceReserved, Optional<AssociationKey.AcceptedUpdate> lastAccepted, SavedPath path,
            List<SacipAddress> peerProven) {
        SavedLineage {
            peerProven = List.copyOf(peerProven);
        }
    }

    /**
     * A lineage's UDP path (PROTOCOL.md 13.5), kept across a restart so that a host behind a NAT still reaches its
     * peer, and is reached, at once: the peer's endpoint as observed, what the last datagram said about NATs, and
     * whether a tunnel of the lineage was ever up ({@code carried}: a restart opens a new one). Files of earlier
     * versions have none (an ICMP path), or no {@code carried} (not carried).
     */
    record SavedPath(Optional<UdpEndpoint> udpPeer, boolean localBehindNat, boolean peerBehindNat, boolean carried) {
        static final SavedPath ICMP = new SavedPath(Optional.empty(), false, false, false);
    }

    /**
     * A session's binding; {@code peerOwn} and {@code ourPublic} (either may be null) what a NAT between the hosts
     * translated, as {@link SessionRegistry.Entry} keeps them; {@code opener} and {@code proof} what the agent saw of
     * the session's opening, which a restarted agent cannot see again (files of earlier versions have neither).
     */
    record SavedBinding(SessionTuple session, Octets lineage, Endpoint peerOwn, Endpoint ourPublic, Opener opener,
            Optional<OpeningProof> proof) {
        SavedBinding {
            Objects.requireNonNull(opener, "opener");
            Objects.requireNonNull(proof, "proof");
            if (proof.isPresent() && proof.get().protocol() != session.protocol()) {
                throw new IllegalArgumentException("a " + proof.get().protocol().text() + " opening proof for "
                        + session);
            }
        }

        SavedBinding(SessionTuple session, Octets lineage, Endpoint peerOwn, Endpoint ourPublic) {
            this(session, lineage, peerOwn, ourPublic, Opener.UNKNOWN, Optional.empty());
        }

        SavedBinding(SessionTuple session, Octets lineage) {
            this(session, lineage, null, null);
        }
    }

    /** Everything saved. */
    record Snapshot(List<SavedLineage> lineages, List<SavedBinding> bindings) {
    }

    private final Path file;
    /** Null for a store that writes in the caller's thread. */
    private final LatestSnapshotWriter<Snapshot> writer;
    private final CostPacing pacing;

    private EngineStore(Path stateDirectory, boolean threaded) {
        this.file = stateDirectory == null ? null : stateDirectory.resolve(FILE_NAME);
        this.pacing = new CostPacing(SAVE_DELAY);
        this.writer = threaded ? new LatestSnapshotWriter<>("peer-state", this::write, pacing) : null;
    }

    /** The agent's store: writes on a thread of its own, so the engine thread never waits for the disk. */
    public static EngineStore threaded(Path stateDirectory) {
        return new EngineStore(stateDirectory, true);
    }

    /** A store that writes at once in the caller's thread (engines on a virtual clock, in tests and tools). */
    public static EngineStore inline(Path stateDirectory) {
        return new EngineStore(stateDirectory, false);
    }

    /**
     * A store that keeps nothing: it starts empty and encodes every snapshot as the file would hold it, into nothing
     * ({@link EngineRehearsal}: the encoding is rehearsed, and no disk is touched).
     */
    static EngineStore discarding() {
        return new EngineStore(null, false);
    }

    Path file() {
        return file;
    }

    /** What snapshots cost, for pacing those that may wait (an inline store never records a write). */
    CostPacing pacing() {
        return pacing;
    }

    void save(Snapshot snapshot) {
        if (writer != null) {
            writer.submit(snapshot);
        } else {
            saveDurably(snapshot);
        }
    }

    CompletableFuture<Void> saveDurably(Snapshot snapshot) {
        if (writer != null) {
            return writer.submitDurably(snapshot);
        }
        try {
            write(snapshot);
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private void write(Snapshot snapshot) throws IOException {
        if (file == null) {
            encode(snapshot, OutputStream.nullOutputStream());
        } else {
            PrivateFiles.replace(file, out -> encode(snapshot, out));
        }
    }

    private static void encode(Snapshot snapshot, OutputStream out) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode lineages = root.putArray("lineages");
        for (SavedLineage s : snapshot.lineages()) {
            ObjectNode node = lineages.addObject();
            node.put("lineage", s.lineage().toHex());
            node.put("lineage_established", s.lineageEstablished().toString());
            ObjectNode key = node.putObject("key");
            key.put("id", s.keys().keyId().toHex());
            key.put("initiator_to_responder", s.keys().initiatorToResponder().toHex());
            key.put("responder_to_initiator", s.keys().responderToInitiator().toHex());
            key.put("renewal_secret", s.keys().renewalSecret().toHex());
            key.put("initiator", s.keys().initiatorAddress().toString());
            key.put("responder", s.keys().responderAddress().toString());
            key.put("role", s.role().name().toLowerCase(Locale.ROOT));
            key.put("established", s.keyEstablished().toString());
            node.put("local_current", s.localCurrent().toString());
            node.put("local_confirmed", s.localConfirmed().toString());
            node.put("peer_current", s.peerCurrent().toString());
            node.put("sequence_reserved", Long.toUnsignedString(s.sequenceReserved()));
            s.lastAccepted().ifPresent(a -> {
                ObjectNode accepted = node.putObject("last_accepted");
                accepted.put("sequence", Long.toUnsignedString(a.sequence()));
                accepted.put("original", a.original().toString());
                accepted.put("current", a.current().toString());
            });
            ArrayNode proven = node.putArray("peer_proven");
            s.peerProven().forEach(address -> proven.add(address.toString()));
            s.path().udpPeer().ifPresent(endpoint -> {
                ObjectNode udp = node.putObject("udp_peer");
                udp.put("address", endpoint.address().toString());
                udp.put("port", endpoint.port());
                udp.put("local_behind_nat", s.path().localBehindNat());
                udp.put("peer_behind_nat", s.path().peerBehindNat());
                if (s.path().carried()) {
                    udp.put("carried", true);
                }
            });
        }
        // The bindings (one per session, 100,000 of them at scale) are streamed, never built as a tree.
        StreamedJson.write(out, JSON, root, "bindings", snapshot.bindings(),
                (json, b) -> {
                    json.writeStringField("proto", b.session().protocol().text());
                    json.writeStringField("local", AddressText.of(b.session().local().address()));
                    json.writeNumberField("local_port", b.session().local().port());
                    json.writeStringField("remote", AddressText.of(b.session().remote().address()));
                    json.writeNumberField("remote_port", b.session().remote().port());
                    json.writeStringField("lineage", b.lineage().toHex());
                    if (b.peerOwn() != null) {
                        json.writeStringField("peer_own", AddressText.of(b.peerOwn().address()));
                        json.writeNumberField("peer_own_port", b.peerOwn().port());
                    }
                    if (b.ourPublic() != null) {
                        json.writeStringField("our_public", AddressText.of(b.ourPublic().address()));
                        json.writeNumberField("our_public_port", b.ourPublic().port());
                    }
                    if (b.opener() != Opener.UNKNOWN) {
                        json.writeStringField("opener", b.opener().name().toLowerCase(Locale.ROOT));
                    }
                    if (b.proof().isPresent()) {
                        json.writeStringField("proof_ours", b.proof().get().ours().toHex());
                        json.writeStringField("proof_theirs", b.proof().get().theirs().toHex());
                    }
                });
    }

    /** The saved state; empty when there is no file. A key dated after {@code now} counts as established now. */
    Snapshot load(Instant now) throws StateFileException {
        if (file == null || !Files.exists(file)) {
            return new Snapshot(List.of(), List.of());
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw StateFileException.unreadable(file, e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new StateFileException(file, "not a SACIP peer state file (format missing or unknown)");
        }
        List<SavedLineage> lineages = new ArrayList<>();
        int index = 0;
        for (JsonNode node : root.path("lineages")) {
            try {
                lineages.add(parseLineage(node, now));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new StateFileException(file, "lineage " + index + " is invalid: " + e.getMessage(), e);
            }
            index++;
        }
        List<SavedBinding> bindings = new ArrayList<>();
        index = 0;
        for (JsonNode node : root.path("bindings")) {
            try {
                bindings.add(parseBinding(node));
            } catch (IllegalArgumentException | UnknownHostException e) {
                throw new StateFileException(file, "binding " + index + " is invalid: " + e.getMessage(), e);
            }
            index++;
        }
        return new Snapshot(lineages, bindings);
    }

    private static SavedLineage parseLineage(JsonNode node, Instant now) {
        JsonNode key = node.path("key");
        SessionKeys keys = new SessionKeys(octets(key, "id"), octets(key, "initiator_to_responder"),
                octets(key, "responder_to_initiator"), octets(key, "renewal_secret"), address(key, "initiator"),
                address(key, "responder"));
        Role role = Role.valueOf(text(key, "role").toUpperCase(Locale.ROOT));
        Optional<AssociationKey.AcceptedUpdate> accepted = Optional.empty();
        JsonNode last = node.get("last_accepted");
        if (last != null) {
            accepted = Optional.of(new AssociationKey.AcceptedUpdate(Long.parseUnsignedLong(text(last, "sequence")),
                    address(last, "original"), address(last, "current")));
        }
        List<SacipAddress> proven = new ArrayList<>();
        if (!node.has("peer_proven")) {
            // A file of an earlier version, which kept no such list: where the peer is was proven when it was set
            // (by the key agreement, or by the peer's move, checked), or a move after an upgrade would go unconfirmed.
            proven.add(address(node, "peer_current"));
        }
        for (JsonNode address : node.path("peer_proven")) {
            if (!address.isTextual()) {
                throw new IllegalArgumentException("peer_proven holds " + address + ", not an address");
            }
            proven.add(SacipAddress.parse(address.asText()));
        }
        SavedPath path = SavedPath.ICMP;
        JsonNode udp = node.get("udp_peer");
        if (udp != null) {
            path = new SavedPath(Optional.of(new UdpEndpoint(address(udp, "address"), port(udp, "port"))),
                    udp.path("local_behind_nat").asBoolean(false), udp.path("peer_behind_nat").asBoolean(false),
                    udp.path("carried").asBoolean(false));
        }
        return new SavedLineage(keys, role, notAfter(Instant.parse(text(key, "established")), now),
                notAfter(Instant.parse(text(node, "lineage_established")), now), octets(node, "lineage"),
                address(node, "local_current"), address(node, "local_confirmed"), address(node, "peer_current"),
                Long.parseUnsignedLong(text(node, "sequence_reserved")), accepted, path, proven);
    }

    /** The clock went back: a key never outlives its 24 hours because of it. */
    private static Instant notAfter(Instant saved, Instant now) {
        return saved.isAfter(now) ? now : saved;
    }

    private static SavedBinding parseBinding(JsonNode node) throws UnknownHostException {
        SessionProtocol protocol = SessionProtocol.valueOf(text(node, "proto").toUpperCase(Locale.ROOT));
        SessionTuple tuple = new SessionTuple(protocol, new Endpoint(JsonFields.address(node, "local"),
                port(node, "local_port")), new Endpoint(JsonFields.address(node, "remote"), port(node, "remote_port")));
        Endpoint peerOwn = node.has("peer_own")
                ? new Endpoint(JsonFields.address(node, "peer_own"), port(node, "peer_own_port")) : null;
        Endpoint ourPublic = node.has("our_public")
                ? new Endpoint(JsonFields.address(node, "our_public"), port(node, "our_public_port")) : null;
        Opener opener = node.has("opener") ? Opener.valueOf(text(node, "opener").toUpperCase(Locale.ROOT))
                : Opener.UNKNOWN;
        Optional<OpeningProof> proof = node.has("proof_ours") || node.has("proof_theirs")
                ? Optional.of(new OpeningProof(protocol, octets(node, "proof_ours"), octets(node, "proof_theirs")))
                : Optional.empty();
        return new SavedBinding(tuple, octets(node, "lineage"), peerOwn, ourPublic, opener, proof);
    }

    static AddressPair boundOf(SavedLineage saved) {
        return saved.keys().boundAddresses(saved.role());
    }

    private static Octets octets(JsonNode node, String field) {
        return Octets.fromHex(text(node, field));
    }

    private static SacipAddress address(JsonNode node, String field) {
        return SacipAddress.parse(text(node, field));
    }


}
