package org.sacip.agent.control;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import jdk.net.UnixDomainPrincipal;
import org.sacip.control.ControlCommand;
import org.sacip.control.ControlError;
import org.sacip.control.ControlProtocol;
import org.sacip.control.ControlRequest;
import org.sacip.control.ReplyChunks;
import org.sacip.control.ReplyLines;
import org.sacip.control.RequestRejectedException;
import org.sacip.control.VersionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request line into its reply: parse, permission check, call the {@link ControlApi}, encode. Runs on the
 * server's handler threads; never throws.
 */
final class RequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

    /** Who is asking, read from the socket only when a change command needs it. */
    @FunctionalInterface
    interface PeerCredentials {
        UnixDomainPrincipal read() throws IOException;
    }

    /** What the connection does next. */
    sealed interface Outcome permits Reply, Follow {
    }

    /** Write this line, piece by piece as the client reads, then close. */
    record Reply(ReplyChunks line) implements Outcome {
    }

    /** Hand the connection to an events follower; a follower slot is already reserved for it. */
    record Follow() implements Outcome {
    }

    /** List items encoded per piece of a reply: some 300 KB of sessions, a few socket buffers' worth. */
    static final int LIST_BATCH = 1000;

    private final ControlApi api;
    private final String agentVersion;
    private final EventFollowers followers;
    private final RootPeer root = RootPeer.find();

    RequestHandler(ControlApi api, String agentVersion, EventFollowers followers) {
        this.api = Objects.requireNonNull(api);
        this.agentVersion = Objects.requireNonNull(agentVersion);
        this.followers = Objects.requireNonNull(followers);
    }

    Outcome handle(byte[] line, PeerCredentials peer) {
        ControlCommand command = null;
        try {
            command = ControlRequest.parse(line).command();
            if (command.changesState()) {
                requireRoot(command, peer);
            }
            return execute(command);
        } catch (RequestRejectedException e) {
            return error(e.error(), e.getMessage());
        } catch (ControlException e) {
            String message = e.getMessage() == null ? command.wireName() + " failed" : e.getMessage();
            return error(ControlError.FAILED, message);
        } catch (Exception e) {
            LOG.warn("control command {} failed unexpectedly", command == null ? "?" : command.wireName(), e);
            return error(ControlError.INTERNAL, "internal error; see the agent log");
        }
    }

    private Outcome execute(ControlCommand command) throws Exception {
        switch (command) {
            case STATUS:
                return ok(api.status());
            case SESSIONS:
                return ok(api.sessions());
            case PEERS:
                return ok(api.peers());
            case GHOSTS:
                return ok(api.ghosts());
            case FLUSH:
                return ok(api.flush());
            case VERSION:
                return ok(new VersionInfo(agentVersion, ControlProtocol.VERSION));
            case EVENTS:
                if (!followers.tryReserve()) {
                    return error(ControlError.BUSY,
                            "too many event followers (at most " + EventFollowers.MAX_FOLLOWERS + ")");
                }
                return new Follow();
            default:
                throw new IllegalStateException("no handler for " + command);
        }
    }

    /** SO_PEERCRED's uid must be 0; the user name is only shown. */
    private void requireRoot(ControlCommand command, PeerCredentials peer) throws RequestRejectedException {
        UnixDomainPrincipal principal;
        try {
            principal = peer.read();
        } catch (IOException | RuntimeException e) {
            throw new RequestRejectedException(ControlError.PERMISSION,
                    command.wireName() + " needs root and the peer's credentials could not be read");
        }
        if (!root.known()) {
            throw new RequestRejectedException(ControlError.PERMISSION,
                    command.wireName() + " needs root, and the agent cannot tell which uid is root here");
        }
        if (!root.isRoot(principal)) {
            throw new RequestRejectedException(ControlError.PERMISSION, command.wireName()
                    + " needs root (uid 0); the peer is user " + principal.user().getName());
        }
    }

    private static Outcome ok(Object data) throws Exception {
        if (data == null) {
            throw new IllegalStateException("the control API returned null");
        }
        if (data instanceof List<?> items) {
            // Encoded as the client reads: at 100,000 sessions the whole line (and the buffers that grow to it) took
            // some 120 MB of the agent's heap per request, most of it in arrays too large for the young generation.
            return new Reply(ReplyLines.okList(items, LIST_BATCH));
        }
        return new Reply(ReplyChunks.of(ReplyLines.ok(data)));
    }

    private static Outcome error(ControlError error, String message) {
        return new Reply(ReplyChunks.of(ReplyLines.error(error, message)));
    }
}
