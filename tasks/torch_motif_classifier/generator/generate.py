"""Generates torch_motif_classifier's data with a fixed seed.

Event sequences over 20 event types (ids 1..20; 0 is padding). A sequence is positive when it
contains the motif 7, 3, 11 as consecutive events. Every negative contains the same three
events too, scattered, and a third of negatives contain a near miss (11 3 7, 7 3 _ 11 or
7 _ 3 11), so counting events says nothing. Training and validation sequences are 20 to 60
events long; the grader's test sequences 60 to 200, so a model that only works at the training
lengths fails.

Writes workspace/data/{train,val}.csv and grader/test.csv (label, events as space-separated ids).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np

SEED = 31337
MOTIF = [7, 3, 11]
NEAR_MISSES = [[11, 3, 7], [7, 3, None, 11], [7, None, 3, 11], [3, 7, 11]]


def has_motif(seq):
    return any(seq[i:i + 3] == MOTIF for i in range(len(seq) - 2))


def sequence(rng, length, positive):
    while True:
        seq = [int(v) for v in rng.integers(1, 21, size=length)]
        if positive:
            at = int(rng.integers(0, length - 2))
            seq[at:at + 3] = MOTIF
        else:
            for token in MOTIF:  # the motif's events, scattered
                seq[int(rng.integers(0, length))] = token
            if rng.random() < 0.35:
                near = [t if t is not None else int(rng.integers(1, 21)) for t in NEAR_MISSES[int(rng.integers(0, 4))]]
                at = int(rng.integers(0, length - len(near) + 1))
                seq[at:at + len(near)] = near
        if has_motif(seq) == positive:
            return seq


def write(path, rng, n, low, high):
    with open(path, "w") as f:
        f.write("label,events\n")
        for _ in range(n):
            label = int(rng.random() < 0.5)
            seq = sequence(rng, int(rng.integers(low, high + 1)), bool(label))
            f.write(f"{label},{' '.join(map(str, seq))}\n")


def main():
    rng = np.random.default_rng(SEED)
    here = Path(__file__).resolve().parent.parent
    write(here / "workspace/data/train.csv", rng, 4000, 20, 60)
    write(here / "workspace/data/val.csv", rng, 1000, 20, 60)
    write(here / "grader/test.csv", rng, 2000, 60, 200)


if __name__ == "__main__":
    main()
