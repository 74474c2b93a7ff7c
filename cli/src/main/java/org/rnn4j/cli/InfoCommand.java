package org.rnn4j.cli;

import org.rnn4j.io.ModelFile;
import org.rnn4j.io.Provenance;
import org.rnn4j.param.ParamView;
import org.rnn4j.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rnn4j info}: what a model file holds. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shows a model file's architecture, provenance, parameter views with their shapes, and the total parameter count.")
final class InfoCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file (.rnn4j) or checkpoint.")
    Path modelFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (org.rnn4j.io.MultiStreamModelFile.isMultiStreamModel(modelFile)) {
            return multiStream(out);
        }
        ModelFile.Contents c = ModelFile.read(modelFile);
        ModelFile.Loaded loaded = ModelFile.load(modelFile, null);
        out.println(modelFile + ": rnn4j " + c.kind() + ", format version " + loaded.formatVersion());
        out.println("architecture: " + ModelDescription.of(c.config()));
        Provenance p = c.provenance();
        out.println("made by rnn4j " + p.libraryVersion() + " on JDK " + p.jdk() + ", " + p.os() + "/" + p.arch()
                + ", " + p.createdAt() + ", seed " + p.seed());
        out.println("data: " + p.data());
        org.rnn4j.io.DataSchema d = c.data();
        if (d != null) {
            if (!d.featureColumns().isEmpty()) {
                out.println("inputs: " + String.join(", ", d.featureColumns()) + (d.timeColumn() == null ? ""
                        : "; time: " + d.timeColumn()) + (d.idColumn() == null ? "" : "; sequence id: " + d.idColumn()));
            }
            if (d.labelColumn() != null || !d.targetColumns().isEmpty()) {
                out.println("predicts: " + (d.labelColumn() != null ? d.labelColumn() + (d.classNames().isEmpty() ? ""
                        : " (" + String.join(", ", d.classNames().stream().map(InfoCommand::printable).toList()) + ")")
                        : String.join(", ", d.targetColumns())));
            }
            out.println("standardised inputs: " + (d.standardized() ? "mean " + java.util.Arrays.toString(d.mean())
                    + ", std " + java.util.Arrays.toString(d.std()) : "no"));
        }
        out.println();
        out.printf("%-28s %-14s %12s%n", "parameter", "shape", "values");
        long total = 0;
        for (ParamView v : loaded.model().parameters().layout().views()) {
            out.printf("%-28s %-14s %12d%n", v.name(), Tensor.shapeString(v.shape()), v.size());
            total += v.size();
        }
        out.printf("%-28s %-14s %12d%n", "total", "", total);
        if (!c.arrays().isEmpty()) {
            out.println();
            out.println("also holds: " + String.join(", ", c.arrays().keySet()));
        }
        return 0;
    }

    /** A multi-stream model file: each stream's network, the merge network, provenance and parameters. */
    private int multiStream(PrintWriter out) throws IOException {
        org.rnn4j.io.MultiStreamModelFile.Loaded loaded = org.rnn4j.io.MultiStreamModelFile.load(modelFile, null);
        org.rnn4j.nn.MultiStreamModel.Config config = loaded.model().config();
        out.println(modelFile + ": rnn4j " + org.rnn4j.io.MultiStreamModelFile.KIND + ", format version "
                + org.rnn4j.io.MultiStreamModelFile.FORMAT_VERSION);
        for (int k = 0; k < config.streams().size(); k++) {
            org.rnn4j.nn.RecurrentConfig r = config.streams().get(k);
            out.println("stream " + k + ": " + r.cell().kind() + ", " + r.inputSize() + " inputs, " + r.hiddenSize()
                    + " units" + (r.numLayers() > 1 ? " x " + r.numLayers() + " layers" : ""));
        }
        org.rnn4j.nn.RecurrentConfig m = config.merge();
        out.println("merge: " + m.cell().kind() + ", " + m.hiddenSize() + " units" + (m.numLayers() > 1 ? " x "
                + m.numLayers() + " layers" : "") + ", at the union of the streams' times; head: " + config.outputSize()
                + " outputs");
        Provenance p = loaded.provenance();
        out.println("made by rnn4j " + p.libraryVersion() + " on JDK " + p.jdk() + ", " + p.os() + "/" + p.arch()
                + ", " + p.createdAt() + ", seed " + p.seed());
        out.println("data: " + p.data());
        out.println();
        out.printf("%-28s %-14s %12s%n", "parameter", "shape", "values");
        long total = 0;
        for (ParamView v : loaded.model().parameters().layout().views()) {
            out.printf("%-28s %-14s %12d%n", v.name(), Tensor.shapeString(v.shape()), v.size());
            total += v.size();
        }
        out.printf("%-28s %-14s %12d%n", "total", "", total);
        return 0;
    }

    /**
     * A class name as it can be printed on one line: control characters, and a name of spaces only (a text model's
     * space character), as U+XXXX.
     */
    static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || name.isBlank()) {
                sb.append(String.format("U+%04X", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
