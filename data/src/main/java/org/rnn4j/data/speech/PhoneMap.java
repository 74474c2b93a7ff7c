package org.rnn4j.data.speech;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one synthesiser's phonemes map onto the {@link PhoneSet#standard() standard phone classes}. A phoneme maps
 * to one class; to two, when the synthesiser makes one unit of what the classes count as two (espeak-ng's
 * {@code A@}, the vowel of "card" with its r, becomes {@code aa r}), and then its time is split in half, a boundary
 * that no synthesiser event gives; or to none, when it is a short transition that joins the segment before it
 * (espeak-ng's {@code ;}). docs/speech-data.md prints both tables.
 */
public final class PhoneMap {

    /** espeak-ng's phoneme mnemonics for en-us (the names its phoneme events carry). */
    public static final PhoneMap ESPEAK_NG = new PhoneMap("espeak-ng", table(
            "_ sil", "_: sil", "_! sil", "; -",
            "0 aa", "A: aa", "A~ aa", "A@ aa r",
            "a ae", "aa ae",
            "@ ah", "@- ah", "@2 ah", "V ah", "a# ah",
            "O ao", "O2 ao", "O: ao", "O~ ao", "O@ ao r", "o@ ao r",
            "aU aw",
            "aI ay", "aI3 ay er", "aI@ ay ah",
            "b b", "tS ch", "d d", "D dh",
            "E eh", "e@ eh r",
            "3 er", "3: er",
            "eI ey", "e ey",
            "f f", "g g", "h hh",
            "I ih", "I# ih", "I2 ih", "i@3 ih r",
            "i iy", "i: iy", "i@ iy ah",
            "dZ jh", "k k", "l l", "l# l", "@L l", "m m", "n n", "n- n", "N ng",
            "oU ow", "OI oy", "p p", "r r", "r- r", "s s", "S sh",
            "t t", "t# t", "t2 t", "? t", "T th",
            "U uh", "U@ uh r", "u: uw",
            "v v", "w w", "j y", "z z", "Z zh"));

    /** Festival's "radio" phone set, used by its English diphone voices and the CMU ARCTIC HTS voices. */
    public static final PhoneMap FESTIVAL = new PhoneMap("festival", table(
            "pau sil", "h# sil", "brth sil",
            "aa aa", "ae ae", "ah ah", "ax ah", "ao ao", "aw aw", "ay ay", "b b", "ch ch", "d d", "dh dh",
            "eh eh", "er er", "axr er", "ey ey", "f f", "g g", "hh hh", "hv hh", "ih ih", "iy iy", "jh jh", "k k",
            "l l", "el l", "m m", "em m", "n n", "en n", "nx n", "ng ng", "ow ow", "oy oy", "p p", "r r", "s s",
            "sh sh", "t t", "dx t", "th th", "uh uh", "uw uw", "v v", "w w", "y y", "z z", "zh zh"));

    private final String synthesiser;
    private final Map<String, List<String>> table;

    private PhoneMap(String synthesiser, Map<String, List<String>> table) {
        this.synthesiser = synthesiser;
        this.table = Collections.unmodifiableMap(table);
        for (List<String> classes : table.values()) {
            for (String c : classes) {
                PhoneSet.standard().index(c);   // a typo in the table fails when the class loads
            }
        }
    }

    /** "phoneme class [class]", or "phoneme -" for a phoneme that joins the segment before it. */
    private static Map<String, List<String>> table(String... rows) {
        Map<String, List<String>> t = new LinkedHashMap<>();
        for (String row : rows) {
            String[] f = row.split(" ");
            List<String> classes = f[1].equals("-") ? List.of() : List.of(f).subList(1, f.length);
            if (t.put(f[0], classes) != null) {
                throw new IllegalStateException("phoneme " + f[0] + " is in the table twice");
            }
        }
        return t;
    }

    /** The synthesiser whose phonemes this maps, as the manifest names it. */
    public String synthesiser() {
        return synthesiser;
    }

    /** Every phoneme of the synthesiser and its classes (empty: joins the previous segment), in table order. */
    public Map<String, List<String>> table() {
        return table;
    }

    /** The classes of one phoneme; throws naming the synthesiser if the phoneme is not in the table. */
    public List<String> classes(String phoneme) {
        List<String> c = table.get(phoneme);
        if (c == null) {
            throw new IllegalArgumentException(synthesiser + " phoneme '" + phoneme + "' is not in rnn4j's phone"
                    + " table (PhoneMap." + (this == ESPEAK_NG ? "ESPEAK_NG" : "FESTIVAL") + ", docs/speech-data.md)");
        }
        return c;
    }

    /**
     * The segments of an utterance in the standard classes, from its segments in this synthesiser's phonemes:
     * each phoneme mapped, a phoneme of two classes split at its midpoint, a joining phoneme added to the segment
     * before it (or, first in an utterance, to silence), and neighbouring silences made one. Contiguous segments
     * stay contiguous.
     */
    public List<Segment> apply(List<Segment> phonemes) {
        List<Segment> out = new ArrayList<>();
        for (Segment s : phonemes) {
            List<String> classes = classes(s.phone());
            if (classes.isEmpty() && out.isEmpty()) {
                append(out, new Segment(s.start(), s.end(), PhoneSet.SILENCE));
            } else if (classes.isEmpty()) {
                Segment previous = out.removeLast();
                out.add(new Segment(previous.start(), s.end(), previous.phone()));
            } else if (classes.size() == 1 || !(0.5 * (s.start() + s.end()) > s.start())) {
                append(out, new Segment(s.start(), s.end(), classes.get(0)));
            } else {
                double mid = 0.5 * (s.start() + s.end());
                append(out, new Segment(s.start(), mid, classes.get(0)));
                append(out, new Segment(mid, s.end(), classes.get(1)));
            }
        }
        return out;
    }

    private static void append(List<Segment> out, Segment s) {
        if (!out.isEmpty() && s.phone().equals(PhoneSet.SILENCE) && out.getLast().phone().equals(PhoneSet.SILENCE)) {
            s = new Segment(out.removeLast().start(), s.end(), PhoneSet.SILENCE);
        }
        out.add(s);
    }
}
