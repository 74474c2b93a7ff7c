#!/bin/sh
# PyTorch nn.LSTMCell at batch 1 with OpenBLAS: bench/pytorch/run_stream.sh [--threads 2] [--out F.json]
exec "$(dirname "$0")/openblas-python" "$(dirname "$0")/lstmcell_stream.py" "$@"
