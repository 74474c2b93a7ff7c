package org.rnn4j.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading the machine's load and CPU from /proc, on sample texts in proc(5)'s format. */
class MachineTest {

    private static List<String> stat(String cpuLine) {
        return List.of(cpuLine, "cpu0 1 2 3 4 5 6 7 8 0 0", "intr 12345", "ctxt 999");
    }

    @Test
    void stealAndOtherProcessesAreFractionsOfAllCpuTimeBetweenTwoSnapshots() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        Machine.Snapshot a = Machine.parse(stat("cpu  1000 0 100 5000 50 0 10 40 0 0"), 0, 0).orElseThrow();
        // 2 s later on 2 CPUs at 100 ticks/s: 400 ticks: 300 user+system (250 of them ours), 20 idle, 80 steal
        Machine.Snapshot b = Machine.parse(stat("cpu  1280 0 120 5015 55 0 10 120 0 0"), 2_500_000_000L,
                2_000_000_000L).orElseThrow();
        assertEquals(6200, a.total());
        assertEquals(5050, a.idle());
        assertEquals(40, a.steal());
        Machine.Load load = Machine.between(a, b, 100).orElseThrow();
        assertEquals(2.0, load.seconds(), 1e-12);
        assertEquals(80.0 / 400, load.stealFraction(), 1e-12);
        assertEquals(50.0 / 400, load.othersFraction(), 1e-12);
        assertTrue(load.noisy());
        assertEquals("machine during the run (2 s): 20.0% of the CPUs' time taken by the host (steal), 12.5% used"
                + " by other processes", load.describe());
    }

    @Test
    void aQuietRunIsNotNoisyAndOurOwnTimeIsNotCountedAsOthers() {
        Machine.Snapshot a = Machine.parse(stat("cpu 100 0 0 100 0 0 0 0"), 0, 0).orElseThrow();
        // all 200 busy ticks are this process's 2 s of CPU time: nobody else ran
        Machine.Snapshot b = Machine.parse(stat("cpu 300 0 0 101 0 0 0 1"), 2_000_000_000L, 1_000_000_000L)
                .orElseThrow();
        Machine.Load load = Machine.between(a, b, 100).orElseThrow();
        assertEquals(0.0, load.othersFraction(), 1e-12);
        assertEquals(1.0 / 202, load.stealFraction(), 1e-12);
        assertFalse(load.noisy());
    }

    @Test
    void missingOrEmptyStatisticsGiveNothingRatherThanAFigure() {
        assertEquals(Optional.empty(), Machine.parse(List.of("intr 1", "ctxt 2"), 0, 0));
        Machine.Snapshot a = Machine.parse(stat("cpu 1 2 3 4"), 0, 0).orElseThrow();
        assertEquals(Optional.empty(), Machine.between(a, a, 100), "no time passed");
    }

    @Test
    void theCpuIsNamedWithItsFamilyAndModelFromTheFirstProcessor() {
        List<String> cpuinfo = List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 25",
                "model\t\t: 17", "model name\t: AMD EPYC", "flags\t\t: fpu avx512f", "", "processor\t: 1",
                "cpu family\t: 26", "model\t\t: 2", "model name\t: Other");
        assertEquals(Optional.of("AMD EPYC (family 25, model 17)"), Machine.cpu(cpuinfo));
        assertEquals(Optional.of("Some CPU"), Machine.cpu(List.of("model name : Some CPU")));
        assertEquals(Optional.empty(), Machine.cpu(List.of("processor : 0", "")));
    }
}
