package org.sacip.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/CONTROL.md read as data: its sections, the backticked names in its tables and lists, and the JSON lines of its
 * examples (a reply wrapped over several lines for reading is joined again). What {@link ControlDocTest} compares
 * with the contract.
 */
final class ControlDoc {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern HEADING = Pattern.compile("^(#{2,3}) (.*)$");

    /** Heading text (as written, without the #) to the lines under it, up to the next heading of level 2 or 3. */
    private final Map<String, List<String>> sections = new LinkedHashMap<>();

    private ControlDoc(List<String> lines) {
        List<String> current = new ArrayList<>();
        sections.put("", current);
        for (String line : lines) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                current = new ArrayList<>();
                sections.put(heading.group(2), current);
            } else {
                current.add(line);
            }
        }
    }

    /** docs/CONTROL.md of this checkout (tests run in the module's directory). */
    static ControlDoc read() throws IOException {
        Path doc = Path.of("..", "docs", "CONTROL.md").toAbsolutePath().normalize();
        if (!Files.isRegularFile(doc)) {
            throw new IOException("the control protocol's documentation is not at " + doc);
        }
        return new ControlDoc(Files.readAllLines(doc));
    }

    Set<String> headings() {
        return sections.keySet();
    }

    /** The lines of the section whose heading starts with {@code prefix}; fails when there is not exactly one. */
    List<String> section(String prefix) {
        List<List<String>> found = sections.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(Map.Entry::getValue).toList();
        if (found.size() != 1) {
            throw new AssertionError("docs/CONTROL.md has " + found.size() + " sections starting with \"" + prefix
                    + "\"; expected one");
        }
        return found.get(0);
    }

    /** Every `name` on the first line of the section that starts with {@code linePrefix}, after that prefix. */
    static Set<String> namesInLine(List<String> section, String linePrefix) {
        String line = section.stream().filter(l -> l.startsWith(linePrefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + linePrefix));
        return codes(line.substring(linePrefix.length()));
    }

    /**
     * The rows of the section's table whose header row starts with {@code header}: the first column's `name`, to
     * the row's columns.
     */
    static Map<String, List<String>> table(List<String> section, String header) {
        int start = -1;
        for (int i = 0; i < section.size(); i++) {
            if (section.get(i).startsWith(header)) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            throw new AssertionError("no table with the header " + header);
        }
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (int i = start + 2; i < section.size() && section.get(i).startsWith("|"); i++) {
            String[] cells = section.get(i).split("\\|", -1);
            List<String> columns = new ArrayList<>();
            for (int c = 1; c < cells.length - 1; c++) {
                columns.add(cells[c].strip());
            }
            Set<String> key = codes(columns.get(0));
            if (key.size() != 1) {
                throw new AssertionError("a row of the table " + header + " names " + key + " in its first column");
            }
            if (rows.put(key.iterator().next(), columns) != null) {
                throw new AssertionError("the table " + header + " has two rows for " + key);
            }
        }
        return rows;
    }

    /** Every `name` in the text, in order, once. */
    static Set<String> codes(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher code = CODE.matcher(text);
        while (code.find()) {
            names.add(code.group(1));
        }
        return names;
    }

    /**
     * The JSON objects of the section's examples: reply lines ("&lt; {...}", wrapped lines joined) and bare event
     * lines ("{...}"). Examples that elide with "..." are left out.
     */
    static List<JsonNode> examples(List<String> section) {
        List<JsonNode> found = new ArrayList<>();
        boolean inCode = false;
        StringBuilder pending = null;
        for (String line : section) {
            if (line.startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            if (!inCode) {
                continue;
            }
            if (pending != null && line.startsWith("   ")) {
                pending.append(line.strip());
            } else {
                add(found, pending);
                pending = null;
                String text = line.startsWith("< ") ? line.substring(2) : line;
                if (text.startsWith("{")) {
                    pending = new StringBuilder(text.strip());
                }
            }
        }
        add(found, pending);
        return found;
    }

    private static void add(List<JsonNode> found, StringBuilder pending) {
        if (pending == null || pending.indexOf("...") >= 0 || pending.indexOf("<") >= 0) {
            return;
        }
        try {
            found.add(ControlJson.MAPPER.readTree(pending.toString()));
        } catch (JsonProcessingException e) {
            throw new AssertionError("an example in docs/CONTROL.md is not JSON: " + pending, e);
        }
    }
}
