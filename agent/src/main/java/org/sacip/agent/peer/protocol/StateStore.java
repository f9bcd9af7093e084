package org.sacip.agent.peer.protocol;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.sacip.agent.state.PrivateFiles;
import org.sacip.agent.state.StateFileException;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * Sessions in one properties file of the state directory, mode 0600, replaced atomically (temp file, fsync,
 * rename) so a crash leaves either the old or the new file, never half of one.
 */
final class StateStore {
    static final String FILE_NAME = "peer-sessions.properties";
    private static final String FORMAT = "sacip-peer-state-1";

    private final Path directory;
    private final Path file;

    StateStore(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(FILE_NAME);
    }

    Path file() {
        return file;
    }

    /**
     * The saved sessions. A session saved without its establishment time (an older file) counts as established
     * {@code now}; one dated after {@code now} (the clock went back) too, so no key outlives its 24 hours.
     */
    List<PersistedSession> load(Instant now) throws StateFileException {
        if (!Files.exists(file)) {
            return List.of();
        }
        Properties properties = new Properties();
        try (Reader reader = new StringReader(Files.readString(file, StandardCharsets.UTF_8))) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new StateFileException(file, "cannot read state", e);
        }
        if (!FORMAT.equals(properties.getProperty("format"))) {
            throw new StateFileException(file, "not a SACIP peer state file (format line missing or unknown)");
        }
        List<PersistedSession> sessions = new ArrayList<>();
        long count;
        try {
            count = number(properties, "sessions");
        } catch (IllegalArgumentException e) {
            throw new StateFileException(file, "session count is invalid", e);
        }
        for (int i = 0; i < count; i++) {
            String p = "session." + i + ".";
            try {
                SessionKeys keys = new SessionKeys(octets(properties, p + "keyId"), octets(properties, p + "keyIR"),
                        octets(properties, p + "keyRI"), octets(properties, p + "renewalSecret"),
                        address(properties, p + "initiator"), address(properties, p + "responder"));
                Role role = Role.valueOf(text(properties, p + "role"));
                Optional<PersistedSession.AcceptedUpdate> accepted = Optional.empty();
                if (properties.containsKey(p + "accepted.sequence")) {
                    accepted = Optional.of(new PersistedSession.AcceptedUpdate(number(properties, p
                            + "accepted.sequence"), address(properties, p + "accepted.original"),
                            address(properties, p + "accepted.current")));
                }
                Instant established = now;
                if (properties.containsKey(p + "established")) {
                    Instant saved = Instant.ofEpochMilli(number(properties, p + "established"));
                    established = saved.isAfter(now) ? now : saved;
                }
                sessions.add(new PersistedSession(keys, role, established, address(properties, p + "localCurrent"),
                        address(properties, p + "peerCurrent"), number(properties, p + "sequenceReserved"), accepted));
            } catch (IllegalArgumentException e) {
                throw new StateFileException(file, "session " + i + " is invalid", e);
            }
        }
        return sessions;
    }

    void save(List<PersistedSession> sessions) throws StateFileException {
        Properties properties = new Properties();
        properties.setProperty("format", FORMAT);
        properties.setProperty("sessions", Integer.toString(sessions.size()));
        for (int i = 0; i < sessions.size(); i++) {
            PersistedSession s = sessions.get(i);
            String p = "session." + i + ".";
            SessionKeys keys = s.keys();
            properties.setProperty(p + "keyId", keys.keyId().toHex());
            properties.setProperty(p + "keyIR", keys.initiatorToResponder().toHex());
            properties.setProperty(p + "keyRI", keys.responderToInitiator().toHex());
            properties.setProperty(p + "renewalSecret", keys.renewalSecret().toHex());
            properties.setProperty(p + "initiator", keys.initiatorAddress().toString());
            properties.setProperty(p + "responder", keys.responderAddress().toString());
            properties.setProperty(p + "role", s.role().name());
            properties.setProperty(p + "established", Long.toString(s.established().toEpochMilli()));
            properties.setProperty(p + "localCurrent", s.localCurrent().toString());
            properties.setProperty(p + "peerCurrent", s.peerCurrent().toString());
            properties.setProperty(p + "sequenceReserved", Long.toUnsignedString(s.sequenceReserved()));
            s.lastAccepted().ifPresent(a -> {
                properties.setProperty(p + "accepted.sequence", Long.toUnsignedString(a.sequence()));
                properties.setProperty(p + "accepted.original", a.original().toString());
                properties.setProperty(p + "accepted.current", a.current().toString());
            });
        }
        StringWriter text = new StringWriter();
        try {
            properties.store(text, "SACIP peer sessions: keys are secret, keep mode 0600");
            PrivateFiles.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StateFileException(file, "cannot write state: " + e.getMessage(), e);
        }
    }

    private String text(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + key);
        }
        return value.trim();
    }

    private long number(Properties properties, String key) throws IllegalArgumentException {
        try {
            return Long.parseUnsignedLong(text(properties, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number", e);
        }
    }

    private Octets octets(Properties properties, String key) {
        return Octets.fromHex(text(properties, key));
    }

    private SacipAddress address(Properties properties, String key) {
        return SacipAddress.parse(text(properties, key));
    }
}
