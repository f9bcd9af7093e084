package org.sacip.agent.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Collects one request line from a non-blocking channel: at most {@link #MAX_LINE_BYTES} bytes including the
 * newline. Never holds more than that, whatever the client sends; bytes after the newline are ignored.
 */
final class RequestReader {
    static final int MAX_LINE_BYTES = 4096;

    /** What one read produced. */
    enum Progress { MORE, LINE, TOO_LARGE, ENDED_EARLY, GONE }

    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE_BYTES);
    private byte[] line;

    /** Reads what is available now; call again while it answers MORE. */
    Progress readFrom(ReadableByteChannel channel) throws IOException {
        while (buffer.hasRemaining()) {
            int scannedUpTo = buffer.position();
            int read = channel.read(buffer);
            if (read < 0) {
                return buffer.position() == 0 ? Progress.GONE : Progress.ENDED_EARLY;
            }
            if (read == 0) {
                return Progress.MORE;
            }
            for (int i = scannedUpTo; i < buffer.position(); i++) {
                if (buffer.get(i) == '\n') {
                    line = Arrays.copyOf(buffer.array(), i);
                    return Progress.LINE;
                }
            }
        }
        return Progress.TOO_LARGE;
    }

    /** The line without its newline, after {@link Progress#LINE}. */
    byte[] line() {
        if (line == null) {
            throw new IllegalStateException("no complete line yet");
        }
        return line;
    }
}
