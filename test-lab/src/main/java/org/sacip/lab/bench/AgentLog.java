package org.sacip.lab.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;

/**
 * The handover lines of one agent's log: "key K agreed with P from L as ROLE" per peer, "move X (was P) -> Y on IF
 * (kind): N session(s), B bound to K key(s)..." when a move is planned, "move X -> Y converged in N ms: ..." when
 * every peer answered, and the retransmission kick's lines on sockets left to their backed-off timers. Read before
 * the lab is torn down: the agent's state directory (and its log) goes with it.
 */
final class AgentLog {
    /** Where {@code Agents} puts each agent's state directory and log. */
    private static final Path RUN_DIR = Path.of("/run/sacip-lab");
    private static final Pattern PLANNED = Pattern.compile("^(\\S+) INFO\\s+Handover: move (\\S+) \\(was (\\S+)\\) -> "
            + "(\\S+) on (\\S+) \\(([a-z-]+)\\): (\\d+) session\\(s\\), (\\d+) bound to (\\d+) key\\(s\\)");
    private static final Pattern CONVERGED = Pattern.compile("^(\\S+) INFO\\s+Handover: move (\\S+) -> (\\S+) "
            + "converged in (\\d+) ms: (\\d+) key\\(s\\) confirmed, (\\d+) did not");

    /** A move as the agent planned it. */
    record Planned(long atMs, InetAddress original, InetAddress active, String kind, int sessions, int bound,
            int keys) {
    }

    /** A move every peer answered: ms from the kernel's address event to the last answer. */
    record Converged(long atMs, InetAddress original, InetAddress active, long ms, int confirmed, int refused) {
    }

    private static final Pattern KEY = Pattern.compile("INFO\\s+KeyAgreement: key \\S+ agreed with (\\S+) from (\\S+) as");
    /** Sockets the kick sent errors to, and how many of them the kernel was seen to take. */
    private static final Pattern KICKED = Pattern.compile("^(\\S+) INFO\\s+RetransmissionKick: retransmission kick: "
            + "(\\d+) socket\\(s\\) of \\S+ with .* waiting for a backed-off timer, (\\d+) reverted;");
    /** Sockets whose backed-off timer the kernel would not revert: no errors sent. */
    private static final Pattern STRANDED = Pattern.compile("^(\\S+) INFO\\s+RetransmissionKick: retransmission kick: "
            + "(\\d+) socket\\(s\\) of \\S+ with .* wait for a backed-off timer the kernel will not revert");

    /**
     * Sockets a converged move left waiting for their backed-off retransmission timer: {@code stranded} (a timer the
     * kernel will not revert) and {@code notTaken} (kicked, and the kernel not seen to take it).
     */
    record LeftToTimer(long atMs, long stranded, long notTaken) {
    }

    private final List<Planned> planned = new ArrayList<>();
    private final List<Converged> converged = new ArrayList<>();
    private final Set<InetAddress> keyPeers = new HashSet<>();
    private final List<LeftToTimer> leftToTimer = new ArrayList<>();

    private AgentLog() {
    }

    static Path file(Lab lab, String host) {
        return RUN_DIR.resolve(lab.ns(host)).resolve("agent.log");
    }

    /** The log as it is now (the agent keeps writing it while it runs). */
    static AgentLog read(Lab lab, String host) {
        Path file = file(lab, host);
        try {
            return parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new LabException("cannot read the agent log " + file + ": " + e.getMessage(), e);
        }
    }

    static AgentLog parse(List<String> lines) {
        AgentLog log = new AgentLog();
        for (String line : lines) {
            Matcher m = CONVERGED.matcher(line);
            if (m.find()) {
                log.converged.add(new Converged(epochMs(m.group(1)), address(m.group(2)), address(m.group(3)),
                        Long.parseLong(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6))));
                continue;
            }
            m = KEY.matcher(line);
            if (m.find()) {
                log.keyPeers.add(address(m.group(1)));
                continue;
            }
            m = PLANNED.matcher(line);
            if (m.find()) {
                log.planned.add(new Planned(epochMs(m.group(1)), address(m.group(2)), address(m.group(4)), m.group(6),
                        Integer.parseInt(m.group(7)), Integer.parseInt(m.group(8)), Integer.parseInt(m.group(9))));
                continue;
            }
            m = KICKED.matcher(line);
            if (m.find()) {
                long notTaken = Long.parseLong(m.group(2)) - Long.parseLong(m.group(3));
                if (notTaken > 0) {
                    log.leftToTimer.add(new LeftToTimer(epochMs(m.group(1)), 0, notTaken));
                }
                continue;
            }
            m = STRANDED.matcher(line);
            if (m.find()) {
                log.leftToTimer.add(new LeftToTimer(epochMs(m.group(1)), Long.parseLong(m.group(2)), 0));
            }
        }
        return log;
    }

    /** The peer addresses this agent has agreed a key with (a move can be announced to them). */
    Set<InetAddress> keyPeers() {
        return Set.copyOf(keyPeers);
    }

    List<Planned> planned() {
        return List.copyOf(planned);
    }

    List<Converged> converged() {
        return List.copyOf(converged);
    }

    /**
     * For each move (start time and target address, in order): the first plan to that address logged after the move
     * began and before the move after next (moves alternate targets, so a late line is never taken for the next
     * move's). Null where the agent logged none.
     */
    List<Planned> plannedPerMove(List<BenchMove> moves) {
        return match(moves, planned, Planned::atMs, Planned::active);
    }

    List<Converged> convergedPerMove(List<BenchMove> moves) {
        return match(moves, converged, Converged::atMs, Converged::active);
    }

    /**
     * For each move: the sockets its convergence left to their backed-off timers, from the kick's lines logged from
     * the move's start until the next move's (the kick acts within milliseconds of a convergence).
     */
    List<LeftToTimer> leftToTimerPerMove(List<BenchMove> moves) {
        List<LeftToTimer> result = new ArrayList<>();
        for (int i = 0; i < moves.size(); i++) {
            long from = moves.get(i).event().startMs();
            long to = i + 1 < moves.size() ? moves.get(i + 1).event().startMs() : Long.MAX_VALUE;
            long stranded = 0;
            long notTaken = 0;
            for (LeftToTimer line : leftToTimer) {
                if (line.atMs() >= from - 1 && line.atMs() < to - 1) {
                    stranded += line.stranded();
                    notTaken += line.notTaken();
                }
            }
            result.add(new LeftToTimer(from, stranded, notTaken));
        }
        return result;
    }

    private static <T> List<T> match(List<BenchMove> moves, List<T> lines, java.util.function.ToLongFunction<T> at,
            java.util.function.Function<T, InetAddress> active) {
        List<T> result = new ArrayList<>();
        // By identity: two lines can carry equal values.
        Set<T> used = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < moves.size(); i++) {
            BenchMove move = moves.get(i);
            long from = move.event().startMs();
            long to = i + 2 < moves.size() ? moves.get(i + 2).event().startMs() : Long.MAX_VALUE;
            InetAddress target = address(move.target());
            T found = null;
            for (T line : lines) {
                long t = at.applyAsLong(line);
                // Log stamps have ms resolution, as do the move times: a line can look 1 ms older than its move.
                if (!used.contains(line) && t >= from - 1 && t < to && active.apply(line).equals(target)) {
                    found = line;
                    break;
                }
            }
            if (found != null) {
                used.add(found);
            }
            result.add(found);
        }
        return result;
    }

    private static long epochMs(String stamp) {
        try {
            return OffsetDateTime.parse(stamp).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new LabException("unexpected time stamp in the agent log: " + stamp, e);
        }
    }

    private static InetAddress address(String literal) {
        if (!literal.matches("[0-9a-fA-F:.]+")) {
            throw new LabException("not an address literal in the agent log: " + literal);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new LabException("not an address literal in the agent log: " + literal, e);
        }
    }
}
