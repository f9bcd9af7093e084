package org.sacip.agent.control;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture of the server tests: a real control server on a socket in a temporary directory, answering from an
 * in-memory API and an event feed the test can publish to. Closed after each test (a subclass's own clean-up runs
 * first).
 */
abstract class RunningControlServer {
    @TempDir
    Path dir;
    Path socket;
    final InMemoryControlApi api = new InMemoryControlApi();
    final EventFeed feed = new EventFeed();
    ControlServer server;

    @BeforeEach
    void start() throws Exception {
        socket = dir.resolve("sacip.sock");
        server = ControlServer.start(socket, Optional.empty(), "0.1.0-test", api, feed);
    }

    @AfterEach
    void stop() {
        server.close();
    }
}
