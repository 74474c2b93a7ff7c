package org.rnn4j.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.ModelFile;
import org.rnn4j.io.ModelFileException;
import org.rnn4j.io.Provenance;
import org.rnn4j.nn.Head;
import org.rnn4j.nn.SequenceModel;
import org.rnn4j.optim.Adam;
import org.rnn4j.optim.Sgd;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void aRunResumedFromACheckpointFileEndsWithTheParametersOfTheUninterruptedRun() throws Exception {
        ArrayDataset data = TrainerTest.perStepData(3);
        TrainConfig cfg = TrainerTest.config().epochs(3).patience(5).build();
        SequenceModel straight = TrainerTest.model(Head.EVERY_STEP, 1);
        new Trainer(cfg, new Adam(0.01f)).fit(straight, data, TrainerTest.perStepData(4), null);

        Path file = dir.resolve("ckpt.rnn4j");
        SequenceModel first = TrainerTest.model(Head.EVERY_STEP, 1);
        Trainer firstTrainer = new Trainer(cfg, new Adam(0.01f));
        firstTrainer.fit(first, data, TrainerTest.perStepData(4), new TrainListener() {
            @Override
            public void onStep(StepRecord step, Trainer.Progress progress) {
                if (step.step() == 5) {   // in the middle of epoch 2 (3 batches per epoch)
                    try {
                        Checkpoint.save(file, first, firstTrainer, Provenance.current(9, "test"), Map.of("args", List.of("x")));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    firstTrainer.requestStop();
                }
            }
        });

        Checkpoint c = Checkpoint.load(file, null);
        assertEquals(5, c.progress().step());
        assertEquals(1, c.progress().epoch());
        assertEquals("adam", c.optimizerName());
        assertEquals(List.of("x"), c.run().get("args"));
        SequenceModel resumed = TrainerTest.model(Head.EVERY_STEP, 1);
        Adam opt = new Adam(0.01f);
        Trainer trainer = new Trainer(cfg, opt);
        c.restoreInto(resumed, opt, trainer);
        trainer.fit(resumed, data, TrainerTest.perStepData(4), null);
        assertArrayEquals(straight.parameters().values(), resumed.parameters().values());
    }

    @Test
    void aCheckpointRefusesAnotherOptimizerAndAPlainModelFileIsNotACheckpoint() throws Exception {
        SequenceModel m = TrainerTest.model(Head.EVERY_STEP, 1);
        Trainer t = new Trainer(TrainerTest.config().build(), new Adam(0.01f));
        t.fit(m, TrainerTest.perStepData(1), null, null);
        Path file = dir.resolve("c.rnn4j");
        Checkpoint.save(file, m, t, Provenance.current(1, "test"), Map.of());
        Checkpoint c = Checkpoint.load(file, null);
        String msg = assertThrows(IllegalArgumentException.class, () -> c.restoreInto(TrainerTest.model(Head.EVERY_STEP, 1),
                new Sgd(0.1f), new Trainer(TrainerTest.config().build(), new Sgd(0.1f)))).getMessage();
        assertTrue(msg.contains("trained with adam, not sgd"), msg);

        Path model = dir.resolve("m.rnn4j");
        ModelFile.save(model, m, Provenance.current(1, "test"));
        msg = assertThrows(ModelFileException.class, () -> Checkpoint.load(model, null)).getMessage();
        assertTrue(msg.contains("not a training checkpoint"), msg);
        // a checkpoint is still a model file: it loads as a model
        assertArrayEquals(m.parameters().values(), ModelFile.load(file, null).model().parameters().values());
    }
}
