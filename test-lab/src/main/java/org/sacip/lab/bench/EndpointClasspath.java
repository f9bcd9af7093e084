package org.sacip.lab.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.LabException;
import org.sacip.lab.traffic.EndpointMain;

/**
 * Endpoints start their JVM with this JVM's java.class.path. Under {@code mvn exec:java} that property is Maven's
 * own launcher classpath while the project's classes come from the context class loader, so a benchmark puts the
 * class loader's entries into java.class.path before it starts any endpoint.
 */
public final class EndpointClasspath {
    private EndpointClasspath() {
    }

    public static void ensure() {
        String current = System.getProperty("java.class.path", "");
        String lab = location(EndpointMain.class);
        if (List.of(current.split(File.pathSeparator)).contains(lab)) {
            return;
        }
        List<String> entries = new ArrayList<>();
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null;
                loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if (url.getProtocol().equals("file")) {
                        entries.add(path(url));
                    }
                }
            }
        }
        if (!entries.contains(lab)) {
            throw new LabException("cannot find the classpath for the traffic endpoints (" + lab
                    + " is on neither java.class.path nor the class loader)");
        }
        System.setProperty("java.class.path", String.join(File.pathSeparator, entries));
    }

    private static String location(Class<?> type) {
        return path(type.getProtectionDomain().getCodeSource().getLocation());
    }

    private static String path(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new LabException("unexpected classpath entry " + url, e);
        }
    }
}
