package org.rnn4j.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The machine a measurement ran on: its CPU model, and how much of the machine the measurement had: the CPU time
 * the hypervisor gave to other guests ("steal") and the time other processes of this machine used, between two
 * snapshots of Linux's {@code /proc/stat} and of this process's CPU time. A virtual machine on a busy host loses
 * its vCPUs for milliseconds at a time, and two threads that meet every time step wait for each other whenever one
 * of them is off its core: a benchmark taken with 10% steal is not comparable with one taken on a quiet host, and
 * this says so next to the numbers.
 */
final class Machine {

    /** Above this fraction of steal or of other processes' time, the bench warns that its times are not clean. */
    static final double NOISY = 0.05;

    /** One snapshot: the machine's CPU time by kind (clock ticks of all CPUs) and this process's CPU time. */
    record Snapshot(long total, long idle, long steal, long processNanos, long wallNanos) {
    }

    /** The load between two snapshots, as fractions of all CPUs' time over the wall time between them. */
    record Load(double seconds, double stealFraction, double othersFraction) {

        boolean noisy() {
            return stealFraction > NOISY || othersFraction > NOISY;
        }

        /** One line for the report. */
        String describe() {
            return String.format(Locale.ROOT, "machine during the run (%.0f s): %.1f%% of the CPUs' time taken by"
                    + " the host (steal), %.1f%% used by other processes", seconds, 100 * stealFraction,
                    100 * othersFraction);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seconds", seconds);
            m.put("steal_fraction", stealFraction);
            m.put("others_fraction", othersFraction);
            return m;
        }
    }

    private Machine() {
    }

    /** A snapshot now, or empty where {@code /proc/stat} cannot be read (not Linux). */
    static Optional<Snapshot> now() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            Optional<java.time.Duration> cpu = ProcessHandle.current().info().totalCpuDuration();
            if (cpu.isEmpty()) {
                return Optional.empty();
            }
            return parse(lines, cpu.get().toNanos(), System.nanoTime());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The snapshot in {@code /proc/stat}'s lines: the first line "cpu user nice system idle iowait irq softirq
     * steal ..." (proc(5)); idle counts iowait too. Empty when there is no such line.
     */
    static Optional<Snapshot> parse(List<String> procStat, long processNanos, long wallNanos) {
        for (String line : procStat) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].equals("cpu") || f.length < 5) {
                continue;
            }
            long total = 0;
            long[] v = new long[f.length - 1];
            for (int i = 1; i < f.length; i++) {
                v[i - 1] = Long.parseLong(f[i]);
            }
            // guest and guest_nice (fields 9 and 10) are already counted in user and nice
            for (int i = 0; i < Math.min(v.length, 8); i++) {
                total += v[i];
            }
            long idle = v[3] + (v.length > 4 ? v[4] : 0);
            long steal = v.length > 7 ? v[7] : 0;
            return Optional.of(new Snapshot(total, idle, steal, processNanos, wallNanos));
        }
        return Optional.empty();
    }

    /**
     * The load between two snapshots. {@code ticksPerSecond} converts this process's CPU time to clock ticks
     * (USER_HZ, which Linux fixes at 100 for /proc). Empty when no CPU time passed. In a container /proc/stat
     * counts the whole machine, so "other processes" includes other containers'.
     */
    static Optional<Load> between(Snapshot a, Snapshot b, long ticksPerSecond) {
        long total = b.total - a.total;
        if (total <= 0) {
            return Optional.empty();
        }
        long busy = total - (b.idle - a.idle) - (b.steal - a.steal);
        double ours = (b.processNanos - a.processNanos) * 1e-9 * ticksPerSecond;
        double others = Math.max(0, busy - ours) / total;
        return Optional.of(new Load((b.wallNanos - a.wallNanos) * 1e-9, (double) (b.steal - a.steal) / total,
                others));
    }

    /** The CPU as {@code /proc/cpuinfo} names it, e.g. "AMD EPYC (family 25, model 17)"; empty where unknown. */
    static Optional<String> cpu() {
        try {
            return cpu(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The first processor's "model name", with its "cpu family" and "model" numbers, which tell CPU generations
     * apart where the name does not (a VM's "AMD EPYC" may be a Zen 4 or a Zen 5).
     */
    static Optional<String> cpu(List<String> cpuinfo) {
        String name = null;
        String family = null;
        String model = null;
        for (String line : cpuinfo) {
            if (line.isBlank() && name != null) {
                break;   // the first processor only
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "model name" -> name = value;
                case "cpu family" -> family = value;
                case "model" -> model = value;
                default -> { }
            }
        }
        if (name == null) {
            return Optional.empty();
        }
        return Optional.of(family != null && model != null ? name + " (family " + family + ", model " + model + ")"
                : name);
    }
}
