package org.sacip.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sacip.control.AgentEvent;
import org.sacip.control.EventType;
import org.sacip.testing.Eventually;

class EventFeedTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final Duration NO_WAIT = Duration.ZERO;

    private static AgentEvent event(int n) {
        return new AgentEvent("2025-01-02T03:04:05Z", EventType.MOVE, "event " + n, Map.of("n", Integer.toString(n)));
    }

    private static List<String> drain(EventFeed.Subscription subscription) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        for (Optional<AgentEvent> next; (next = subscription.take(NO_WAIT)).isPresent(); ) {
            AgentEvent e = next.get();
            seen.add(e.type() == EventType.LOST ? "lost " + e.fields().get("count") : e.fields().get("n"));
        }
        return seen;
    }

    /** The taker is inside take, waiting: what happens next must wake it, not find an event already there. */
    private static void awaitWaitingTaker(EventFeed.Subscription subscription) {
        Eventually.await(Duration.ofSeconds(10), () -> subscription.waitingTakers() == 1,
                () -> "the taker to wait in take");
    }

    @Test
    void eventsArriveInOrder() throws Exception {
        EventFeed feed = new EventFeed(CLOCK, 8);
        try (EventFeed.Subscription subscription = feed.subscribe()) {
            for (int i = 0; i < 5; i++) {
                feed.publish(event(i));
            }
            assertEquals(List.of("0", "1", "2", "3", "4"), drain(subscription));
        }
    }

    @Test
    void aFullQueueDropsAndReportsTheLossWhereItHappened() throws Exception {
        EventFeed feed = new EventFeed(CLOCK, 3);
        try (EventFeed.Subscription subscription = feed.subscribe()) {
            for (int i = 0; i < 10; i++) {
                feed.publish(event(i));
            }
            assertEquals("0", subscription.take(NO_WAIT).orElseThrow().fields().get("n"));
            // One slot free: the marker for 3..9 takes it, so event 10 is lost too.
            feed.publish(event(10));
            assertEquals("1", subscription.take(NO_WAIT).orElseThrow().fields().get("n"));
            assertEquals("2", subscription.take(NO_WAIT).orElseThrow().fields().get("n"));
            feed.publish(event(11));
            assertEquals(List.of("lost 7", "lost 1", "11"), drain(subscription));
        }
    }

    @Test
    void aLossIsReportedOnceTheQueueIsDrainedEvenWithoutNewEvents() throws Exception {
        EventFeed feed = new EventFeed(CLOCK, 2);
        try (EventFeed.Subscription subscription = feed.subscribe()) {
            for (int i = 0; i < 5; i++) {
                feed.publish(event(i));
            }
            assertEquals(List.of("0", "1", "lost 3"), drain(subscription));
        }
    }

    @Test
    void theLostEventHasTheDocumentedShape() throws Exception {
        EventFeed feed = new EventFeed(CLOCK, 1);
        try (EventFeed.Subscription subscription = feed.subscribe()) {
            feed.publish(event(0));
            feed.publish(event(1));
            feed.publish(event(2));
            subscription.take(NO_WAIT);
            AgentEvent lost = subscription.take(NO_WAIT).orElseThrow();
            assertEquals(new AgentEvent("2025-01-02T03:04:05Z", EventType.LOST, "2 events lost", Map.of("count", "2")),
                    lost);
        }
    }

    @Test
    void publishingNeverWaitsForAStalledSubscriber() throws Exception {
        EventFeed feed = new EventFeed();
        try (EventFeed.Subscription stalled = feed.subscribe()) {
            for (int i = 0; i < 100_000; i++) {
                feed.publish(event(i));
            }
            assertEquals(100_000 - EventFeed.SUBSCRIBER_QUEUE, feed.lostCount());
            List<String> seen = drain(stalled);
            assertEquals(EventFeed.SUBSCRIBER_QUEUE + 1, seen.size());
            assertEquals("lost " + (100_000 - EventFeed.SUBSCRIBER_QUEUE), seen.get(seen.size() - 1));
        }
    }

    @Test
    void takeWaitsForAnEventAndTimesOutWithout() throws Exception {
        EventFeed feed = new EventFeed(CLOCK, 4);
        try (EventFeed.Subscription subscription = feed.subscribe()) {
            long started = System.nanoTime();
            assertTrue(subscription.take(Duration.ofMillis(100)).isEmpty());
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(90));
            CompletableFuture<Optional<AgentEvent>> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return subscription.take(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitWaitingTaker(subscription);
            feed.publish(event(7));
            assertEquals("7", waiting.get(2, TimeUnit.SECONDS).orElseThrow().fields().get("n"));
        }
    }

    @Test
    void closingWakesTheTakerAndUnsubscribes() throws Exception {
        EventFeed feed = new EventFeed(CLOCK, 4);
        EventFeed.Subscription subscription = feed.subscribe();
        feed.publish(event(1));
        assertEquals(1, feed.subscriberCount());
        CompletableFuture<Optional<AgentEvent>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                subscription.take(NO_WAIT);
                return subscription.take(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitWaitingTaker(subscription);
        subscription.close();
        assertTrue(waiting.get(2, TimeUnit.SECONDS).isEmpty());
        assertTrue(subscription.isClosed());
        assertEquals(0, feed.subscriberCount());
        feed.publish(event(2));
        assertTrue(subscription.take(NO_WAIT).isEmpty());
    }
}
