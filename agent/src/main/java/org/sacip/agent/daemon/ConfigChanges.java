package org.sacip.agent.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which config keys differ between the running config and a newly read one, and which of them a reload applies
 * while the agent runs ({@link #LIVE}); the others take effect at the next start. Compares values, not text: "2h"
 * and "120m" are the same key-idle-keep.
 */
final class ConfigChanges {
    /** Keys a reload applies at once: neither touches a remapped session or anything set up in the kernel. */
    static final Set<String> LIVE = Set.of("log-level", "peers");

    /**
     * Each key's value in a config, in the order of {@link ConfigFile#KNOWN_KEYS}; values that are equal mean the same
     * setting ({@link ConfigReload#text} writes them as the file would).
     */
    static final Map<String, Function<AgentConfig, Object>> VALUES = values();

    private ConfigChanges() {
    }

    private static Map<String, Function<AgentConfig, Object>> values() {
        Map<String, Function<AgentConfig, Object>> values = new LinkedHashMap<>();
        values.put("interfaces", config -> config.scope().interfaces());
        values.put("prefixes", config -> config.scope().prefixes());
        values.put("peers", AgentConfig::peers);
        values.put("close-legacy-sessions", AgentConfig::closeLegacySessions);
        values.put("control-group", AgentConfig::controlGroup);
        values.put("log-level", AgentConfig::logLevel);
        values.put("max-keys", config -> config.limits().maxKeys());
        values.put("max-keys-per-prefix", config -> config.limits().maxKeysPerPrefix());
        values.put("key-idle-keep", config -> config.limits().keyIdleKeep());
        values.put("hello-rate", config -> config.limits().helloPerSecond());
        values.put("handshake-rate", config -> config.limits().handshakesPerSecond());
        values.put("handshake-rate-per-prefix", config -> config.limits().handshakesPerPrefixPerSecond());
        values.put("mark-mask", config -> String.format("0x%08x", config.dataPath().markMask()));
        values.put("nflog-group", config -> config.dataPath().nflogGroup());
        values.put("source-route-tables", config -> config.sourceRoutes().firstTable() + "-"
                + config.sourceRoutes().lastTable());
        values.put("source-route-priority", config -> config.sourceRoutes().priority());
        values.put("metrics", config -> config.metrics().enabled() ? "on" : "off");
        values.put("metrics-listen", config -> config.metrics().listen());
        values.put("udp-port", config -> config.udp().on() ? Integer.toString(config.udp().port()) : "off");
        values.put("udp-keepalive", config -> config.udp().keepaliveInterval());
        return values;
    }

    /**
     * The keys whose values differ, in file order. Should two configs differ in a way no key here shows (a key added
     * to the parser but not here), the answer is "*", so the change is still reported as one that needs a restart.
     */
    static List<String> between(AgentConfig running, AgentConfig read) {
        List<String> changed = new ArrayList<>();
        VALUES.forEach((key, value) -> {
            if (!value.apply(running).equals(value.apply(read))) {
                changed.add(key);
            }
        });
        if (changed.isEmpty() && !running.equals(read)) {
            changed.add("*");
        }
        return changed;
    }
}
