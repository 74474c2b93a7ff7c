package org.rnn4j.cli;

import org.rnn4j.cli.options.ModelOptions;
import org.rnn4j.io.FileFormatException;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.NpyArray;
import org.rnn4j.io.Npz;
import org.rnn4j.io.Provenance;
import org.rnn4j.io.StateDict;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.ModelConfig;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.onnx.ExportOptions;
import org.rnn4j.onnx.OnnxExport;
import org.rnn4j.onnx.OnnxImport;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code rnn4j convert}: between .npz arrays with PyTorch's parameter names and rnn4j model files. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Converts between PyTorch-named .npz arrays or ONNX files and rnn4j model files.",
                "The .npz arrays are named like PyTorch's state_dict (weight_ih_l0, weight_hh_l0_reverse,"
                        + " weight_hr_l0, bias_ih_l0, ...; the linear head as head.weight and head.bias)."
                        + " .npz -> .rnn4j needs the architecture (--cell, --hidden, --layers, --bidirectional, --proj,"
                        + " --head); the input size and the number of outputs are read from the arrays."
                        + " .rnn4j -> .npz needs nothing; nor do .onnx -> .rnn4j (PyTorch's RNN, LSTM and GRU"
                        + " exports, and rnn4j's own) and .rnn4j -> .onnx (see rnn4j export). In PyTorch:",
                "  sd = {k: v.numpy() for k, v in lstm.state_dict().items()}",
                "  sd.update({'head.' + k: v.numpy() for k, v in linear.state_dict().items()})",
                "  np.savez('m.npz', **sd)"})
final class ConvertCommand implements Callable<Integer> {

    @CommandLine.Parameters(index = "0", paramLabel = "IN", description = "A .npz, .onnx or .rnn4j file.")
    Path in;

    @CommandLine.Parameters(index = "1", paramLabel = "OUT", description = "A .rnn4j, .npz or .onnx file.")
    Path out;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--head", defaultValue = "last", paramLabel = "KIND",
            description = "last (one output per sequence) or every (per step). Default: ${DEFAULT-VALUE}.")
    String head;

    @Option(names = "--outputs", paramLabel = "K",
            description = "Outputs of the head when the .npz has no head.weight (the head is then initialised from --seed).")
    Integer outputs;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed for a head the .npz lacks. Default: ${DEFAULT-VALUE}.")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter pw = spec.commandLine().getOut();
        String from = extension(in);
        String to = extension(out);
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write " + out + ": the directory " + dir + " does not exist");
        }
        if (from.equals("npz") && to.equals("rnn4j")) {
            int n = npzToModel();
            pw.println("wrote " + out + " (" + n + " parameters)");
        } else if (from.equals("rnn4j") && to.equals("npz")) {
            ModelFile.Loaded loaded = ModelFile.load(in);
            Parameters p = loaded.model().parameters();
            StateDict.save(out, p);
            pw.println("wrote " + out + " (" + p.layout().views().size() + " arrays, " + p.size() + " parameters)");
            if (loaded.data() != null && loaded.data().standardized()) {
                pw.println("note: the model reads standardised inputs, (x - mean) / std per feature, with mean "
                        + java.util.Arrays.toString(loaded.data().mean()) + " and std "
                        + java.util.Arrays.toString(loaded.data().std()) + "; the .npz holds the parameters only");
            }
        } else if (from.equals("onnx") && to.equals("rnn4j")) {
            OnnxImport.Imported im = OnnxImport.read(in);   // refuses before anything is written
            ModelFile.save(out, im.model(), im.provenance(), im.data());
            pw.println("wrote " + out + " (" + ModelDescription.of(im.model().config()) + ", "
                    + im.model().parameters().size() + " parameters; from " + im.producer() + ")");
        } else if (from.equals("rnn4j") && to.equals("onnx")) {
            ModelFile.Loaded loaded = ModelFile.load(in);
            OnnxExport.write(out, loaded, ExportOptions.DEFAULT);
            pw.println("wrote " + out + " (ONNX opset " + OnnxExport.DEFAULT_OPSET + "; rnn4j export for more options)");
        } else {
            throw new IllegalArgumentException("convert goes from .npz or .onnx to .rnn4j, or from .rnn4j to .npz or"
                    + " .onnx, not from ." + from + " to ." + to);
        }
        return 0;
    }

    private int npzToModel() throws IOException {
        Map<String, NpyArray> arrays = Npz.read(in);
        NpyArray wih = arrays.get("weight_ih_l0");
        if (wih == null || wih.rank() != 2) {
            throw new FileFormatException(in + ": no 2-D array 'weight_ih_l0'; expected PyTorch's parameter names, found "
                    + arrays.keySet());
        }
        Head kind = switch (head.toLowerCase(Locale.ROOT)) {
            case "last" -> Head.LAST_STEP;
            case "every" -> Head.EVERY_STEP;
            default -> throw new IllegalArgumentException("--head must be last or every, got " + head);
        };
        NpyArray headWeight = arrays.get("head.weight");
        int k;
        if (headWeight != null) {
            k = headWeight.shape()[0];
            if (outputs != null && outputs != k) {
                throw new IllegalArgumentException("--outputs " + outputs + " contradicts " + in + "['head.weight'] of shape "
                        + Tensor.shapeString(headWeight.shape()));
            }
        } else if (outputs != null) {
            k = outputs;
        } else {
            throw new IllegalArgumentException(in + " has no head.weight; give --outputs K to add a freshly initialised head");
        }
        ModelConfig config = model.model(wih.shape()[1], kind, k);
        SequenceModel m = SequenceModel.create(config, seed, null);
        Parameters p = m.parameters();
        StateDict.Result loaded;
        try {
            loaded = StateDict.load(p, arrays, headWeight != null);   // without a head in the file: a fresh one
        } catch (StateDict.MismatchException e) {
            throw new IllegalArgumentException(in + " does not fit a " + ModelDescription.of(config) + ": "
                    + e.getMessage() + (e.misShaped().isEmpty() ? "" : "; check --hidden, --proj and --cell")
                    + (e.unexpected().isEmpty() ? "" : "; check --layers, --bidirectional, --proj and --peepholes"));
        }
        if (!loaded.unexpected().isEmpty()) {
            throw new IllegalArgumentException(in + " has arrays the architecture does not use: " + loaded.unexpected()
                    + "; check --layers, --bidirectional, --proj and --peepholes");
        }
        for (String name : loaded.missing()) {
            if (!name.startsWith("head.")) {
                throw new IllegalArgumentException(in + " has no array '" + name + "', which a "
                        + ModelDescription.of(config) + " needs; check the architecture options");
            }
        }
        ModelFile.save(out, m, Provenance.current(seed, "converted from " + in.getFileName()));
        return p.size();
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
