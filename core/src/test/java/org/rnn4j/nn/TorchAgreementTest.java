package org.rnn4j.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.kernel.Compute;
import org.rnn4j.kernel.Kernels;
import org.rnn4j.param.ParamView;
import org.rnn4j.param.Parameters;
import org.rnn4j.tensor.Tensor;
import org.rnn4j.testutil.TorchFixture;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.testutil.Close.assertClose;

/**
 * Forward outputs, final states and every gradient agree with PyTorch's nn.RNN / nn.LSTM / nn.GRU on the
 * fixtures written by scripts/fixtures/make_torch_fixtures.py (loss = Σ y⊙Ry + Σ h_n⊙Rh + Σ c_n⊙Rc). Runs on
 * both kernel implementations.
 */
class TorchAgreementTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "rnn_tanh_1layer", "rnn_relu_2layer_bidir", "rnn_tanh_2layer_bidir_packed",
            "lstm_1layer", "lstm_2layer_bidir", "lstm_proj_1layer", "lstm_proj_2layer_bidir", "lstm_2layer_bidir_packed",
            "gru_1layer", "gru_2layer_bidir", "gru_1layer_packed"})
    void matchesPyTorchWithScalarKernels(String name) {
        check(name, Kernels.scalar());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rnn_relu_2layer_bidir", "lstm_proj_2layer_bidir", "lstm_2layer_bidir_packed", "gru_2layer_bidir"})
    void matchesPyTorchWithSelectedKernels(String name) {
        check(name, Kernels.select());
    }

    static Recurrent fromFixture(TorchFixture f, Compute cx) {
        String kind = f.config("kind");
        CellSpec cell = switch (kind) {
            case "RNN" -> f.config("nonlinearity").equals("relu") ? CellSpec.rnnRelu() : CellSpec.rnnTanh();
            case "LSTM" -> CellSpec.lstm().withProjSize(f.configInt("proj_size"));
            case "GRU" -> CellSpec.gru();
            default -> throw new IllegalArgumentException(kind);
        };
        Recurrent net = Recurrent.builder().cell(cell)
                .inputSize(f.configInt("input_size")).hiddenSize(f.configInt("hidden_size"))
                .numLayers(f.configInt("num_layers")).bidirectional(f.configBool("bidirectional"))
                .compute(cx).build();
        Parameters p = net.parameters();
        Set<String> ours = new HashSet<>();
        for (ParamView v : p.layout().views()) {
            ours.add(v.name());
            p.set(v.name(), f.tensor(v.name()));
            assertEquals(java.util.Arrays.toString(f.shape(v.name())), java.util.Arrays.toString(v.shape()),
                    "shape of " + v.name());
        }
        for (String t : f.tensorNames()) {
            if (t.startsWith("grad.weight") || t.startsWith("grad.bias")) {
                assertEquals(true, ours.contains(t.substring(5)), "PyTorch parameter " + t.substring(5) + " missing in rnn4j");
            }
        }
        return net;
    }

    private static Tensor tensor(TorchFixture f, String name) {
        return f.has(name) ? Tensor.of(f.tensor(name), f.shape(name)) : null;
    }

    private static void check(String name, Kernels kernels) {
        TorchFixture f = TorchFixture.load(name);
        Recurrent net = fromFixture(f, Compute.serial(kernels));
        Recurrent.Output out = net.forward(tensor(f, "x"), Sequences.of(f.lengths()), new State(tensor(f, "h0"),
                tensor(f, "c0")));
        double atol = 2e-6;
        double rtol = 1e-4;
        assertClose(name + " y", f.tensor("y"), out.output().data(), atol, rtol);
        assertClose(name + " h_n", f.tensor("h_n"), out.hN().data(), atol, rtol);
        if (f.has("c_n")) {
            assertClose(name + " c_n", f.tensor("c_n"), out.cN().data(), atol, rtol);
        }
        Recurrent.InputGrads in = net.backward(tensor(f, "Ry"), tensor(f, "Rh"), tensor(f, "Rc"));
        double gatol = 2e-5;
        double grtol = 5e-4;
        assertClose(name + " grad.x", f.tensor("grad.x"), in.dx().data(), gatol, grtol);
        assertClose(name + " grad.h0", f.tensor("grad.h0"), in.dh0().data(), gatol, grtol);
        if (f.has("grad.c0")) {
            assertClose(name + " grad.c0", f.tensor("grad.c0"), in.dc0().data(), gatol, grtol);
        }
        for (ParamView v : net.parameters().layout().views()) {
            assertClose(name + " grad." + v.name(), f.tensor("grad." + v.name()), net.parameters().grad(v.name()), gatol, grtol);
        }
    }
}
