package org.sacip.control;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The client of the control socket (docs/CONTROL.md): one conversation per call, one request line out, one reply line
 * back (then, for {@code events}, the event lines). Every failure is a {@link ControlFailure} of a kind a user can act
 * on; waiting for a reply is bounded by the timeout given.
 */
public final class ControlClient {
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(5);

    private final Path socket;
    private final Duration replyTimeout;

    public ControlClient(Path socket, Duration replyTimeout) {
        this.socket = socket;
        this.replyTimeout = replyTimeout;
    }

    public Path socket() {
        return socket;
    }

    /** Sends {@code command} and returns the payload of the agent's reply; an error reply is a failure. */
    public ControlReply request(ControlCommand command) throws ControlFailure {
        try (SocketChannel channel = connect()) {
            send(channel, command);
            try (LineReader reader = new LineReader(channel)) {
                return readReply(reader);
            }
        } catch (IOException e) {
            throw new ProtocolException("talking to the agent failed: " + describe(e), e);
        }
    }

    /**
     * Sends {@code command} and returns the agent's reply as it came, ok or error (checked only to be a JSON object):
     * for tests that look at the whole reply.
     */
    public JsonNode exchange(ControlCommand command) throws ControlFailure {
        try (SocketChannel channel = connect()) {
            send(channel, command);
            try (LineReader reader = new LineReader(channel)) {
                JsonNode reply = ReplyParser.parseJson(readLine(reader), "the agent's reply");
                if (!reply.isObject()) {
                    throw new ProtocolException("the agent's reply is not a JSON object");
                }
                return reply;
            }
        } catch (IOException e) {
            throw new ProtocolException("talking to the agent failed: " + describe(e), e);
        }
    }

    /**
     * Sends {@code events}, checks the acknowledgement, then hands every following line to {@code sink} until the
     * sink stops or the agent closes the stream.
     */
    public void follow(EventSink sink) throws ControlFailure {
        try (SocketChannel channel = connect()) {
            send(channel, ControlCommand.EVENTS);
            try (LineReader reader = new LineReader(channel)) {
                JsonNode ack = readReply(reader).data();
                if (!ack.path("following").asBoolean(false)) {
                    throw new ProtocolException("the agent did not start following: " + ack);
                }
                forwardEvents(reader, sink);
            }
        } catch (IOException e) {
            throw new ProtocolException("talking to the agent failed: " + describe(e), e);
        }
    }

    private void forwardEvents(LineReader reader, EventSink sink) throws IOException, ControlFailure {
        while (true) {
            String line = reader.readLine(null);
            if (line == null) {
                throw new AgentUnreachableException("the SACIP agent at " + socket + " closed the event stream");
            }
            if (!line.isBlank() && !sink.accept(line)) {
                return;
            }
        }
    }

    private SocketChannel connect() throws ControlFailure {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (e instanceof SocketException && String.valueOf(e.getMessage()).contains("Permission denied")) {
                throw new PermissionDeniedException("cannot connect to " + socket);
            }
            if (Files.exists(socket) && !Files.isDirectory(socket) && !Files.isWritable(socket)) {
                throw new PermissionDeniedException("cannot connect to " + socket);
            }
            throw new AgentUnreachableException(socket, e);
        }
    }

    /** Written while the channel is still blocking, so a full socket buffer waits instead of spinning. */
    private static void send(SocketChannel channel, ControlCommand command) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(new ControlRequest(command).toLine().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private ControlReply readReply(LineReader reader) throws IOException, ControlFailure {
        return ReplyParser.parse(readLine(reader));
    }

    private String readLine(LineReader reader) throws IOException, ProtocolException {
        String line = reader.readLine(replyTimeout);
        if (line == null) {
            throw new ProtocolException("the agent closed the connection without replying");
        }
        return line;
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was sent; the failure to report is the connect's.
            }
        }
    }
}
