package org.rnn4j.data.speech;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhoneMapTest {

    @Test
    void everyClassButNoneIsReachedFromBothSynthesisers() {
        for (PhoneMap map : List.of(PhoneMap.ESPEAK_NG, PhoneMap.FESTIVAL)) {
            Set<String> reached = new HashSet<>();
            map.table().values().forEach(reached::addAll);
            Set<String> missing = new HashSet<>(PhoneSet.standard().names());
            missing.removeAll(reached);
            assertEquals(Set.of(), missing, map.synthesiser() + " reaches no phoneme of these classes");
        }
    }

    @Test
    void applySplitsTwoClassPhonemesJoinsTransitionsAndMergesSilences() {
        List<Segment> espeak = List.of(new Segment(0, 0.1, "_"), new Segment(0.1, 0.2, "_:"),
                new Segment(0.2, 0.4, "A@"), new Segment(0.4, 0.5, "i"), new Segment(0.5, 0.52, ";"),
                new Segment(0.52, 0.6, "@L"), new Segment(0.6, 0.7, "t#"));
        assertEquals(List.of(new Segment(0, 0.2, "sil"), new Segment(0.2, 0.30000000000000004, "aa"),
                new Segment(0.30000000000000004, 0.4, "r"), new Segment(0.4, 0.52, "iy"),
                new Segment(0.52, 0.6, "l"), new Segment(0.6, 0.7, "t")), PhoneMap.ESPEAK_NG.apply(espeak));
        assertEquals(List.of(new Segment(0, 0.05, "sil"), new Segment(0.05, 0.1, "ah")),
                PhoneMap.ESPEAK_NG.apply(List.of(new Segment(0, 0.02, ";"), new Segment(0.02, 0.05, "_"),
                        new Segment(0.05, 0.1, "@"))));
        assertEquals(List.of(new Segment(0, 0.3, "sil"), new Segment(0.3, 0.4, "ah")),
                PhoneMap.FESTIVAL.apply(List.of(new Segment(0, 0.2, "pau"), new Segment(0.2, 0.3, "h#"),
                        new Segment(0.3, 0.4, "ax"))));
    }

    @Test
    void anUnknownPhonemeNamesTheSynthesiserAndTheTable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PhoneMap.ESPEAK_NG.classes("x#"));
        assertTrue(e.getMessage().contains("espeak-ng phoneme 'x#' is not in rnn4j's phone table"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PhoneMap.FESTIVAL.classes("aa1"));
        assertTrue(e.getMessage().contains("PhoneMap.FESTIVAL"), e.getMessage());
    }

    /**
     * docs/speech-data.md's table, one row per class: {@code | class | espeak-ng | Festival | as in |}, phonemes in
     * backticks, a two-class phoneme written with its share ({@code `A@` (1st half)}).
     */
    @Test
    void theDocumentedTableIsTheCodesTable() throws IOException {
        Path doc = Path.of("../docs/speech-data.md");
        Map<String, List<String>> espeak = new TreeMap<>();
        Map<String, List<String>> festival = new TreeMap<>();
        List<String> classes = new ArrayList<>();
        for (String line : Files.readAllLines(doc)) {
            String[] f = line.split("\\|", -1);
            if (f.length != 6 || !f[1].strip().matches("`[a-z]+`")) {
                continue;
            }
            String c = f[1].strip().replace("`", "");
            classes.add(c);
            espeak.put(c, phonemes(f[2]));
            festival.put(c, phonemes(f[3]));
        }
        assertEquals(PhoneSet.standard().names(), classes, doc + " lists the classes in index order");
        assertEquals(byClass(PhoneMap.ESPEAK_NG), espeak, doc + "'s espeak-ng column");
        assertEquals(byClass(PhoneMap.FESTIVAL), festival, doc + "'s Festival column");
    }

    private static List<String> phonemes(String cell) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([^`]+)`( \\((1st|2nd) half\\))?").matcher(cell);
        while (m.find()) {
            out.add(m.group(1) + (m.group(3) == null ? "" : " " + m.group(3)));
        }
        out.sort(null);
        return out;
    }

    /** class -> phonemes that map to it, a two-class phoneme marked "1st" or "2nd"; a joining one under "-". */
    private static Map<String, List<String>> byClass(PhoneMap map) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String c : PhoneSet.standard().names()) {
            out.put(c, new ArrayList<>());
        }
        for (Map.Entry<String, List<String>> e : new LinkedHashMap<>(map.table()).entrySet()) {
            List<String> cs = e.getValue();
            if (cs.isEmpty()) {
                continue;   // documented in prose, not in the table
            }
            for (int i = 0; i < cs.size(); i++) {
                out.get(cs.get(i)).add(e.getKey() + (cs.size() == 1 ? "" : i == 0 ? " 1st" : " 2nd"));
            }
        }
        out.values().forEach(l -> l.sort(null));
        return out;
    }
}
