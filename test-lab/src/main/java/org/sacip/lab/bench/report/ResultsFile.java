package org.sacip.lab.bench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes results.json: strict (an unknown or missing field is an error), one version at a time. */
public final class ResultsFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    private ResultsFile() {
    }

    public static void write(BenchReport report, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, JSON.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReportFileException(ReportFileException.Reason.IO, "cannot write " + file + ": "
                    + e.getMessage(), e);
        }
    }

    public static BenchReport read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReportFileException(ReportFileException.Reason.IO, "cannot read " + file + ": "
                    + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** The model from JSON text; {@code source} names it in errors. */
    public static BenchReport parse(String text, String source) {
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ReportFileException(ReportFileException.Reason.MALFORMED, source + " is not JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new ReportFileException(ReportFileException.Reason.MALFORMED, source + " is not a JSON object",
                    null);
        }
        String schema = tree.path("schema").asText("");
        int version = tree.path("version").asInt(-1);
        if (!schema.equals(BenchReport.SCHEMA) || version != BenchReport.VERSION) {
            throw new ReportFileException(ReportFileException.Reason.WRONG_VERSION, source + " is " + schema
                    + " version " + version + "; this lab reads " + BenchReport.SCHEMA + " version "
                    + BenchReport.VERSION, null);
        }
        try {
            return JSON.treeToValue(tree, BenchReport.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new ReportFileException(ReportFileException.Reason.MALFORMED, source + " does not match the"
                    + " model: " + message, e);
        }
    }
}
