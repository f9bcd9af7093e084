package org.sacip.agent.peer.transport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Reads the library directories of ld.so.conf, following its {@code include} lines (one level of globbing). */
final class LdSoConfig {
    private static final int MAX_DEPTH = 4;

    private LdSoConfig() {
    }

    static List<String> directories(Path config) {
        List<String> directories = new ArrayList<>();
        read(config, directories, 0);
        return directories;
    }

    private static void read(Path config, List<String> directories, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(config);
        } catch (IOException | SecurityException e) {
            return;
        }
        for (String raw : lines) {
            String line = raw.replaceFirst("#.*", "").trim();
            if (line.startsWith("include ")) {
                for (Path included : expand(config.getParent(), line.substring("include ".length()).trim())) {
                    read(included, directories, depth + 1);
                }
            } else if (line.startsWith("/")) {
                directories.add(line);
            }
        }
    }

    /** The files a glob such as {@code /etc/ld.so.conf.d/*.conf} names, sorted as ld.so does. */
    private static List<Path> expand(Path base, String pattern) {
        Path full = base == null ? Path.of(pattern) : base.resolve(pattern);
        Path directory = full.getParent();
        if (directory == null) {
            return List.of();
        }
        TreeSet<Path> files = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, full.getFileName().toString())) {
            entries.forEach(files::add);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
        return List.copyOf(files);
    }
}
