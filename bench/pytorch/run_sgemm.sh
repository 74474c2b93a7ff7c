#!/bin/sh
# OpenBLAS sgemm at the kernels' shapes: bench/pytorch/run_sgemm.sh [--threads 2] [--out F.json]
exec "$(dirname "$0")/openblas-python" "$(dirname "$0")/sgemm_shapes.py" "$@"
