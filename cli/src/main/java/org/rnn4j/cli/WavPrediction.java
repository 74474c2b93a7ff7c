package org.rnn4j.cli;

import org.rnn4j.data.audio.Wav;
import org.rnn4j.data.speech.FrameFeatures;
import org.rnn4j.data.speech.Segment;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.ModelFile;
import org.rnn4j.kernel.Compute;
import org.rnn4j.nn.Head;
import org.rnn4j.tensor.Tensor;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code rnn4j predict MODEL --wav in.wav}: the phone segments of a recording, from a frame classifier trained with
 * {@code train --features}. The features, normalisation and output delay are those kept in the model file.
 */
final class WavPrediction {

    private WavPrediction() {
    }

    /** Prints (or writes to {@code output}, if not null) one line per segment: start, end, phone. */
    static int run(Path modelFile, Path wavFile, Path output, PrintWriter out) throws IOException {
        try (Compute compute = Compute.withThreads(Runtime.getRuntime().availableProcessors())) {
            ModelFile.Loaded loaded = ModelFile.load(modelFile, compute);
            FrameFeatures frames = FrameFeatures.fromMeta(loaded.meta());
            if (frames == null || loaded.model().head() != Head.EVERY_STEP) {
                throw new IllegalArgumentException(modelFile + " is not a frame classifier of speech (train one with"
                        + " 'rnn4j train --data DIR --features fbank'); --wav needs one");
            }
            Tensor features = frames.features(Wav.read(wavFile), wavFile.toString());
            if (features.dim(1) != loaded.model().config().network().inputSize()) {
                throw new IllegalArgumentException(modelFile + " reads " + loaded.model().config().network().inputSize()
                        + " features per frame, but its settings make " + features.dim(1));
            }
            Tensor y = loaded.model().infer(frames.input(features));   // (1, T + delay, C)
            List<String> names = loaded.data() == null ? List.of() : loaded.data().classNames();
            List<Segment> segments = FrameFeatures.segments(frames.frameClasses(y, features.dim(0)), names);
            StringBuilder sb = new StringBuilder();
            for (Segment s : segments) {
                sb.append(String.format(Locale.ROOT, "%.2f\t%.2f\t%s%n", s.start(), s.end(), s.phone()));
            }
            if (output == null) {
                out.print(sb);
            } else {
                AtomicFiles.write(output, o -> o.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
                out.printf(Locale.ROOT, "%s: %d frames, %d segments -> %s%n", wavFile, features.dim(0),
                        segments.size(), output);
            }
            out.flush();
        }
        return 0;
    }
}
