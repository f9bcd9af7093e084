package org.sacip.lab;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sacip.lab.agent.AgentLauncher;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.scenario.ResultJson;
import org.sacip.lab.scenario.ResultTable;
import org.sacip.lab.scenario.Scenario;
import org.sacip.lab.scenario.ScenarioResult;
import org.sacip.lab.scenario.ScenarioRunner;

/** Runs scenarios for the tests and keeps their figures: printed as a table and written under target/lab-results. */
final class LabScenarios {
    private static final List<ScenarioResult> RESULTS = new ArrayList<>();

    private LabScenarios() {
    }

    static synchronized ScenarioResult run(Scenario scenario) {
        return run(scenario, Map.of());
    }

    /** With the agents of the hosts named in {@code launchers} started by their launcher (a sandboxed agent). */
    static synchronized ScenarioResult run(Scenario scenario, Map<String, AgentLauncher> launchers) {
        PrintStream out = System.out;
        out.println("scenario " + scenario.name());
        ScenarioResult result = new ScenarioRunner(ProjectRoot.find(), out, launchers).run(scenario);
        RESULTS.add(result);
        ResultTable.print(List.of(result), out);
        Path file = ResultJson.write(Path.of("target/lab-results"), scenario.name(), List.of(result));
        out.println("  results: " + file);
        return result;
    }
}
