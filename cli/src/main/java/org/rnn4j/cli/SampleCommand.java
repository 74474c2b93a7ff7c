package org.rnn4j.cli;

import org.rnn4j.data.text.CharModels;
import org.rnn4j.data.text.CharText;
import org.rnn4j.io.DataSchema;
import org.rnn4j.io.ModelFile;
import org.rnn4j.kernel.Compute;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** {@code rnn4j sample MODEL}: text from a character language model, one character at a time. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generates text with a character language model trained by 'rnn4j train --text FILE'.",
                "The model reads --prime character by character, then draws each next character from its softmax at"
                        + " --temperature and reads it back, through the streaming API; the text goes to stdout as it"
                        + " is drawn: the prime, the generated characters, a newline."})
final class SampleCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file written by 'rnn4j train --text'.")
    Path modelFile;

    @Option(names = "--length", defaultValue = "500", paramLabel = "N", description = "Characters to generate. Default: ${DEFAULT-VALUE}.")
    int length;

    @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T",
            description = "Softmax temperature: below 1 more conservative, above 1 more random; 0 takes the most"
                    + " probable character every time. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--prime", paramLabel = "TEXT",
            description = "Text the model reads first (its characters must be in the model's vocabulary). Default: a"
                    + " newline, or the vocabulary's first character if the text had none.")
    String prime;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Seed of the draws: the same seed gives the same text. Default: ${DEFAULT-VALUE}.")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (length < 0) {
            throw new IllegalArgumentException("--length must be 0 or more, got " + length);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be a finite number >= 0, got " + temperature);
        }
        ModelFile.Loaded loaded = ModelFile.load(modelFile, Compute.serial());
        int[] vocabulary = vocabulary(modelFile, loaded);
        try {
            CharModels.requireCharacterModel(loaded.model());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modelFile + ": " + e.getMessage(), e);
        }
        if (loaded.model().outputSize() != vocabulary.length) {
            throw new IllegalArgumentException(modelFile + ": the model predicts " + loaded.model().outputSize()
                    + " characters but its vocabulary lists " + vocabulary.length);
        }
        String start = prime != null ? prime : defaultPrime(vocabulary);
        if (start.isEmpty()) {
            throw new IllegalArgumentException("--prime is empty; give at least one character, or leave it out");
        }
        int[] tokens;
        try {
            tokens = CharText.of(start, vocabulary).tokens();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--prime: " + e.getMessage(), e);
        }
        CharText decoder = CharText.of(start, vocabulary);
        PrintWriter out = spec.commandLine().getOut();
        out.print(start);
        out.flush();
        CharModels.generate(loaded.model(), tokens, length, temperature, new SplittableRandom(seed), token -> {
            out.print(decoder.decode(new int[] {token}));
            out.flush();
        });
        out.println();
        out.flush();
        return 0;
    }

    /** The code points of the model's characters, from its data schema. */
    static int[] vocabulary(Path file, ModelFile.Loaded loaded) {
        DataSchema schema = loaded.data();
        if (!loaded.meta().containsKey(AutoregressiveTraining.TEXT) || schema == null
                || schema.classNames().isEmpty()) {
            throw new IllegalArgumentException(file + " is not a character language model (one is made by 'rnn4j"
                    + " train --text FILE')");
        }
        List<String> names = schema.classNames();
        int[] v = new int[names.size()];
        for (int i = 0; i < v.length; i++) {
            String c = names.get(i);
            if (c.codePointCount(0, c.length()) != 1) {
                throw new IllegalArgumentException(file + ": class " + i + " of its vocabulary is '" + c
                        + "', not one character");
            }
            v[i] = c.codePointAt(0);
        }
        return v;
    }

    private static String defaultPrime(int[] vocabulary) {
        return java.util.Arrays.binarySearch(vocabulary, '\n') >= 0 ? "\n"
                : new String(Character.toChars(vocabulary[0]));
    }
}
