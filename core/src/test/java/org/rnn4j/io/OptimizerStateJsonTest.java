package org.rnn4j.io;

import org.junit.jupiter.api.Test;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Sgd;
import org.rnn4j.param.Parameters;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An optimizer's state through JSON text and back continues bit for bit; another optimizer's state and damaged
 * arrays are refused.
 */
class OptimizerStateJsonTest {

    private static Parameters vector() {
        org.rnn4j.param.ParamLayout.Builder b = org.rnn4j.param.ParamLayout.builder();
        b.add("w", 7);
        return new Parameters(b.build());
    }

    private static Parameters params(Adam adam, int steps) {
        Parameters p = vector();
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < 7; i++) {
                p.grads()[i] = (float) Math.sin(3 * s + i) * 1e-3f * (i + 1);   // varied magnitudes: exactness matters
            }
            adam.step(p);
        }
        return p;
    }

    @Test
    void adamsStateThroughJsonTextContinuesBitForBit() {
        Adam a = new Adam(0.01f);
        Parameters p = params(a, 5);
        Adam b = new Adam(0.01f);
        OptimizerStateJson.restore(b, Json.parse(Json.write(OptimizerStateJson.of(a))));
        assertEquals(a.steps(), b.steps());
        Parameters q = vector();
        System.arraycopy(p.values(), 0, q.values(), 0, 7);
        for (int i = 0; i < 7; i++) {
            p.grads()[i] = q.grads()[i] = 0.25f * i - 0.5f;
        }
        a.step(p);
        b.step(q);
        assertArrayEquals(p.values(), q.values());
        for (Map.Entry<String, float[]> e : a.state().entrySet()) {
            assertArrayEquals(e.getValue(), b.state().get(e.getKey()), e.getKey());
        }
    }

    @Test
    void anotherOptimizersStateOrDamagedArraysAreRefused() {
        Adam a = new Adam(0.01f);
        params(a, 2);
        Map<String, Object> json = OptimizerStateJson.of(a);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerStateJson.restore(new Sgd(0.1f), json))
                .getMessage().contains("adam optimizer, not sgd"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerStateJson.floats("AAA="))
                .getMessage().contains("not a multiple of 4"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerStateJson.floats("@@"))
                .getMessage().contains("not valid base64"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerStateJson.restore(new Adam(0.1f), "x"))
                .getMessage().contains("missing or damaged"));
    }
}
