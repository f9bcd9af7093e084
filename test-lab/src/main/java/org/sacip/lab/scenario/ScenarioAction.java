package org.sacip.lab.scenario;

import java.util.function.Consumer;

/**
 * Something a scenario does besides its moves, at a fixed point of the run (a firewall before the stream, a flushed
 * ruleset or killed agents after the moves). The description is printed as the run's progress.
 */
public record ScenarioAction(String description, Consumer<ScenarioContext> body) {
    public void run(ScenarioContext context) {
        body.accept(context);
    }
}
