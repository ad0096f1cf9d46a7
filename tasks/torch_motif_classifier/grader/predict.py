"""Loads the agent's TorchScript model and classifies the sequences of a CSV.

A child of score.py, which keeps the labels. Sequences go in batches of 50, each padded with 0
to its longest sequence (batches mix lengths). Prints a JSON list of 0/1 predictions (logit > 0).
"""

import json
import sys

import torch

torch.set_num_threads(1)
model = torch.jit.load(sys.argv[1], map_location="cpu")
model.eval()
with open(sys.argv[2]) as f:
    seqs = [[int(v) for v in line.split()] for line in f if line.strip()]
predictions = []
with torch.no_grad():
    for start in range(0, len(seqs), 50):
        batch = seqs[start:start + 50]
        events = torch.zeros(len(batch), max(len(s) for s in batch), dtype=torch.long)
        for i, s in enumerate(batch):
            events[i, :len(s)] = torch.tensor(s)
        logits = model(events).reshape(-1)
        if logits.shape[0] != len(batch):
            sys.exit(f"the model returned {logits.shape[0]} logits for a batch of {len(batch)}")
        predictions += [int(v) for v in (logits > 0).tolist()]
print(json.dumps(predictions))
