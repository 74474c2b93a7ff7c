package org.rnn4j.data.speech;

import org.rnn4j.data.audio.Wav;

import org.rnn4j.train.SeededRandom;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Writes a {@link SpeechCorpus}: synthetic utterances with a phone label for every moment, from a seed.
 *
 * <p>Utterance i is made from its own generator, {@code SeededRandom.forItem(seed, i)}, so it is the same whatever
 * the number of utterances, and the same seed gives byte-identical files. Each utterance draws, in this order:
 * the synthesiser (Festival with probability {@code festivalShare}, else espeak-ng), the voice (uniform over the
 * synthesiser's installed voices), the text (digits with probability {@code digitShare}, else words), the rate and
 * pitch, a leading silence for espeak-ng (which otherwise starts at once), and the noise (with probability
 * {@code noisyShare} white Gaussian noise at an SNR drawn from {@code snrsDb}). espeak-ng speaks through its C
 * library, with the onset sample of every phoneme; Festival in background processes (one per voice) while
 * espeak-ng works, with the end time of every segment. Audio is resampled to 16 kHz, the phonemes mapped by
 * {@link PhoneMap}.
 *
 * <p>The split is by speaker and the same for every seed, so corpora made with different seeds never share a test
 * voice with a training one: every espeak-ng voice variant is a speaker, in train, valid or test by a hash of its
 * name (CRC32 mod 10: 0 test, 1 valid, else train; about 80/10/10); every Festival voice is in other-synth.
 */
public final class SpeechCorpusGenerator {

    /** The ten digits as the words an isolated-digit corpus says: digit d is element d ("zero" .. "nine"). */
    public static List<String> digitWords() {
        return Texts.digitWords();
    }

    /** The language every espeak-ng voice speaks; its variants are the speakers. */
    public static final String ESPEAK_LANGUAGE = "en-us";
    static final String ESPEAK = "espeak-ng";
    static final String FESTIVAL = "festival";

    /**
     * What to generate.
     *
     * @param utterances    how many, >= 1
     * @param seed          the seed everything is drawn from
     * @param festivalShare the probability an utterance is Festival's (other-synth), 0..1
     * @param digitShare    the probability an utterance is a digit string rather than words, 0..1
     * @param noisyShare    the probability white noise is added, 0..1
     * @param snrsDb        the signal-to-noise ratios a noisy utterance draws from, uniformly; the signal's power is
     *                      measured over its phones, not its silences
     * @param wordList      a word list, one a line (Debian's wamerican by default)
     * @param isolatedDigits every utterance is one digit, "zero" to "nine" (drawn uniformly), for a classifier of
     *                      isolated digits; {@code digitShare} and the word list are then not used
     */
    public record Options(int utterances, long seed, double festivalShare, double digitShare, double noisyShare,
                          List<Double> snrsDb, Path wordList, boolean isolatedDigits) {

        public Options {
            if (utterances < 1) {
                throw new IllegalArgumentException("the number of utterances must be at least 1, got " + utterances);
            }
            share("festivalShare", festivalShare);
            share("digitShare", digitShare);
            share("noisyShare", noisyShare);
            snrsDb = List.copyOf(snrsDb);
            if (noisyShare > 0 && snrsDb.isEmpty()) {
                throw new IllegalArgumentException("noisyShare is " + noisyShare + " but no SNRs are given");
            }
            for (double snr : snrsDb) {
                if (!Double.isFinite(snr)) {
                    throw new IllegalArgumentException("an SNR must be a finite number of dB, got " + snr);
                }
            }
        }

        private static void share(String name, double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(name + " must be between 0 and 1, got " + v);
            }
        }

        /**
         * The defaults: 10% Festival, 30% digit strings, 60% noisy at 20, 10 or 5 dB, words from wamerican.
         */
        public static Options of(int utterances, long seed) {
            return new Options(utterances, seed, 0.1, 0.3, 0.6, List.of(20.0, 10.0, 5.0), Texts.DEFAULT_WORDS, false);
        }

        public Options withFestivalShare(double share) {
            return new Options(utterances, seed, share, digitShare, noisyShare, snrsDb, wordList, isolatedDigits);
        }

        public Options withDigitShare(double share) {
            return new Options(utterances, seed, festivalShare, share, noisyShare, snrsDb, wordList, isolatedDigits);
        }

        public Options withNoise(double share, List<Double> snrs) {
            return new Options(utterances, seed, festivalShare, digitShare, share, snrs, wordList, isolatedDigits);
        }

        public Options withWordList(Path file) {
            return new Options(utterances, seed, festivalShare, digitShare, noisyShare, snrsDb, file, isolatedDigits);
        }

        /** Every utterance one digit word, zero to nine ({@link #digitWords()}). */
        public Options withIsolatedDigits() {
            return new Options(utterances, seed, festivalShare, digitShare, noisyShare, snrsDb, wordList, true);
        }
    }

    /** A voice and the speaker and split it counts as. */
    record Voice(String synthesiser, String name, String speaker, Split split) {
    }

    /** Everything drawn for one utterance before it is spoken. */
    private record Plan(int index, Voice voice, String text, double stretch, double semitones, int pitch, int range,
                        double leadSeconds, OptionalDouble snrDb, int synthSeed, long noiseSeed) {

        String id() {
            return String.format("u%06d", index);
        }
    }

    private SpeechCorpusGenerator() {
    }

    /** Writes a corpus into {@code out} (created; must not hold one already) and opens it. */
    public static SpeechCorpus generate(Path out, Options options) throws IOException {
        return generate(out, options, done -> { });
    }

    /**
     * Writes a corpus into {@code out} and opens it; {@code progress} hears the number of utterances written so far
     * after each one. The manifest is written last, so an interrupted run leaves no corpus that looks complete.
     */
    public static SpeechCorpus generate(Path out, Options options, IntConsumer progress) throws IOException {
        if (Files.exists(out.resolve(SpeechCorpus.MANIFEST))) {
            throw new FileAlreadyExistsException(out.resolve(SpeechCorpus.MANIFEST).toString(), null,
                    "a corpus is already here; choose another directory or delete it");
        }
        Texts texts = options.isolatedDigits() ? null : Texts.load(options.wordList());
        List<Voice> festivalVoices = new ArrayList<>();
        if (options.festivalShare() > 0) {
            for (String v : Festival.installedVoices()) {
                festivalVoices.add(new Voice(FESTIVAL, v, FESTIVAL + "/" + v, Split.OTHER_SYNTH));
            }
            if (festivalVoices.isEmpty()) {
                throw new IOException("none of Festival's voices " + Festival.VOICES + " is installed under "
                        + Festival.VOICE_DIR + "; run scripts/install-speech, or generate with a Festival share of 0");
            }
        }
        EspeakEngine espeak = options.festivalShare() < 1 ? EspeakEngine.open() : null;
        List<Voice> espeakVoices = espeak == null ? List.of() : espeakVoices(espeak.variants());

        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < options.utterances(); i++) {
            plans.add(plan(i, options, texts, espeakVoices, festivalVoices));
        }
        Files.createDirectories(out.resolve("wav"));
        Files.createDirectories(out.resolve("labels"));
        Path work = Files.createTempDirectory(out, ".festival-");
        try {
            // Festival runs in background processes, one per voice, while espeak-ng speaks here
            Map<String, List<Plan>> byVoice = new LinkedHashMap<>();
            for (Plan p : plans) {
                if (p.voice().synthesiser().equals(FESTIVAL)) {
                    byVoice.computeIfAbsent(p.voice().name(), v -> new ArrayList<>()).add(p);
                }
            }
            Map<String, Festival.Batch> batches = new LinkedHashMap<>();
            for (Map.Entry<String, List<Plan>> e : byVoice.entrySet()) {
                List<Festival.Request> requests = e.getValue().stream().map(p -> new Festival.Request(p.text(),
                        p.stretch(), p.semitones(), work.resolve(p.id()))).toList();
                batches.put(e.getKey(), Festival.start(e.getKey(), requests, work));
            }
            Utterance[] made = new Utterance[plans.size()];
            int done = 0;
            for (Plan p : plans) {
                if (p.voice().synthesiser().equals(ESPEAK)) {
                    // espeak-ng starts speaking at once; Festival's voices begin with a pause of their own
                    Synthesis s = espeak.speak(p.voice().name(), p.text(), espeakRate(p.stretch()), p.pitch(),
                            p.range(), p.synthSeed());
                    s = s.withLeadingSilence((int) Math.round(p.leadSeconds() * s.audio().sampleRate()), "_");
                    made[p.index()] = write(out, p, s, PhoneMap.ESPEAK_NG);
                    progress.accept(++done);
                }
            }
            for (Map.Entry<String, Festival.Batch> e : batches.entrySet()) {
                List<Plan> ps = byVoice.get(e.getKey());
                List<Synthesis> results = e.getValue().results();
                for (int k = 0; k < ps.size(); k++) {
                    made[ps.get(k).index()] = write(out, ps.get(k), results.get(k), PhoneMap.FESTIVAL);
                    progress.accept(++done);
                }
            }
            SpeechCorpus.writeManifest(out.resolve(SpeechCorpus.MANIFEST), List.of(made));
        } finally {
            deleteTree(work);
        }
        return SpeechCorpus.open(out);
    }

    /**
     * The command-line entry point of scripts/speech-corpus:
     * {@code --out DIR --utterances N --seed S [--festival-share P] [--digit-share P] [--noisy-share P]
     * [--snrs DB,DB,...] [--words FILE]}. Prints where the corpus went, how many utterances of each split, and the
     * time taken; a wrong argument or a failure prints one sentence and exits with 2 or 1.
     */
    public static void main(String[] args) {
        Path out = null;
        Options o = Options.of(1, 0);
        Integer utterances = null;
        Long seed = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    System.out.println(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--out" -> out = Path.of(v);
                    case "--utterances" -> utterances = (int) number(a, v, true);
                    case "--seed" -> seed = (long) number(a, v, true);
                    case "--festival-share" -> o = o.withFestivalShare(number(a, v, false));
                    case "--digit-share" -> o = o.withDigitShare(number(a, v, false));
                    case "--noisy-share" -> o = o.withNoise(number(a, v, false), o.snrsDb());
                    case "--snrs" -> {
                        List<Double> snrs = new ArrayList<>();
                        for (String db : v.split(",")) {
                            snrs.add(number(a, db.strip(), false));
                        }
                        o = o.withNoise(o.noisyShare(), snrs);
                    }
                    case "--words" -> o = o.withWordList(Path.of(v));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (out == null || utterances == null || seed == null) {
                throw new IllegalArgumentException("--out, --utterances and --seed are required");
            }
            o = new Options(utterances, seed, o.festivalShare(), o.digitShare(), o.noisyShare(), o.snrsDb(),
                    o.wordList(), false);
        } catch (IllegalArgumentException e) {
            System.err.println("speech-corpus: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        long t0 = System.nanoTime();
        try {
            int total = o.utterances();
            SpeechCorpus corpus = generate(out, o, done -> {
                if (done % 50 == 0 || done == total) {
                    System.err.printf("\r%d/%d utterances", done, total);
                }
            });
            System.err.println();
            double seconds = corpus.utterances().stream().mapToDouble(Utterance::seconds).sum();
            StringBuilder splits = new StringBuilder();
            for (Split s : Split.values()) {
                splits.append(splits.isEmpty() ? "" : ", ").append(corpus.utterances(s).size()).append(' ')
                        .append(s.label());
            }
            System.out.printf(java.util.Locale.ROOT, "%s: %d utterances (%s), %.1f s of audio, made in %.1f s%n", out,
                    total, splits, seconds, (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            System.err.println("\nspeech-corpus: " + e.getMessage());
            System.exit(1);
        }
    }

    private static double number(String option, String value, boolean integer) {
        try {
            return integer ? Long.parseLong(value) : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes " + (integer ? "a whole number" : "a number")
                    + ", got '" + value + "'");
        }
    }

    private static final String USAGE = """
            usage: speech-corpus --out DIR --utterances N --seed S [--festival-share P] [--digit-share P]
                                 [--noisy-share P] [--snrs DB,DB,...] [--words FILE]
              defaults: --festival-share 0.1 --digit-share 0.3 --noisy-share 0.6 --snrs 20,10,5
                        --words /usr/share/dict/american-english (Debian's wamerican)
              writes DIR/manifest.tsv, DIR/wav/<id>.wav (16 kHz mono 16-bit), DIR/labels/<id>.tsv
              (docs/speech-data.md)""";

    /** The default voice and every variant of {@value #ESPEAK_LANGUAGE}, with their splits. */
    static List<Voice> espeakVoices(List<String> variants) {
        List<Voice> out = new ArrayList<>();
        out.add(espeakVoice(ESPEAK_LANGUAGE, "default"));
        for (String v : variants) {
            out.add(espeakVoice(ESPEAK_LANGUAGE + "+" + v, v));
        }
        return out;
    }

    private static Voice espeakVoice(String name, String variant) {
        String speaker = ESPEAK + "/" + variant;
        return new Voice(ESPEAK, name, speaker, speakerSplit(speaker));
    }

    /** The split of an espeak-ng speaker: CRC32 of its name mod 10, 0 test, 1 valid, else train. */
    static Split speakerSplit(String speaker) {
        CRC32 crc = new CRC32();
        crc.update(speaker.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long h = crc.getValue() % 10;
        return h == 0 ? Split.TEST : h == 1 ? Split.VALID : Split.TRAIN;
    }

    private static Plan plan(int index, Options o, Texts texts, List<Voice> espeakVoices, List<Voice> festivalVoices) {
        SeededRandom rng = SeededRandom.forItem(o.seed(), index);
        boolean festival = rng.nextDouble() < o.festivalShare();
        List<Voice> voices = festival ? festivalVoices : espeakVoices;
        Voice voice = voices.get(rng.nextInt(voices.size()));
        boolean digits = rng.nextDouble() < o.digitShare();
        String text = o.isolatedDigits() ? Texts.digit(rng) : digits ? Texts.digits(rng) : texts.sentence(rng);
        double stretch = 0.8 + 0.45 * rng.nextDouble();       // 0.8 .. 1.25 times the voice's durations
        double semitones = -3 + 6 * rng.nextDouble();          // Festival: -3 .. +3 half-tones
        int pitch = 30 + rng.nextInt(41);                      // espeak-ng: base pitch 30 .. 70 (50 normal)
        int range = 30 + rng.nextInt(51);                      // espeak-ng: pitch range 30 .. 80 (50 normal)
        double lead = 0.05 + 0.25 * rng.nextDouble();          // espeak-ng: 0.05 .. 0.3 s of silence first
        boolean noisy = rng.nextDouble() < o.noisyShare();
        double snr = o.snrsDb().isEmpty() ? 0 : o.snrsDb().get(rng.nextInt(o.snrsDb().size()));
        int synthSeed = rng.nextInt();
        long noiseSeed = rng.nextLong();
        return new Plan(index, voice, text, stretch, semitones, pitch, range, lead,
                noisy ? OptionalDouble.of(snr) : OptionalDouble.empty(), synthSeed, noiseSeed);
    }

    /** espeak-ng's words per minute for a duration stretch: 175 (its normal rate) / stretch, 140 .. 219. */
    private static int espeakRate(double stretch) {
        return (int) Math.round(175 / stretch);
    }

    /** Resamples, labels and adds noise to one synthesis, writes its wav and label files, and returns its row. */
    private static Utterance write(Path out, Plan p, Synthesis s, PhoneMap map) throws IOException {
        List<Segment> phones;
        try {
            phones = map.apply(s.phonemes());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage() + ", in utterance " + p.id() + " ('" + p.text() + "', "
                    + p.voice().name() + ")", e);
        }
        Resampler resampler = new Resampler(s.audio().sampleRate(), SpeechCorpus.SAMPLE_RATE);
        double[] x = resampler.resample(s.audio().toPcm16());
        double seconds = (double) x.length / SpeechCorpus.SAMPLE_RATE;
        List<Segment> labels = fit(phones, seconds);
        if (p.snrDb().isPresent()) {
            Noise.addWhite(x, labels, SpeechCorpus.SAMPLE_RATE, p.snrDb().getAsDouble(),
                    new SeededRandom(p.noiseSeed()));
        }
        Wav.write(out.resolve("wav").resolve(p.id() + ".wav"), Wav.fromPcm16(SpeechCorpus.SAMPLE_RATE, Noise.toPcm(x)));
        LabelFile.write(out.resolve("labels").resolve(p.id() + ".tsv"), labels);
        return new Utterance(p.id(), p.voice().synthesiser(), p.voice().name(), p.voice().speaker(), p.voice().split(),
                p.text(), seconds, p.snrDb());
    }

    /**
     * The segments cut at {@code seconds}, and the last one stretched to it: the resampled audio ends at most one
     * sample away from the synthesiser's.
     */
    static List<Segment> fit(List<Segment> segments, double seconds) {
        List<Segment> out = new ArrayList<>();
        for (Segment s : segments) {
            if (s.start() >= seconds) {
                break;
            }
            out.add(s.end() > seconds ? new Segment(s.start(), seconds, s.phone()) : s);
        }
        Segment last = out.removeLast();
        out.add(new Segment(last.start(), seconds, last.phone()));
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
