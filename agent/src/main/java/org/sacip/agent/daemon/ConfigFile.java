package org.sacip.agent.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.agent.datapath.DataPathSettings;
import org.sacip.agent.metrics.MetricsSettings;
import org.sacip.agent.move.AddressPrefix;
import org.sacip.agent.move.ManagedScope;
import org.sacip.agent.move.ScopeConfigurationException;
import org.sacip.agent.peer.protocol.EngineLimits;
import org.sacip.agent.peer.protocol.UdpSettings;
import org.sacip.agent.route.SourceRouteSettings;
import org.sacip.protocol.codec.UdpFraming;

/**
 * Reads the agent's config file: {@code key = value} lines, {@code #} comments, lists separated by spaces or
 * commas. Every error names the file and line; an unknown key is an error (a typo must not pass silently).
 */
public final class ConfigFile {
    private static final Pattern LINE = Pattern.compile("([a-z][a-z-]*)\\s*=\\s*(.*)");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");
    private static final Pattern TABLE_RANGE = Pattern.compile("(\\d{1,10})\\s*-\\s*(\\d{1,10})");
    private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug", "trace");
    private static final long MAX_SIZE = 64 * 1024;
    private static final Pattern CONTROLS = Pattern.compile("[\\p{Cntrl}\\u0080-\\u009f]");
    private static final Pattern PROBLEM_LINE = Pattern.compile(".*?:(\\d+): ");

    private ConfigFile() {
    }

    /**
     * Reads and checks the whole file. On failure the exception lists every problem found, each as {@code
     * FILE:LINE: reason} (or {@code FILE: reason} for what concerns no single line).
     */
    public static AgentConfig read(Path file) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_SIZE) {
                throw new ConfigException(file + ": larger than " + MAX_SIZE + " bytes; not a SACIP config file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + reason(e));
        }
        return parse(file.toString(), bytes);
    }

    /** Checks bytes as read from a file: a line that is not UTF-8 text is a problem of that line. */
    static AgentConfig parse(String name, byte[] bytes) throws ConfigException {
        List<String> problems = new ArrayList<>();
        StringBuilder text = new StringBuilder(bytes.length);
        int start = 0;
        for (int line = 1; start <= bytes.length; line++) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            try {
                text.append(strictUtf8().decode(ByteBuffer.wrap(bytes, start, end - start)));
            } catch (CharacterCodingException e) {
                int bad = firstBadByte(bytes, start, end);
                problems.add(name + ":" + line + ": not UTF-8 text (byte 0x"
                        + HexFormat.of().toHexDigits(bytes[start + bad]) + " at column " + (bad + 1) + ")");
                // Kept as an empty line, so the numbers of the lines after it stay right.
            }
            if (end < bytes.length) {
                text.append('\n');
            }
            start = end + 1;
        }
        try {
            AgentConfig config = parse(name, text.toString());
            if (problems.isEmpty()) {
                return config;
            }
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            problems.sort(ConfigFile::byLine);
        }
        throw new ConfigException(problems);
    }

    /** The offset of the first byte, in {@code bytes[start, end)}, at which UTF-8 decoding fails. */
    private static int firstBadByte(byte[] bytes, int start, int end) {
        ByteBuffer in = ByteBuffer.wrap(bytes, start, end - start);
        strictUtf8().decode(in, CharBuffer.allocate(end - start), true);
        return in.position() - start;
    }

    private static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** Problems in the order of their lines; those about the whole file last. */
    private static int byLine(String a, String b) {
        return Long.compare(lineOf(a), lineOf(b));
    }

    private static long lineOf(String problem) {
        Matcher matcher = PROBLEM_LINE.matcher(problem);
        return matcher.lookingAt() ? Long.parseLong(matcher.group(1)) : Long.MAX_VALUE;
    }

    static AgentConfig parse(String name, String text) throws ConfigException {
        List<String> interfaces = List.of();
        List<String> prefixes = List.of();
        List<AddressPrefix> peers = new ArrayList<>();
        EngineLimits limits = EngineLimits.defaults();
        int maxKeys = limits.maxKeys();
        int maxKeysPerPrefix = limits.maxKeysPerPrefix();
        Duration keyIdleKeep = limits.keyIdleKeep();
        int helloRate = limits.helloPerSecond();
        int handshakeRate = limits.handshakesPerSecond();
        int handshakeRatePerPrefix = limits.handshakesPerPrefixPerSecond();
        long markMask = DataPathSettings.DEFAULT_MARK_MASK;
        int nflogGroup = DataPathSettings.DEFAULT_NFLOG_GROUP;
        long[] routeTables = {SourceRouteSettings.DEFAULT_FIRST_TABLE, SourceRouteSettings.DEFAULT_LAST_TABLE};
        long routePriority = SourceRouteSettings.DEFAULT_PRIORITY;
        boolean closeLegacy = false;
        Optional<String> group = Optional.empty();
        String level = "info";
        MetricsSettings metrics = MetricsSettings.OFF;
        int udpPort = UdpFraming.DEFAULT_PORT;
        Duration keepalive = UdpSettings.DEFAULT_KEEPALIVE;
        Map<String, Integer> seen = new HashMap<>();
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String where = name + ":" + (i + 1) + ": ";
            String line = stripComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                problems.add(where + "expected 'key = value', got '" + printable(line) + "'");
                continue;
            }
            String key = matcher.group(1);
            String value = matcher.group(2).strip();
            Integer first = seen.putIfAbsent(key, i + 1);
            if (first != null) {
                problems.add(where + "'" + key + "' is given twice (first on line " + first + ")");
                continue;
            }
            try {
                if (!KNOWN_KEYS.contains(key)) {
                    throw new ConfigException(GONE_KEYS.getOrDefault(key, "unknown key '" + printable(key)
                            + "' (known: " + String.join(", ", KNOWN_KEYS) + ")"));
                }
                switch (key) {
                    case "interfaces" -> interfaces = list(value);
                    case "prefixes" -> {
                        prefixes = list(value);
                        for (String prefix : prefixes) {
                            AddressPrefix.parse(prefix);
                        }
                    }
                    case "peers" -> {
                        for (String prefix : list(value)) {
                            peers.add(AddressPrefix.parse(prefix));
                        }
                    }
                    case "close-legacy-sessions" -> closeLegacy = yesNo(value);
                    case "control-group" -> group = Optional.of(groupName(value));
                    case "log-level" -> level = logLevel(value);
                    case "max-keys" -> maxKeys = count(value, 1, 1_000_000);
                    case "max-keys-per-prefix" -> maxKeysPerPrefix = count(value, 1, 1_000_000);
                    case "key-idle-keep" -> keyIdleKeep = duration(value);
                    case "hello-rate" -> helloRate = count(value, 1, 1_000_000);
                    case "handshake-rate" -> handshakeRate = count(value, 1, 100_000);
                    case "handshake-rate-per-prefix" -> handshakeRatePerPrefix = count(value, 1, 100_000);
                    case "mark-mask" -> markMask = markMask(value);
                    case "nflog-group" -> nflogGroup = count(value, 1, 65535);
                    case "source-route-tables" -> routeTables = tableRange(value);
                    case "source-route-priority" -> routePriority = count(value, 1,
                            (int) SourceRouteSettings.MAIN_RULE_PRIORITY - 2);
                    case "metrics" -> metrics = metrics.withEnabled(yesNo(value));
                    case "metrics-listen" -> metrics = metrics.withListen(listenAddress(value));
                    case "udp-port" -> udpPort = udpPort(value);
                    case "udp-keepalive" -> keepalive = keepalive(value);
                    default -> throw new IllegalStateException("no parser for the known key '" + key + "'");
                }
                if (key.equals("interfaces")) {
                    ManagedScope.of(interfaces, List.of());
                }
            } catch (ConfigException | ScopeConfigurationException e) {
                // Other parsers quote the value as it was: no control character may reach a terminal or the log.
                problems.add(where + withoutControls(e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        try {
            EngineLimits configured = limits.withKeys(maxKeys, Math.min(maxKeysPerPrefix, maxKeys))
                    .withKeyIdleKeep(keyIdleKeep).withRates(helloRate, handshakeRate, handshakeRatePerPrefix);
            return new AgentConfig(ManagedScope.of(interfaces, prefixes), peers, closeLegacy, group, level, configured,
                    new DataPathSettings(nflogGroup, markMask),
                    new SourceRouteSettings(routeTables[0], routeTables[1], routePriority), metrics,
                    new UdpSettings(udpPort, keepalive));
        } catch (ScopeConfigurationException | IllegalArgumentException e) {
            throw new ConfigException(name + ": " + withoutControls(e.getMessage()));
        }
    }

    /**
     * The keys this file may set, in the order docs/AGENT.md lists them: the parser accepts exactly these (any other
     * key is refused before its value is looked at), so this list is what the shipped file and the docs must cover.
     */
    static final List<String> KNOWN_KEYS = List.of("interfaces", "prefixes", "peers", "close-legacy-sessions",
            "control-group", "log-level", "max-keys", "max-keys-per-prefix", "key-idle-keep", "hello-rate",
            "handshake-rate", "handshake-rate-per-prefix", "mark-mask", "nflog-group", "source-route-tables",
            "source-route-priority", "metrics", "metrics-listen", "udp-port", "udp-keepalive");

    /** Keys of earlier versions, refused with what to do instead. */
    private static final Map<String, String> GONE_KEYS = Map.of("udp-idle-timeout", "'udp-idle-timeout' is gone: UDP "
            + "flows end when conntrack's own timeouts end them (remove the line)");

    private static int count(String value, int min, int max) throws ConfigException {
        if (!value.matches("\\d{1,9}")) {
            throw new ConfigException("not a number: '" + printable(value) + "'");
        }
        int number = Integer.parseInt(value);
        if (number < min || number > max) {
            throw new ConfigException(number + " is outside " + min + ".." + max);
        }
        return number;
    }

    /** A UDP port, or {@code off} (0). */
    private static int udpPort(String value) throws ConfigException {
        if (value.equals("off")) {
            return 0;
        }
        if (!value.matches("\\d{1,5}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 65535) {
            throw new ConfigException("udp-port: expected a port 1..65535 or off, got '" + printable(value) + "'");
        }
        return Integer.parseInt(value);
    }

    /** The keepalive interval behind a NAT: a duration from 1s to 10m. */
    private static Duration keepalive(String value) throws ConfigException {
        Duration interval = duration(value);
        if (interval.compareTo(UdpSettings.MIN_KEEPALIVE) < 0 || interval.compareTo(UdpSettings.MAX_KEEPALIVE) > 0) {
            throw new ConfigException("udp-keepalive: " + value + " is outside 1s..10m");
        }
        return interval;
    }

    private static long markMask(String value) throws ConfigException {
        if (!value.matches("0x[0-9a-fA-F]{1,8}")) {
            throw new ConfigException("not a 32-bit hexadecimal mask like 0x0f000000: '" + printable(value) + "'");
        }
        long mask = Long.parseLong(value.substring(2), 16);
        if (mask == 0) {
            throw new ConfigException("the mark mask needs at least one bit (the conntrack and packet mark bit)");
        }
        return mask;
    }

    /** {@code FIRST-LAST}: routing table numbers the agent may use for source routes. */
    private static long[] tableRange(String value) throws ConfigException {
        Matcher matcher = TABLE_RANGE.matcher(value);
        if (!matcher.matches()) {
            throw new ConfigException("not a table range like 9361000-9361255: '" + printable(value) + "'");
        }
        long first = Long.parseLong(matcher.group(1));
        long last = Long.parseLong(matcher.group(2));
        try {
            new SourceRouteSettings(first, last, SourceRouteSettings.DEFAULT_PRIORITY);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        return new long[] {first, last};
    }

    /** {@code ADDRESS:PORT} of the metrics endpoint: an address literal, never a name to look up. */
    private static InetSocketAddress listenAddress(String value) throws ConfigException {
        try {
            return MetricsSettings.parseListen(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("metrics-listen: " + e.getMessage() + ", got '" + printable(value) + "'");
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    private static List<String> list(String value) throws ConfigException {
        List<String> items = Arrays.stream(value.split("[\\s,]+")).filter(s -> !s.isEmpty()).toList();
        if (items.isEmpty()) {
            throw new ConfigException("empty list (leave the line out to mean 'all')");
        }
        return items;
    }

    static Duration duration(String value) throws ConfigException {
        Matcher matcher = DURATION.matcher(value);
        if (!matcher.matches()) {
            throw new ConfigException("not a duration: '" + printable(value) + "' (e.g. 90s, 2m, 500ms)");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        Duration duration = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(Duration.ofDays(1)) > 0) {
            throw new ConfigException("duration " + value + " is outside 1s..24h");
        }
        return duration;
    }

    private static boolean yesNo(String value) throws ConfigException {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on" -> true;
            case "no", "false", "off" -> false;
            default -> throw new ConfigException("expected yes or no, got '" + printable(value) + "'");
        };
    }

    private static String groupName(String value) throws ConfigException {
        if (!value.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new ConfigException("not a group name: '" + printable(value) + "'");
        }
        return value;
    }

    static String logLevel(String value) throws ConfigException {
        String level = value.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new ConfigException("log level must be one of error, warn, info, debug, trace; got '"
                    + printable(value) + "'");
        }
        return level;
    }

    /** Control characters from a hostile file must not reach the terminal; long values are cut. */
    private static String printable(String text) {
        return withoutControls(text.length() > 80 ? text.substring(0, 80) + "..." : text);
    }

    /** C0 and C1 control characters (escape sequences, carriage returns, line breaks...) as '?'. */
    private static String withoutControls(String text) {
        return CONTROLS.matcher(text).replaceAll("?");
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : String.valueOf(e.getMessage());
    }
}
