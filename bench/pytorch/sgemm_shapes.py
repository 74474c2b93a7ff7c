"""OpenBLAS sgemm through torch.mm at the shapes of rnn4j's MatmulBench (config A's LSTM products and
256x1024x1024), the peer numbers for the kernels. GFLOP/s = 2*m*n*k / median time. Prints one JSON object.

Run it with OpenBLAS (bench/pytorch/run_sgemm.sh does), never with Debian's reference BLAS."""
import argparse
import json
import statistics
import time

import torch

# name: (m, n, k, how C is formed from stored operands)
SHAPES = {
    "RECURRENT_STEP": (32, 1024, 256, "A.Bt"),        # gates += h . W_hh^T
    "RECURRENT_STEP_BACKWARD": (32, 256, 1024, "A.B"),  # dh += dG . W_hh
    "INPUT_PROJECTION": (3200, 1024, 64, "A.Bt"),      # gates += x . W_ih^T, all steps
    "WEIGHT_GRADIENT": (1024, 256, 3200, "At.B"),      # dW_hh += dG^T . H
    "MULT_ADD_256x1024x1024": (256, 1024, 1024, "A.B"),
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=2.0, help="timed seconds per shape")
    p.add_argument("--out")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    result = {"torch": torch.__version__, "threads": a.threads, "gflops": {}}
    for name, (m, n, k, form) in SHAPES.items():
        if form == "A.Bt":
            x, w = torch.randn(m, k), torch.randn(n, k)
            f = lambda: torch.mm(x, w.t())
        elif form == "At.B":
            x, w = torch.randn(k, m), torch.randn(k, n)
            f = lambda: torch.mm(x.t(), w)
        else:
            x, w = torch.randn(m, k), torch.randn(k, n)
            f = lambda: torch.mm(x, w)
        for _ in range(20):
            f()
        times = []
        end = time.perf_counter() + a.seconds
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            f()
            times.append(time.perf_counter() - t0)
        result["gflops"][name] = 2.0 * m * n * k / statistics.median(times) / 1e9
    text = json.dumps(result)
    print(text)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write(text + "\n")


if __name__ == "__main__":
    main()
