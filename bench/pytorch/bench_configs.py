"""PyTorch on the configs A-E of `rnn4j bench`, measured the way `rnn4j bench` measures rnn4j, and written in the
form that `rnn4j bench --compare FILE.json` reads.

Run it with OpenBLAS, as bench/pytorch/run_configs.sh does:

    bench/pytorch/run_configs.sh --configs A,B,C,D,E --iters 20 --warmup 5 --out /tmp/pt.json
    ./rnn4j bench --compare /tmp/pt.json

Started directly by Debian's /usr/bin/python3, torch multiplies through the reference BLAS, several times slower.

What is timed, per config (docs/performance.md, "The configurations"): one model = the recurrent network plus
Linear(R -> 1) on the last step (rnn4j's SequenceModel with Head.LAST_STEP and one output), one batch (B, T, I)
of standard normal inputs and a standard normal target (B, 1), weights and data from torch.manual_seed(0).

  infer  forward of the network and the head on the whole batch, under torch.no_grad(), in eval mode;
  train  zero_grad(set_to_none=True), forward, mse_loss against the target, backward (full BPTT), Adam(lr=1e-3).

Each is called --warmup times untimed, then --iters times, each call timed on its own; the JSON gives the median
(the mean of the two middle times for an even count), the fastest and the slowest. There is no warm-up time as
in rnn4j: PyTorch has no JIT to wait for. Threads: torch.set_num_threads(--threads), default 2; OpenBLAS's
OpenMP build shares torch's OpenMP threads.

The JSON uses the key names of `rnn4j bench --json` (and of the anchors' bench_rnn.py, which `--compare` also
reads): "env" (torch, torch_threads, BLAS build setting and the BLAS libraries loaded, openblas with its core
when OpenBLAS is loaded and null otherwise, date), "settings", and "rnn", one entry per config with "config",
"desc", the sizes, "fwd_gflop", "n_params" and "infer"/"train" with "median_ms", "min_ms", "max_ms", "iters",
"warmup", "samples_per_s", "gflops" and "us_per_tb".
"""
import argparse
import ctypes
import datetime
import gc
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections import namedtuple

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit(f"bench_configs.py: torch cannot be imported by {sys.executable}; install Debian's PyTorch"
             " (apt-get install python3-torch) and run this script with /usr/bin/python3, or through"
             " bench/pytorch/run_configs.sh")

SEED = 0

# cell: "LSTM", "GRU" or "RNN" (tanh); I input, H hidden, P projection (0: none), L layers, B batch, T steps
Config = namedtuple("Config", "name cell I H P L B T desc")

# the same sizes and descriptions as rnn4j's BenchConfig.ANCHORS
CONFIGS = {c.name: c for c in (
    Config("A", "LSTM", 64, 256, 0, 1, 32, 100, "LSTM I64 H256 B32 T100"),
    Config("B", "GRU", 64, 256, 0, 1, 32, 100, "GRU I64 H256 B32 T100"),
    Config("C", "LSTM", 64, 512, 128, 1, 32, 100, "LSTMP I64 H512 P128 B32 T100"),
    Config("D", "LSTM", 32, 128, 0, 2, 64, 200, "2-layer LSTM I32 H128 B64 T200"),
    Config("E", "RNN", 64, 256, 0, 1, 32, 100, "RNN-tanh I64 H256 B32 T100"),
)}

# gate blocks of H rows in the weight matrices
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def forward_flops(c):
    """FLOP of one forward pass, the FLOP model of docs/performance.md: matrix products only, 2 per
    multiply-add; per step and layer 2*B*(I_l + R)*G*H, plus 2*B*H*P for a projection."""
    r = c.P or c.H
    per_step = 0
    for layer in range(c.L):
        layer_input = c.I if layer == 0 else r
        per_step += 2 * c.B * (layer_input + r) * GATES[c.cell] * c.H
        if c.P:
            per_step += 2 * c.B * c.H * c.P
    return per_step * c.T


class LastStep(torch.nn.Module):
    """The recurrent network of a config and Linear(R -> 1) on its last step: (B, T, I) -> (B, 1)."""

    def __init__(self, c):
        super().__init__()
        sizes = dict(input_size=c.I, hidden_size=c.H, num_layers=c.L, batch_first=True)
        if c.cell == "LSTM":
            self.rnn = torch.nn.LSTM(proj_size=c.P, **sizes)
        elif c.cell == "GRU":
            self.rnn = torch.nn.GRU(**sizes)
        else:
            self.rnn = torch.nn.RNN(nonlinearity="tanh", **sizes)
        self.head = torch.nn.Linear(c.P or c.H, 1)

    def forward(self, x):
        out, _ = self.rnn(x)            # (B, T, R)
        return self.head(out[:, -1])    # (B, 1)


def timed(call, warmup, iters):
    """Calls `call` warmup times untimed, then iters times; returns the iters times in nanoseconds."""
    for _ in range(warmup):
        call()
    gc.collect()   # as rnn4j collects its warm-up garbage before the timed calls
    ns = []
    for _ in range(iters):
        t0 = time.perf_counter_ns()
        call()
        ns.append(time.perf_counter_ns() - t0)
    return ns


def summary(ns, warmup, flops, steps_times_batch):
    median = statistics.median(ns)
    return {
        "median_ms": median / 1e6,
        "min_ms": min(ns) / 1e6,
        "max_ms": max(ns) / 1e6,
        "iters": len(ns),
        "warmup": warmup,
        "samples_per_s": steps_times_batch / median * 1e9,
        "gflops": flops / median,
        "us_per_tb": median / 1e3 / steps_times_batch,
    }


def measure(c, warmup, iters):
    """Inference, then training steps, on one model: the entry of one config in "rnn"."""
    torch.manual_seed(SEED)
    model = LastStep(c)
    x = torch.randn(c.B, c.T, c.I)
    target = torch.randn(c.B, 1)
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)

    def infer():
        with torch.no_grad():
            model(x)

    def train_step():
        adam.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(x), target)
        loss.backward()
        adam.step()

    flops = forward_flops(c)
    tb = c.T * c.B
    model.eval()
    infer_ns = timed(infer, warmup, iters)
    model.train()
    train_ns = timed(train_step, warmup, iters)
    return {
        "config": c.name, "desc": c.desc, "cell": c.cell, "I": c.I, "H": c.H, "P": c.P, "L": c.L, "B": c.B,
        "T": c.T, "fwd_gflop": flops / 1e9,
        "infer": summary(infer_ns, warmup, flops, tb),
        "train": summary(train_ns, warmup, 3 * flops, tb),
        "n_params": sum(p.numel() for p in model.parameters()),
    }


def blas_libraries():
    """The BLAS and LAPACK libraries mapped into this process, resolved to their files."""
    found = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and any(s in os.path.basename(fields[5]) for s in ("blas", "lapack")):
                found.add(os.path.realpath(fields[5]))
    return sorted(found)


def openblas(libraries):
    """OpenBLAS's build and the core it chose, when an OpenBLAS library is loaded; None otherwise."""
    for path in libraries:
        if "openblas" not in path:
            continue
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
        except (OSError, AttributeError):
            continue   # e.g. its LAPACK, which has no such functions
        return {"library": path, "config": lib.openblas_get_config().decode(),
                "core": lib.openblas_get_corename().decode(), "threads": lib.openblas_get_num_threads()}
    return None


def build_setting(name):
    """A setting of torch's build from torch.__config__.show(), e.g. BLAS_INFO -> "generic"."""
    found = re.search(r"\b" + name + r"=([^,\s]*)", torch.__config__.show())
    return found.group(1) if found else None


def environment(threads):
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))   # so that the BLAS is loaded before /proc/self/maps is read
    libraries = blas_libraries()
    return {
        "tool": "bench/pytorch/bench_configs.py",
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "threads_asked": threads,
        "blas_info": build_setting("BLAS_INFO"),
        "blas_libraries": libraries,
        "openblas": openblas(libraries),
        "python": platform.python_version(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def selected(text):
    """The configs named in --configs, in its order, each once; exits with a sentence on an unknown name."""
    chosen = []
    for part in text.split(","):
        name = part.strip().upper()
        if name not in CONFIGS:
            what = f"unknown config '{part.strip()}'" if name else f"an empty config name in '{text}'"
            sys.exit(f"bench_configs.py: {what} in --configs; the configs are {', '.join(CONFIGS)}")
        if CONFIGS[name] not in chosen:
            chosen.append(CONFIGS[name])
    return chosen


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".bench_configs.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main():
    p = argparse.ArgumentParser(description="PyTorch on rnn4j bench's configs A-E, for rnn4j bench --compare.")
    p.add_argument("--configs", default=",".join(CONFIGS), metavar="LIST",
                   help="comma-separated configs, e.g. A,C (default: %(default)s)")
    p.add_argument("--iters", type=int, default=20, metavar="N", help="timed calls per measurement (default 20)")
    p.add_argument("--warmup", type=int, default=5, metavar="N", help="untimed calls before them (default 5)")
    p.add_argument("--threads", type=int, default=2, metavar="N", help="torch.set_num_threads (default 2)")
    p.add_argument("--out", metavar="FILE.json", help="write the results here, for rnn4j bench --compare")
    a = p.parse_args()
    # everything that can be wrong is checked before the first measurement
    configs = selected(a.configs)
    if a.iters < 1:
        sys.exit(f"bench_configs.py: --iters must be at least 1, got {a.iters}")
    if a.warmup < 0:
        sys.exit(f"bench_configs.py: --warmup must be at least 0, got {a.warmup}")
    if a.threads < 1:
        sys.exit(f"bench_configs.py: --threads must be at least 1, got {a.threads}")
    if a.out and not os.path.isdir(os.path.dirname(os.path.abspath(a.out))):
        sys.exit(f"bench_configs.py: cannot write --out {a.out}: its directory does not exist")

    torch.set_num_threads(a.threads)
    env = environment(a.threads)
    blas = f"OpenBLAS {env['openblas']['core']}" if env["openblas"] else "no OpenBLAS loaded (reference BLAS?)"
    print(f"torch {env['torch']}, {env['torch_threads']} threads, build BLAS_INFO={env['blas_info']}, {blas};"
          f" BLAS libraries: {', '.join(env['blas_libraries']) or 'none found'}")
    print(f"median of {a.iters} timed calls after {a.warmup} warm-up calls, one batch per call; infer = forward +"
          " Linear on the last step under no_grad; train = zero_grad + forward + MSE + backward + Adam step")
    results = []
    for c in configs:
        r = measure(c, a.warmup, a.iters)
        results.append(r)
        print(f"{c.name}: infer {r['infer']['median_ms']:.2f} ms, train {r['train']['median_ms']:.2f} ms",
              flush=True)

    row = "{:<4} {:<31} {:>10} {:>10} {:>14} {:>10} {:>14}"
    print()
    print(row.format("cfg", "description", "GFLOP fwd", "infer ms", "infer GFLOP/s", "train ms", "train GFLOP/s"))
    for r in results:
        print(row.format(r["config"], r["desc"], f"{r['fwd_gflop']:.3f}", f"{r['infer']['median_ms']:.2f}",
                         f"{r['infer']['gflops']:.1f}", f"{r['train']['median_ms']:.2f}",
                         f"{r['train']['gflops']:.1f}"))
    if a.out:
        report = {"env": env, "settings": {"iters": a.iters, "warmup": a.warmup, "seed": SEED}, "rnn": results}
        write_atomically(a.out, json.dumps(report, indent=1) + "\n")
        print()
        print("wrote", a.out)


if __name__ == "__main__":
    main()
