package org.rnn4j.experiments;

import org.junit.jupiter.api.Test;
import org.rnn4j.nn.CellSpec;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matched parameter counts of the acoustic experiment's models, and its table. */
class AcousticExperimentTest {

    @Test
    void eachModelsShapeCountsTheParametersOfTheBuiltModelAndFitsTheBudget() {
        for (int budget : new int[] {40_000, 120_000}) {
            for (String model : AcousticExperiment.MODELS) {
                AcousticExperiment.Shape s = AcousticExperiment.Shape.within(model, budget, 40, 40);
                CellSpec cell = s.proj() > 0 ? CellSpec.lstm().withProjSize(s.proj()) : CellSpec.lstm();
                SequenceModel net = SequenceModel.builder().inputSize(40).cell(cell).hiddenSize(s.cells())
                        .numLayers(s.layers()).head(Head.EVERY_STEP).outputSize(40).build();
                assertEquals(net.parameters().size(), s.parameters(40, 40), model + " " + s);
                assertTrue(s.parameters(40, 40) <= budget, model + " " + s + " exceeds " + budget);
                // matched: within 10 % of the budget (the next size up, 2 more cells, would exceed it)
                assertTrue(s.parameters(40, 40) > 0.9 * budget, model + " " + s + " is far below " + budget);
            }
        }
    }

    @Test
    void theTableHasARowPerModelWithMeanAndStdAndTheMajorityRate() {
        List<RunResult> runs = List.of(result("lstm", 1, 0.50, 0.40), result("lstm", 2, 0.52, 0.42),
                result("lstmp", 1, 0.55, 0.45), result("lstmp", 2, 0.55, 0.43));
        String table = AcousticExperiment.table(runs, List.of("lstm", "lstmp"), 0.158);
        assertTrue(table.contains("| lstm | 76 cells | 39000 | 51.00 ± 1.41 % | 41.00 ± 1.41 % |"), table);
        assertTrue(table.contains("| lstmp | 76 cells | 39000 | 55.00 ± 0.00 % | 44.00 ± 1.41 % |"), table);
        assertTrue(table.contains("majority class (silence) on the held-out voices: 15.80 %"), table);
        String cmp = AcousticExperiment.comparison(runs, List.of("lstm", "lstmp"));
        assertTrue(cmp.contains("lstmp against lstm at equal parameters: +4.00 points (better"), cmp);
    }

    private static RunResult result(String model, long seed, double accuracy, double other) {
        return new RunResult(new RunId(model, "frames", seed), List.of(accuracy), accuracy, 1, 10, 0,
                Map.of("parameters", 39000L, "shape", "76 cells", "other_synth_accuracy", other));
    }
}
