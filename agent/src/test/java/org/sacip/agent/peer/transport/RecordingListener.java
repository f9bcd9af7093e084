package org.sacip.agent.peer.transport;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Keeps what a transport delivered, for a test to take in order. */
final class RecordingListener implements PeerMessageListener {
    private static final long GENEROUS_SECONDS = 10;
    private final BlockingQueue<ReceivedMessage> messages = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(ReceivedMessage message) {
        messages.add(message);
    }

    /** The next message; fails the test when none comes within a generous timeout. */
    ReceivedMessage next() throws InterruptedException {
        ReceivedMessage message = messages.poll(GENEROUS_SECONDS, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no SACIP message delivered within " + GENEROUS_SECONDS + " s");
        }
        return message;
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }
}
