package org.sacip.tools.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/** sacipctl's own version, stamped into version.properties by the build. */
public final class ClientVersion {
    private ClientVersion() {
    }

    public static String get() {
        try (InputStream in = ClientVersion.class.getResourceAsStream("/org/sacip/tools/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** For -V/--version. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sacipctl " + get()};
        }
    }
}
