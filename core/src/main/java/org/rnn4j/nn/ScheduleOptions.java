package org.rnn4j.nn;

/**
 * How the layers of a network schedule their steps; set with {@link NetworkBuilder#scheduleOptions}. The defaults
 * are the fastest measured (see {@code docs/performance.md}); the other settings exist so that tests can compare
 * the schedules with each other.
 *
 * @param packMinSteps     passes of at least this many steps copy the recurrent weights once into the kernels'
 *                         packed layout for all their steps; shorter ones (a stream's single steps) multiply them
 *                         where they are. The packed and unpacked products may round differently.
 * @param fuseInput        whether packed passes compute each step's input projection inside the step, in the same
 *                         product as its recurrent part, instead of one product for all steps first (same bits)
 * @param skipFinishedRows whether a step computes only the rows up to the last sequence still running (same bits)
 * @param smallStepsByRows whether a packed step whose weights are small and whose rows are independent is split
 *                         between threads by rows (each thread all the weights, its own rows of the state) rather
 *                         than by units (same bits)
 * @param rowScans         whether a packed pass whose rows are independent at every step runs as one scan over
 *                         all steps per thread, each thread its own rows, with no hand-off between steps, forward
 *                         and backward (same bits; the backward steps one by one while per-step state-gradient
 *                         norms are recorded, as they sum over rows)
 */
public record ScheduleOptions(int packMinSteps, boolean fuseInput, boolean skipFinishedRows,
                              boolean smallStepsByRows, boolean rowScans) {

    /**
     * Pack passes of 8 steps or more, fuse the input projection, skip finished rows, split small steps by rows,
     * scan rows per thread.
     */
    public static final ScheduleOptions DEFAULT = new ScheduleOptions(8, true, true, true, true);

    public ScheduleOptions {
        if (packMinSteps < 1) {
            throw new IllegalArgumentException("packMinSteps must be at least 1, got " + packMinSteps);
        }
    }

    public ScheduleOptions withPackMinSteps(int steps) {
        return new ScheduleOptions(steps, fuseInput, skipFinishedRows, smallStepsByRows, rowScans);
    }

    public ScheduleOptions withFuseInput(boolean on) {
        return new ScheduleOptions(packMinSteps, on, skipFinishedRows, smallStepsByRows, rowScans);
    }

    public ScheduleOptions withSkipFinishedRows(boolean on) {
        return new ScheduleOptions(packMinSteps, fuseInput, on, smallStepsByRows, rowScans);
    }

    public ScheduleOptions withSmallStepsByRows(boolean on) {
        return new ScheduleOptions(packMinSteps, fuseInput, skipFinishedRows, on, rowScans);
    }

    public ScheduleOptions withRowScans(boolean on) {
        return new ScheduleOptions(packMinSteps, fuseInput, skipFinishedRows, smallStepsByRows, on);
    }
}
