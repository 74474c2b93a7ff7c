"""Batch-1 streaming latency of PyTorch's nn.LSTMCell (and of nn.LSTM fed one step per call), the peer
number for `rnn4j bench --streaming`: one step of an LSTM with I=64, H=256 per call, state carried over,
inference under torch.no_grad(). Prints one JSON object.

Run it with OpenBLAS (bench/pytorch/run_stream.sh does), never with Debian's reference BLAS."""
import argparse
import json
import statistics
import time

import torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input", type=int, default=64)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--steps", type=int, default=2000, help="steps per timed round")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    cell = torch.nn.LSTMCell(a.input, a.hidden).eval()
    lstm = torch.nn.LSTM(a.input, a.hidden, batch_first=True).eval()
    xs = torch.randn(a.steps, 1, a.input)

    def run_cell():
        h = torch.zeros(1, a.hidden)
        c = torch.zeros(1, a.hidden)
        start = time.perf_counter()
        for t in range(a.steps):
            h, c = cell(xs[t], (h, c))
        return (time.perf_counter() - start) / a.steps * 1e6

    def run_lstm():
        state = None
        start = time.perf_counter()
        for t in range(a.steps):
            _, state = lstm(xs[t].unsqueeze(0), state)
        return (time.perf_counter() - start) / a.steps * 1e6

    result = {"torch": torch.__version__, "threads": a.threads, "input": a.input, "hidden": a.hidden,
              }
    with torch.no_grad():
        for name, fn in (("lstmcell_us_per_step", run_cell), ("lstm_one_step_us_per_step", run_lstm)):
            fn()   # warm-up
            times = [fn() for _ in range(a.rounds)]
            result[name] = statistics.median(times)
            result[name.replace("us_per_step", "min_us")] = min(times)
    text = json.dumps(result)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
