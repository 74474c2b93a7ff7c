#!/bin/sh
# sgemm_shapes.py with OpenBLAS, reusing the OpenBLAS that ../shared/anchors/pytorch/run_openblas.sh unpacks
# (the .deb is only unpacked, nothing installed), with Debian's python3-torch (/usr/bin/python3; PYTHON= overrides). Usage: bench/pytorch/run_sgemm.sh [--threads 2] [--out F.json]
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ANCHORS="${RNN4J_ANCHORS:-$HERE/../../../shared/anchors}/pytorch"
V="${OPENBLAS_VARIANT:-openmp}"
D="$ANCHORS/openblas/root/usr/lib/x86_64-linux-gnu/openblas-$V"
if [ ! -e "$D/libblas.so.3" ]; then
  mkdir -p "$ANCHORS/openblas" && cd "$ANCHORS/openblas"
  apt-get download "libopenblas0-$V"
  dpkg -x libopenblas0-"$V"_*.deb root
  cd - >/dev/null
fi
export LD_LIBRARY_PATH="$D${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec "${PYTHON:-/usr/bin/python3}" "$HERE/sgemm_shapes.py" "$@"
