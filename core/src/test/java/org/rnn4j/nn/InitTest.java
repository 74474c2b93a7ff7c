package org.rnn4j.nn;

import org.junit.jupiter.api.Test;
import org.rnn4j.param.ParamView;
import org.rnn4j.param.Parameters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitTest {

    static Parameters params(CellSpec cell, Init init, long seed) {
        return Recurrent.builder().cell(cell).inputSize(5).hiddenSize(8).numLayers(2).bidirectional(true)
                .init(init).seed(seed).build().parameters();
    }

    @Test
    void pytorchInitDrawsEveryParameterFromPlusMinusOneOverSqrtH() {
        Parameters p = params(CellSpec.lstm().withPeepholes(true).withProjSize(3), Init.PYTORCH, 1);
        double k = 1 / Math.sqrt(8);
        double maxAbs = 0;
        for (float v : p.values()) {
            assertTrue(Math.abs(v) <= k, "value " + v + " outside ±" + k);
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        assertTrue(maxAbs > 0.9 * k, "values should spread over the range, max |w| = " + maxAbs);
    }

    @Test
    void sameSeedGivesSameParametersAndAnotherSeedDifferentOnes() {
        assertArrayEquals(params(CellSpec.gru(), Init.PYTORCH, 7).values(), params(CellSpec.gru(), Init.PYTORCH, 7).values());
        assertFalse(java.util.Arrays.equals(params(CellSpec.gru(), Init.PYTORCH, 7).values(),
                params(CellSpec.gru(), Init.PYTORCH, 8).values()));
    }

    @Test
    void identityInitGivesTheIrnnOfLeJaitlyAndHinton() {
        Parameters p = params(CellSpec.rnnRelu(), Init.IDENTITY, 3);
        float[] whh = p.get("weight_hh_l1_reverse");
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                assertEquals(i == j ? 1f : 0f, whh[i * 8 + j], "W_hh[" + i + "," + j + "]");
            }
        }
        for (float v : p.get("bias_ih_l0")) {
            assertEquals(0f, v);
        }
        float[] wih = p.get("weight_ih_l0");
        double sumSq = 0;
        for (float v : wih) {
            sumSq += v * v;
        }
        double std = Math.sqrt(sumSq / wih.length);
        assertTrue(std > 0.0005 && std < 0.002, "W_ih std " + std + " should be about 0.001");
    }

    @Test
    void glorotOrthogonalInitHasOrthonormalRecurrentBlocksAndForgetBiasOne() {
        Parameters p = params(CellSpec.lstm(), Init.GLOROT_ORTHOGONAL, 4);
        float[] whh = p.get("weight_hh_l0");   // (4·8, 8): four square gate blocks
        for (int g = 0; g < 4; g++) {
            for (int a = 0; a < 8; a++) {
                for (int b = 0; b < 8; b++) {
                    double dot = 0;
                    for (int j = 0; j < 8; j++) {
                        dot += whh[(g * 8 + a) * 8 + j] * whh[(g * 8 + b) * 8 + j];
                    }
                    assertEquals(a == b ? 1.0 : 0.0, dot, 1e-5, "gate " + g + " rows " + a + "," + b);
                }
            }
        }
        float[] bih = p.get("bias_ih_l0");
        float[] bhh = p.get("bias_hh_l0");
        for (int j = 0; j < 32; j++) {
            boolean forget = j >= 8 && j < 16;
            assertEquals(forget ? 1f : 0f, bih[j] + bhh[j], "bias sum at " + j);
        }
        double limit = Math.sqrt(6.0 / (32 + 5));
        for (float v : p.get("weight_ih_l0")) {
            assertTrue(Math.abs(v) <= limit);
        }
    }

    @Test
    void forgetBiasOptionSetsTheForgetRowsOfEveryLstmLayer() {
        Parameters p = Recurrent.builder().cell(CellSpec.lstm().withCifg(true)).inputSize(5).hiddenSize(8)
                .numLayers(2).bidirectional(true).forgetBias(1f).seed(2).build().parameters();
        for (String suffix : new String[]{"_l0", "_l0_reverse", "_l1", "_l1_reverse"}) {
            float[] bih = p.get("bias_ih" + suffix);
            float[] bhh = p.get("bias_hh" + suffix);
            for (int j = 0; j < 8; j++) {   // with CIFG the gates are f, g, o: f comes first
                assertEquals(1f, bih[j] + bhh[j], "forget bias " + suffix + "[" + j + "]");
            }
            assertTrue(bih[8] != 1f || bih[9] != 1f, "other gates keep their random bias");
        }
        String m = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Recurrent.builder().cell(CellSpec.gru()).inputSize(5).hiddenSize(8).forgetBias(1f).build()).getMessage();
        assertTrue(m.contains("LSTM cells only"), m);
    }

    @Test
    void parameterNamesAndShapesFollowPyTorch() {
        Parameters p = params(CellSpec.lstm().withProjSize(3), Init.PYTORCH, 1);
        StringBuilder sb = new StringBuilder();
        for (ParamView v : p.layout().views()) {
            sb.append(v.name()).append(java.util.Arrays.toString(v.shape())).append(' ');
        }
        assertEquals("weight_ih_l0[32, 5] weight_hh_l0[32, 3] bias_ih_l0[32] bias_hh_l0[32] weight_hr_l0[3, 8] "
                + "weight_ih_l0_reverse[32, 5] weight_hh_l0_reverse[32, 3] bias_ih_l0_reverse[32] bias_hh_l0_reverse[32] weight_hr_l0_reverse[3, 8] "
                + "weight_ih_l1[32, 6] weight_hh_l1[32, 3] bias_ih_l1[32] bias_hh_l1[32] weight_hr_l1[3, 8] "
                + "weight_ih_l1_reverse[32, 6] weight_hh_l1_reverse[32, 3] bias_ih_l1_reverse[32] bias_hh_l1_reverse[32] weight_hr_l1_reverse[3, 8] ",
                sb.toString());
    }
}
