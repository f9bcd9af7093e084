package org.sacip.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sacip.lab.LabException;

/**
 * A process's CPU time and resident memory from /proc: utime + stime of /proc/PID/stat (all its threads, in clock
 * ticks of 10 ms) and VmRSS of /proc/PID/status.
 */
final class ProcStat {
    /** USER_HZ: 100 on every Linux architecture the lab runs on. */
    static final long TICK_MICROS = 10_000;

    private ProcStat() {
    }

    /** utime + stime of the whole process, in µs. */
    static long cpuMicros(long pid) {
        String stat = read(Path.of("/proc/" + pid + "/stat"));
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_MICROS;
    }

    /** Resident set size in KiB. */
    static long rssKib(long pid) {
        for (String line : read(Path.of("/proc/" + pid + "/status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new LabException("no VmRSS in /proc/" + pid + "/status");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
