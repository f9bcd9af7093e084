package org.sacip.control;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * One reply line handed out piece by piece, so a long list (100,000 sessions make some 30 MB of JSON) is encoded as
 * the client reads it instead of being built whole in the agent's memory first.
 */
public interface ReplyChunks {
    /**
     * The next piece of the line, or null after the last one (which ends with "\n").
     *
     * @throws JsonProcessingException if an item cannot be encoded; the line is then incomplete
     */
    byte[] next() throws JsonProcessingException;

    /** A line already encoded, in one piece. */
    static ReplyChunks of(byte[] line) {
        return new ReplyChunks() {
            private boolean given;

            @Override
            public byte[] next() {
                if (given) {
                    return null;
                }
                given = true;
                return line;
            }
        };
    }
}
