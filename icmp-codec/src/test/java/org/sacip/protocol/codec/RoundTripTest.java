package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/** Thousands of seeded random messages survive encode and decode unchanged, wherever they sit in a buffer. */
class RoundTripTest {
    private static final int MESSAGES_PER_SEED = 2500;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 20260101})
    void randomMessagesRoundTrip(long seed) throws SacipCodecException {
        Random random = new Random(seed);
        RandomMessages messages = new RandomMessages(random);
        ByteBuffer buffer = ByteBuffer.allocate(4 * WireFormat.MAX_MESSAGE_LENGTH);
        for (int i = 0; i < MESSAGES_PER_SEED; i++) {
            SacipMessage message = messages.anyOverIcmp();
            RandomMessages.Outer outer = messages.outerFor(message);
            SacipAddress source = outer.source();
            SacipAddress destination = outer.destination();

            // Anywhere in the buffer, with junk around it, and whatever byte order the caller set.
            buffer.clear();
            buffer.order(random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            byte[] junk = new byte[buffer.capacity()];
            random.nextBytes(junk);
            buffer.put(junk).clear();
            int offset = random.nextInt(WireFormat.MAX_MESSAGE_LENGTH);
            buffer.position(offset);
            int written = SacipEncoder.encode(message, source, destination, buffer);
            assertEquals(SacipEncoder.encodedLength(message), written);
            assertEquals(offset + written, buffer.position());

            ByteBuffer view = buffer.duplicate();
            view.position(offset).limit(offset + written);
            assertEquals(message, SacipDecoder.decode(view, source, destination));
            assertEquals(offset, view.position(), "decoding does not move the caller's position");
        }
    }

    @ParameterizedTest(name = "room {0}")
    @ValueSource(ints = {0, 1, 43})
    void tooSmallBufferIsRefusedWithoutWriting(int room) {
        SacipMessage hello = GoldenMessages.of(org.sacip.protocol.message.MessageKind.HELLO, AddressFamily.IPV4);
        ByteBuffer small = ByteBuffer.allocate(room);
        assertThrows(BufferOverflowException.class, () -> SacipEncoder.encode(hello,
                GoldenMessages.source(AddressFamily.IPV4), GoldenMessages.destination(AddressFamily.IPV4), small));
        assertEquals(0, small.position());
    }
}
