package org.sacip.agent.daemon;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The config parser on any bytes: a config or a ConfigException whose problems are single printable lines naming the
 * file; any other exception, a problem spanning lines or a control character echoed to the terminal is a finding.
 * Seeds are the shipped agent.conf with its settings uncommented and a few bad lines.
 */
class ConfigFileFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parserFailsOnlyWithTypedErrors(byte[] input) {
        try {
            ConfigFile.parse("agent.conf", input);
        } catch (ConfigException e) {
            for (String problem : e.problems()) {
                if (!problem.startsWith("agent.conf:") || problem.chars().anyMatch(Character::isISOControl)) {
                    throw new AssertionError("a problem that is not one printable line naming the file: "
                            + problem.replaceAll("\\p{Cntrl}", "^"), e);
                }
            }
        }
    }
}
