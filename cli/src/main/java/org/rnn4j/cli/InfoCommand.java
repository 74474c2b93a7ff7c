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
