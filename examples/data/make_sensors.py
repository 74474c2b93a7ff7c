#!/usr/bin/env python3
"""Writes sensors.csv, a small example of long-format sequence data for `rnn4j train --data`.

Each sequence is a sensor sampled at irregular times: `level` drifts up or down by 0.25 per second under noise, and
`temp` is a noisy reading around 300 that carries no information. The label is the direction of the drift, `rising`
or `falling`. Lengths vary from 8 to 24 steps. Plain Python, no packages: python3 make_sensors.py [N] [SEED] > sensors.csv
"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
print("id,time,level,temp,label")
for i in range(n):
    steps = rng.randint(8, 24)
    t = rng.uniform(0, 5)
    level = rng.gauss(0, 1)
    drift = rng.choice([-0.25, 0.25])
    rows = []
    for _ in range(steps):
        rows.append((t, level, 300 + rng.gauss(0, 10)))
        dt = rng.expovariate(1.0)
        t += dt
        level += drift * dt + rng.gauss(0, 0.3)
    label = "rising" if drift > 0 else "falling"
    for t, level, temp in rows:
        print(f"s{i:04d},{t:.3f},{level:.4f},{temp:.2f},{label}")
