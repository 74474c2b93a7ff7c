package org.rnn4j.data.speech;

import org.rnn4j.data.audio.Wav;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.FileFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeechCorpusReadTest {

    private static final List<Segment> LABELS = List.of(new Segment(0, 0.1, "sil"), new Segment(0.1, 0.25, "ah"),
            new Segment(0.25, 0.3, "t"));

    private static int[] idx(String... phones) {
        return Arrays.stream(phones).mapToInt(PhoneSet.standard()::index).toArray();
    }

    @Test
    void thePhoneSetIsSilenceAndThe39CmuPhonemes() {
        PhoneSet p = PhoneSet.standard();
        assertEquals(40, p.size());
        assertEquals(0, p.index("sil"));
        assertEquals("zh", p.name(39));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.index("ax"));
        assertTrue(e.getMessage().contains("'ax' is not a phone class"), e.getMessage());
    }

    @Test
    void frameLabelsTakeThePhoneAtEachFramesCentre() {
        int[] got = SpeechCorpus.frameLabels(LABELS, 30, 0.01);
        int[] want = new int[30];
        Arrays.fill(want, 0, 10, PhoneSet.standard().index("sil"));    // centres 0.005 .. 0.095
        Arrays.fill(want, 10, 25, PhoneSet.standard().index("ah"));    // 0.105 .. 0.245
        Arrays.fill(want, 25, 30, PhoneSet.standard().index("t"));     // 0.255 .. 0.295
        assertArrayEquals(want, got, "got " + Arrays.toString(got));
        // a centre exactly on a boundary belongs to the segment that starts there (binary fractions: exact)
        List<Segment> exact = List.of(new Segment(0, 0.125, "sil"), new Segment(0.125, 0.375, "ah"),
                new Segment(0.375, 0.5, "t"));
        assertArrayEquals(idx("ah", "t"), SpeechCorpus.frameLabels(exact, 2, 0.25));
        assertArrayEquals(new int[0], SpeechCorpus.frameLabels(LABELS, 0, 0.01));
    }

    @Test
    void aLastFrameLessThanOneHopPastTheLabelsTakesTheLastPhoneAndFurtherIsAnError() {
        int[] got = SpeechCorpus.frameLabels(LABELS, 31, 0.01);         // last centre 0.305, 5 ms past the end
        assertEquals(PhoneSet.standard().index("t"), got[30]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpeechCorpus.frameLabels(LABELS, 32, 0.01));     // 0.315: 15 ms past
        assertTrue(e.getMessage().contains("labels end at 0.3 s"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpeechCorpus.frameLabels(LABELS, 3, 0));
        assertThrows(IllegalArgumentException.class, () -> SpeechCorpus.frameLabels(List.of(), 3, 0.01));
    }

    @Test
    void labelFilesRoundTrip(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.tsv");
        List<Segment> segments = List.of(new Segment(0, 0.123456, "sil"), new Segment(0.123456, 1.5, "zh"));
        LabelFile.write(f, segments);
        assertEquals("0.000000\t0.123456\tsil\n0.123456\t1.500000\tzh\n", Files.readString(f));
        assertEquals(segments, LabelFile.read(f));
    }

    /** Writes {@code content} to a label file and returns the message of the error reading it raises. */
    private static String labelError(Path dir, String content) throws IOException {
        Path f = dir.resolve("bad.tsv");
        Files.writeString(f, content);
        FileFormatException e = assertThrows(FileFormatException.class, () -> LabelFile.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void malformedLabelFilesNameTheLineAndWhatWasExpected(@TempDir Path dir) throws IOException {
        String m = labelError(dir, "0\t0.1\tsil\n0.1\t0.2\n");
        assertTrue(m.contains("line 2: 2 tab-separated fields, expected 3"), m);
        m = labelError(dir, "0\t0.1\tsil\n0.1\tsoon\tah\n");
        assertTrue(m.contains("line 2: the end time 'soon' is not a number"), m);
        m = labelError(dir, "0\t0.1\tsil\n0.15\t0.2\tah\n");
        assertTrue(m.contains("line 2: the segment starts at 0.15 s, but the previous one ends at 0.1 s"), m);
        m = labelError(dir, "0\t0.1\tsil\n0.05\t0.2\tah\n");
        assertTrue(m.contains("contiguous"), m);
        m = labelError(dir, "0.02\t0.1\tsil\n");
        assertTrue(m.contains("line 1") && m.contains("must start at 0"), m);
        m = labelError(dir, "0\t0.1\tsil\n0.1\t0.1\tah\n");
        assertTrue(m.contains("line 2: the segment ends at 0.1 s, not after its start"), m);
        m = labelError(dir, "0\t0.1\tsil\n0.1\t0.2\tax\n");
        assertTrue(m.contains("line 2: 'ax' is not a phone class"), m);
        m = labelError(dir, "0\tNaN\tsil\n");
        assertTrue(m.contains("not a finite, non-negative number"), m);
        m = labelError(dir, "");
        assertTrue(m.contains("no segments"), m);
    }

    /** A corpus directory with two utterances, u1 (0.3 s, clean) and u2 (0.25 s, 10 dB). */
    private static Path corpus(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("wav"));
        Files.createDirectories(dir.resolve("labels"));
        SpeechCorpus.writeManifest(dir.resolve(SpeechCorpus.MANIFEST), List.of(
                new Utterance("u1", "espeak-ng", "en-us+m3", "espeak-ng/m3", Split.TRAIN, "one two", 0.3,
                        OptionalDouble.empty()),
                new Utterance("u2", "festival", "kal_diphone", "festival/kal_diphone", Split.OTHER_SYNTH, "three",
                        0.25, OptionalDouble.of(10))));
        LabelFile.write(dir.resolve("labels/u1.tsv"), LABELS);
        LabelFile.write(dir.resolve("labels/u2.tsv"), List.of(new Segment(0, 0.25, "sil")));
        Wav.write(dir.resolve("wav/u1.wav"), Wav.fromPcm16(16000, new short[4800]));
        Wav.write(dir.resolve("wav/u2.wav"), Wav.fromPcm16(16000, new short[4000]));
        return dir;
    }

    @Test
    void aCorpusReadsItsManifestLabelsAndAudio(@TempDir Path dir) throws IOException {
        SpeechCorpus c = SpeechCorpus.open(corpus(dir));
        assertEquals(2, c.utterances().size());
        Utterance u2 = c.utterance("u2");
        assertEquals(Split.OTHER_SYNTH, u2.split());
        assertEquals(OptionalDouble.of(10), u2.snrDb());
        assertEquals(List.of(c.utterance("u1")), c.utterances(Split.TRAIN));
        assertEquals(LABELS, c.labels(c.utterance("u1")));
        assertEquals(4800, c.audio(c.utterance("u1")).samples().length);
        assertEquals("id\tsynthesiser\tvoice\tspeaker\tsplit\ttext\tseconds\tsnr_db\n"
                        + "u1\tespeak-ng\ten-us+m3\tespeak-ng/m3\ttrain\tone two\t0.300000\t\n"
                        + "u2\tfestival\tkal_diphone\tfestival/kal_diphone\tother-synth\tthree\t0.250000\t10\n",
                Files.readString(dir.resolve(SpeechCorpus.MANIFEST)));
    }

    @Test
    void manifestColumnsAreFoundByNameAndExtraOnesIgnored(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(SpeechCorpus.MANIFEST), "snr_db\tnote\tseconds\ttext\tsplit\tspeaker\tvoice"
                + "\tsynthesiser\tid\n5\thi\t1.5\tsix\tvalid\tespeak-ng/f1\ten-us+f1\tespeak-ng\tx7\n");
        Utterance u = SpeechCorpus.open(dir).utterance("x7");
        assertEquals(new Utterance("x7", "espeak-ng", "en-us+f1", "espeak-ng/f1", Split.VALID, "six", 1.5,
                OptionalDouble.of(5)), u);
    }

    private static String manifestError(Path dir, String content) throws IOException {
        Path f = dir.resolve(SpeechCorpus.MANIFEST);
        Files.writeString(f, content);
        FileFormatException e = assertThrows(FileFormatException.class, () -> SpeechCorpus.open(dir));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void malformedManifestsNameTheLineAndWhatWasExpected(@TempDir Path dir) throws IOException {
        String header = String.join("\t", SpeechCorpus.COLUMNS) + "\n";
        String m = manifestError(dir, "id\tsynthesiser\tvoice\tspeaker\tsplit\ttext\tseconds\n");
        assertTrue(m.contains("line 1: the header has no column 'snr_db'"), m);
        m = manifestError(dir, header + "u1\tespeak-ng\tv\ts\ttrain\thi\t1.0\n");
        assertTrue(m.contains("line 2: 7 tab-separated fields, but the header has 8"), m);
        m = manifestError(dir, header + "u1\tespeak-ng\tv\ts\ttraining\thi\t1.0\t\n");
        assertTrue(m.contains("line 2: 'training' is not a split; expected one of [train, valid, test, other-synth]"),
                m);
        m = manifestError(dir, header + "u1\tespeak-ng\tv\ts\ttrain\thi\tlong\t\n");
        assertTrue(m.contains("line 2: seconds 'long' is not a number"), m);
        m = manifestError(dir, header + "u1\tespeak-ng\tv\ts\ttrain\thi\t-1\t\n");
        assertTrue(m.contains("line 2: utterance u1: seconds must be positive"), m);
        m = manifestError(dir, header + "u1\tespeak-ng\tv\ts\ttrain\thi\t1\tloud\n");
        assertTrue(m.contains("line 2: snr_db 'loud' is not a number"), m);
        m = manifestError(dir, header + "../u1\tespeak-ng\tv\ts\ttrain\thi\t1\t\n");
        assertTrue(m.contains("line 2: an utterance id must be"), m);
        m = manifestError(dir, header + "u1\tespeak-ng\tv\ts\ttrain\thi\t1\t\nu1\tespeak-ng\tv\ts\ttrain\tho\t1\t\n");
        assertTrue(m.contains("line 3: utterance id 'u1' is also on line 2"), m);
        m = manifestError(dir, "");
        assertTrue(m.contains("empty file"), m);
    }

    @Test
    void aMissingManifestOrLabelsThatDoNotCoverTheAudioAreErrors(@TempDir Path dir) throws IOException {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SpeechCorpus.open(dir));
        assertTrue(e.getMessage().contains("manifest.tsv") && e.getMessage().contains("scripts/speech-corpus"),
                e.getMessage());
        SpeechCorpus c = SpeechCorpus.open(corpus(dir));
        LabelFile.write(dir.resolve("labels/u2.tsv"), List.of(new Segment(0, 0.2, "sil")));
        FileFormatException f = assertThrows(FileFormatException.class, () -> c.labels(c.utterance("u2")));
        assertTrue(f.getMessage().contains(
                "the labels end at 0.2 s, but the manifest says the audio of u2 lasts 0.25 s"), f.getMessage());
        Wav.write(dir.resolve("wav/u2.wav"), Wav.fromPcm16(22050, new short[10]));
        f = assertThrows(FileFormatException.class, () -> c.audio(c.utterance("u2")));
        assertTrue(f.getMessage().contains("22050 Hz, expected 16000 Hz"), f.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.utterance("u3"));
    }

    @Test
    void wavFilesRoundTripAndOtherKindsAreRefused(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.wav");
        short[] x = {0, 1, -1, 32767, -32768, 1234};
        Wav.write(f, Wav.fromPcm16(16000, x));
        assertEquals(44 + 12, Files.size(f));
        Wav back = Wav.read(f);
        assertEquals(16000, back.sampleRate());
        assertArrayEquals(x, back.toPcm16());
        byte[] stereo = Files.readAllBytes(f);
        stereo[22] = 2;                                               // channels
        Files.write(f, stereo);
        FileFormatException e = assertThrows(FileFormatException.class, () -> Wav.read(f));
        assertTrue(e.getMessage().contains("2 channels; expected mono"), e.getMessage());
        Files.writeString(f, "not audio");
        e = assertThrows(FileFormatException.class, () -> Wav.read(f));
        assertTrue(e.getMessage().contains("not a WAV file"), e.getMessage());
    }
}
