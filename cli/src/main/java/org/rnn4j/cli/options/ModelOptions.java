package org.rnn4j.cli.options;

import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.RecurrentConfig;
import picocli.CommandLine.Option;

/** The architecture options, named like PyTorch's nn.LSTM arguments. */
public final class ModelOptions {

    @Option(names = "--cell", defaultValue = "lstm", paramLabel = "TYPE",
            description = "lstm, gru, rnn-tanh, rnn-relu, irnn (ReLU RNN with identity init), plstm (Phased LSTM),"
                    + " pgru (Phased GRU) or bnlstm (batch-normalised LSTM). Default: ${DEFAULT-VALUE}.")
    String cell;

    @Option(names = "--period", paramLabel = "MIN,MAX",
            description = "plstm: initial periods τ log-uniform in [MIN, MAX], in the unit of the timestamps (steps without"
                    + " timestamps). Default: 2.72,148.4.")
    String period;

    @Option(names = "--r-on", paramLabel = "R", description = "plstm: initial open ratio r_on. Default: 0.05.")
    Float ratioOn;

    @Option(names = "--fixed-r-on", description = "plstm, pgru: keep r_on at its initial value instead of training it"
            + " (trained, it widens, and with it the units updated per step).")
    boolean fixedRatioOn;

    @Option(names = "--leak", paramLabel = "A", description = "plstm: leak α of the closed phase in training. Default: 0.001.")
    Float leak;

    @Option(names = "--bn-steps", paramLabel = "N", description = "bnlstm: time steps with statistics of their own. Default: 100.")
    Integer bnSteps;

    @Option(names = "--hidden", defaultValue = "64", paramLabel = "H", description = "Hidden size. Default: ${DEFAULT-VALUE}.")
    int hidden;

    @Option(names = "--layers", defaultValue = "1", paramLabel = "N", description = "Stacked layers. Default: ${DEFAULT-VALUE}.")
    int layers;

    @Option(names = "--bidirectional", description = "A reverse direction in every layer, outputs concatenated.")
    boolean bidirectional;

    @Option(names = "--proj", defaultValue = "0", paramLabel = "P",
            description = "LSTM recurrent projection size (PyTorch proj_size); 0 for none. Default: ${DEFAULT-VALUE}.")
    int proj;

    @Option(names = "--peepholes", description = "LSTM diagonal peepholes.")
    boolean peepholes;

    @Option(names = "--cifg", description = "LSTM coupled input/forget gate (i = 1 - f).")
    boolean cifg;

    @Option(names = "--cell-clip", defaultValue = "0", paramLabel = "C",
            description = "Clip the LSTM cell state to [-C, C]; 0 for none. Default: ${DEFAULT-VALUE}.")
    float cellClip;

    @Option(names = "--gru-original", description = "GRU in Cho et al.'s original form (reset before the recurrent product).")
    boolean gruOriginal;

    @Option(names = "--dropout", defaultValue = "0", paramLabel = "P",
            description = "Dropout between stacked layers. Default: ${DEFAULT-VALUE}.")
    float dropout;

    @Option(names = "--init", paramLabel = "SCHEME",
            description = "pytorch, glorot (Glorot/orthogonal, forget bias 1) or identity. Default: identity for irnn, else pytorch.")
    String init;

    @Option(names = "--forget-bias", paramLabel = "B", description = "Set the LSTM forget-gate bias after initialisation.")
    Float forgetBias;

    /** The sizes in the options' own names, before the library would name them in its own words. */
    private void checkSizes() {
        if (hidden < 1) {
            throw new IllegalArgumentException("--hidden must be at least 1, got " + hidden);
        }
        if ((long) hidden * hidden > (Integer.MAX_VALUE - 8) / 4) {   // an LSTM's weight_hh holds 4H × H values in one array
            throw new IllegalArgumentException("--hidden " + hidden + " is too large: a layer's recurrent weights (4H x H)"
                    + " would exceed one Java array; at most " + (int) Math.sqrt((Integer.MAX_VALUE - 8) / 4.0));
        }
        if (layers < 1) {
            throw new IllegalArgumentException("--layers must be at least 1, got " + layers);
        }
        if (proj < 0 || proj >= hidden && proj != 0) {
            throw new IllegalArgumentException("--proj must be 0 (none) or in [1, --hidden = " + hidden + "), got " + proj);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        }
    }

    /** The cell of --cell and its options. */
    public CellSpec cellSpec() {
        String c = cell.toLowerCase(java.util.Locale.ROOT);
        boolean lstm = c.equals("lstm");
        if (!lstm && (cifg || proj != 0 || cellClip != 0f || forgetBias != null)) {
            throw new IllegalArgumentException("--cifg, --proj, --cell-clip and --forget-bias apply to --cell lstm only, not to "
                    + cell);
        }
        if (peepholes && !lstm && !c.equals("plstm")) {
            throw new IllegalArgumentException("--peepholes applies to --cell lstm and plstm only, not to " + cell);
        }
        if (!c.equals("plstm") && !c.equals("pgru") && (period != null || ratioOn != null || leak != null
                || fixedRatioOn)) {
            throw new IllegalArgumentException("--period, --r-on, --fixed-r-on and --leak apply to --cell plstm and pgru"
                    + " only, not to " + cell);
        }
        if (!c.equals("bnlstm") && bnSteps != null) {
            throw new IllegalArgumentException("--bn-steps applies to --cell bnlstm only, not to " + cell);
        }
        if (!c.equals("gru") && gruOriginal) {
            throw new IllegalArgumentException("--gru-original applies to --cell gru only");
        }
        return switch (c) {
            case "lstm" -> CellSpec.lstm().withPeepholes(peepholes).withCifg(cifg).withProjSize(proj).withCellClip(cellClip);
            case "gru" -> gruOriginal ? CellSpec.gru().original() : CellSpec.gru();
            case "rnn-tanh", "rnn" -> CellSpec.rnnTanh();
            case "rnn-relu", "irnn" -> CellSpec.rnnRelu();
            case "plstm" -> phased();
            case "pgru" -> {
                org.rnn4j.nn.PhasedLstmSpec p = phased();
                yield CellSpec.phasedGru().withPeriodRange(p.periodMin(), p.periodMax()).withRatioOn(p.ratioOn())
                        .withLeak(p.leak()).withLearned(p.learnPeriod(), p.learnShift(), p.learnRatioOn());
            }
            case "bnlstm" -> bnSteps == null ? CellSpec.bnLstm() : CellSpec.bnLstm().withMaxSteps(bnSteps);
            default -> throw new IllegalArgumentException("--cell: unknown cell type '" + cell
                    + "'; choose lstm, gru, rnn-tanh, rnn-relu, irnn, plstm, pgru or bnlstm");
        };
    }

    private org.rnn4j.nn.PhasedLstmSpec phased() {
        org.rnn4j.nn.PhasedLstmSpec spec = CellSpec.phasedLstm().withPeepholes(peepholes);
        if (period != null) {
            String[] p = period.split(",");
            try {
                if (p.length != 2) {
                    throw new NumberFormatException();
                }
                double min = Double.parseDouble(p[0].trim());
                double max = Double.parseDouble(p[1].trim());
                org.rnn4j.nn.PhasedLstmSpec base = spec;
                spec = named("--period", () -> base.withPeriodRange(min, max));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--period takes MIN,MAX, two positive numbers, got '" + period + "'");
            }
        }
        if (ratioOn != null) {
            org.rnn4j.nn.PhasedLstmSpec base = spec;
            spec = named("--r-on", () -> base.withRatioOn(ratioOn));
        }
        if (leak != null) {
            org.rnn4j.nn.PhasedLstmSpec base = spec;
            spec = named("--leak", () -> base.withLeak(leak));
        }
        if (fixedRatioOn) {
            spec = spec.withLearned(spec.learnPeriod(), spec.learnShift(), false);
        }
        return spec;
    }

    /** The library's refusal of an option's value, with the option's name in front. */
    private static <T> T named(String option, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    public Init initScheme() {
        String s = init != null ? init.toLowerCase(java.util.Locale.ROOT)
                : cell.equalsIgnoreCase("irnn") ? "identity" : "pytorch";
        return switch (s) {
            case "pytorch" -> Init.PYTORCH;
            case "glorot" -> Init.GLOROT_ORTHOGONAL;
            case "identity" -> Init.IDENTITY;
            default -> throw new IllegalArgumentException("unknown --init '" + init + "'; choose pytorch, glorot or identity");
        };
    }

    public RecurrentConfig network(int inputSize) {
        checkSizes();
        return new RecurrentConfig(cellSpec(), inputSize, hidden, layers, bidirectional, dropout);
    }

    /** The model of these options for data with {@code inputSize} features and {@code outputs} outputs. */
    public ModelConfig model(int inputSize, Head head, int outputs) {
        return new ModelConfig(network(inputSize), head, outputs);
    }

    /** --hidden. */
    public int hiddenSize() {
        return hidden;
    }

    /** --layers. */
    public int layers() {
        return layers;
    }

    /** --bidirectional. */
    public boolean bidirectional() {
        return bidirectional;
    }

    /** The --cell name as given, e.g. for a run directory. */
    public String cellName() {
        return cell;
    }

    /** --forget-bias, or null for the initialisation's own. */
    public Float forgetBias() {
        return forgetBias;
    }
}
