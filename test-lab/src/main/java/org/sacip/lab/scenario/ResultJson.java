package org.sacip.lab.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sacip.lab.LabException;

/** Writes scenario results as one JSON file per run, under a results directory that git ignores. */
public final class ResultJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultJson() {
    }

    public static Path write(Path dir, String name, List<ScenarioResult> results) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + "-" + System.currentTimeMillis() + ".json");
            JSON.writeValue(file.toFile(), results);
            return file;
        } catch (IOException e) {
            throw new LabException("cannot write results to " + dir + ": " + e.getMessage(), e);
        }
    }
}
