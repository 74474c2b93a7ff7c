#!/bin/sh
# PyTorch with OpenBLAS on rnn4j bench's configs A-E, for ./rnn4j bench --compare (docs/performance.md):
#   bench/pytorch/run_configs.sh [--configs A,B,C,D,E] [--iters 20] [--warmup 5] [--threads 2] [--out F.json]
exec "$(dirname "$0")/openblas-python" "$(dirname "$0")/bench_configs.py" "$@"
