package org.rnn4j.cli;

import org.rnn4j.io.ModelFile;
import org.rnn4j.onnx.ExportOptions;
import org.rnn4j.onnx.OnnxExport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rnn4j export}: a model file as ONNX, for ONNX Runtime and the other runtimes that read it. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Exports a model file to ONNX.",
                "RNN, LSTM (peepholes, CIFG) and GRU become ONNX's RNN, LSTM and GRU operators; LSTMP, cell"
                        + " clipping, BN-LSTM (inference statistics) and the Phased LSTM and GRU a Scan of standard"
                        + " operators. The graph reads x (B, T, F) batch-first, lengths (B) and, for the Phased cells,"
                        + " times (B, T), and returns the head's output y; standardisation and an embedding are inside."
                        + " With --state-io it also reads the initial states h0 (and c0 for the LSTMs) and returns the"
                        + " final states h_n (and c_n), so that a program streams the model through ONNX Runtime a"
                        + " chunk of steps per call, passing each call's h_n and c_n to the next as h0 and c0."
                        + " Prints the graph's inputs and outputs with their shapes. Details and limits: docs/onnx.md."})
final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (.rnn4j).")
    Path model;

    @Parameters(index = "1", paramLabel = "OUT", description = "The ONNX file to write (.onnx); written whole or not at all.")
    Path out;

    @Option(names = "--opset", paramLabel = "N", description = "ONNX opset, " + OnnxExport.MIN_OPSET + " to "
            + OnnxExport.MAX_OPSET + ". Default: " + OnnxExport.DEFAULT_OPSET + ".")
    Integer opset;

    @Option(names = "--no-lengths", description = "Leave out the lengths input: every sequence has all T steps.")
    boolean noLengths;

    @Option(names = "--state-io", description = "Add the inputs h0 (layers x directions, B, R) and, for the LSTMs, c0"
            + " (layers x directions, B, H), the initial states (layer-major, a reverse direction second), and the"
            + " outputs h_n and c_n, the final states: for streaming in a runtime that keeps nothing between calls."
            + " Not for the BN-LSTM.")
    boolean stateIO;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ExportOptions options = ExportOptions.DEFAULT.withLengthsInput(!noLengths).withStateIO(stateIO);
        if (opset != null) {
            if (opset < OnnxExport.MIN_OPSET || opset > OnnxExport.MAX_OPSET) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--opset must be in "
                        + OnnxExport.MIN_OPSET + ".." + OnnxExport.MAX_OPSET + ", got " + opset);
            }
            options = options.withOpset(opset);
        }
        if (!out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            // e.g. 'rnn4j export m.rnn4j m.rnn4j' would put ONNX over the model file
            throw new CommandLine.ParameterException(spec.commandLine(), "OUT must be an .onnx file, got " + out);
        }
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write " + out + ": the directory " + dir + " does not exist");
        }
        ModelFile.Loaded loaded = ModelFile.load(model);
        String signature;
        try {
            signature = OnnxExport.signature(loaded, options);
            OnnxExport.write(out, loaded, options);
        } catch (IllegalArgumentException e) {   // e.g. a BN-LSTM with --state-io
            throw new IllegalArgumentException(model + ": " + e.getMessage(), e);
        }
        PrintWriter pw = spec.commandLine().getOut();
        pw.println("wrote " + out + " (" + ModelDescription.of(loaded.model().config()) + ", ONNX opset "
                + options.opset() + ")");
        pw.println(signature);
        return 0;
    }
}
