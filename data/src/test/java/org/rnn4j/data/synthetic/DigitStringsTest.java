package org.rnn4j.data.synthetic;

import org.junit.jupiter.api.Test;
import org.rnn4j.data.synthetic.DigitStrings.Task;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DigitStrings}: each pair is a function of (seed, index); the targets are what the task says, checked
 * independently (reversed text, sorted characters, BigInteger sums of the source's text); every length in range
 * occurs; the accuracies on hand-made examples.
 */
class DigitStringsTest {

    @Test
    void pairsAreAFunctionOfSeedAndIndex() {
        DigitStrings a = new DigitStrings(Task.REVERSE, 1, 9, 100, 7);
        DigitStrings b = new DigitStrings(Task.REVERSE, 1, 9, 300, 7);
        DigitStrings other = new DigitStrings(Task.REVERSE, 1, 9, 100, 8);
        int differ = 0;
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(a.pair(i).source(), b.pair(i).source(), "pair " + i + " depends on the set's size");
            differ += Arrays.equals(a.pair(i).source(), other.pair(i).source()) ? 0 : 1;
        }
        assertTrue(differ > 80, "another seed gives other strings: only " + differ + " of 100 differ");
    }

    @Test
    void reverseAndSortTargetsAreTheSourceReversedAndSorted() {
        DigitStrings rev = new DigitStrings(Task.REVERSE, 2, 6, 500, 1);
        DigitStrings sort = new DigitStrings(Task.SORT, 2, 6, 500, 1);
        Set<Integer> lengths = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String s = DigitStrings.text(rev.pair(i).source());
            assertEquals(new StringBuilder(s).reverse().toString(), DigitStrings.text(rev.pair(i).target()), s);
            char[] sorted = DigitStrings.text(sort.pair(i).source()).toCharArray();
            Arrays.sort(sorted);
            assertEquals(new String(sorted), DigitStrings.text(sort.pair(i).target()));
            assertEquals(s, DigitStrings.text(sort.pair(i).source()), "the same strings for the same seed");
            lengths.add(s.length());
        }
        assertEquals(Set.of(2, 3, 4, 5, 6), lengths, "every length in [2, 6] occurs, no other");
    }

    @Test
    void addTargetsAreTheSumsOfTheWrittenNumbers() {
        DigitStrings add = new DigitStrings(Task.ADD, 1, 18, 400, 3);
        int carriedIntoANewDigit = 0;
        for (int i = 0; i < 400; i++) {
            String s = DigitStrings.text(add.pair(i).source());
            String[] parts = s.split("\\+");
            assertEquals(2, parts.length, s);
            for (String p : parts) {
                assertTrue(p.length() == 1 || p.charAt(0) != '0', "no leading zero: " + s);
                assertTrue(p.length() >= 1 && p.length() <= 18, s);
            }
            BigInteger sum = new BigInteger(parts[0]).add(new BigInteger(parts[1]));
            String t = DigitStrings.text(add.pair(i).target());
            assertEquals(sum.toString(), t, s);
            assertTrue(t.length() <= add.maxTargetLength());
            carriedIntoANewDigit += t.length() > Math.max(parts[0].length(), parts[1].length()) ? 1 : 0;
        }
        assertTrue(carriedIntoANewDigit > 0, "some sums are longer than both numbers");
    }

    @Test
    void accuracyCountsExactStringsAndTokensOverTheLongerOfEachPair() {
        int[][] truth = {{1, 2, 3}, {4, 5}, {6}};
        int[][] decoded = {{1, 2, 3}, {4, 9, 9}, {}};
        DigitStrings.Accuracy a = DigitStrings.score(decoded, truth);
        assertEquals(1.0 / 3, a.sequence(), 1e-12);
        // correct tokens: 3 + 1 + 0 over 3 + 3 + 1 positions
        assertEquals(4.0 / 7, a.token(), 1e-12);
        assertEquals(new DigitStrings.Accuracy(1, 1), DigitStrings.score(truth, truth));
    }

    @Test
    void badSettingsAreRefusedWithTheirValues() {
        String msg = assertThrows(IllegalArgumentException.class, () -> new DigitStrings(Task.SORT, 3, 2, 5, 1))
                .getMessage();
        assertTrue(msg.contains("min 3") && msg.contains("max 2"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> new DigitStrings(Task.ADD, 1, 19, 5, 1)).getMessage();
        assertTrue(msg.contains("19"), msg);
        msg = assertThrows(IllegalArgumentException.class, () -> Task.named("copy")).getMessage();
        assertTrue(msg.contains("'copy'") && msg.contains("reverse, sort or add"), msg);
        assertEquals(Task.ADD, Task.named(" Add"));
        assertNotEquals(Task.SORT, Task.named("reverse"));
    }
}
