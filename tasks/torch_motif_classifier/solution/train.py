"""A small 1-D CNN that finds the motif anywhere in a sequence of any length.

Embedding -> Conv1d (width 3, the motif's length) -> ReLU -> max over positions, with padding
masked out -> a linear layer to one logit. Max pooling makes the output independent of where
the motif is and of the sequence's length, so it works on test sequences longer than any in
training. Saved as TorchScript, so it loads without this file.
"""

import torch
from torch import nn

torch.manual_seed(0)
torch.set_num_threads(1)


def load(path):
    labels, seqs = [], []
    with open(path) as f:
        next(f)
        for line in f:
            label, events = line.strip().split(",")
            labels.append(float(label))
            seqs.append([int(v) for v in events.split()])
    return seqs, torch.tensor(labels)


def pad(seqs):
    out = torch.zeros(len(seqs), max(len(s) for s in seqs), dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = torch.tensor(s)
    return out


class MotifCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(21, 16, padding_idx=0)
        self.conv = nn.Conv1d(16, 32, kernel_size=3, padding=1)
        self.out = nn.Linear(32, 1)

    def forward(self, events: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.conv(self.embed(events).transpose(1, 2)))  # (batch, 32, length)
        h = h.masked_fill((events == 0).unsqueeze(1), 0.0)  # padding never fires (ReLU output >= 0)
        return self.out(h.max(dim=2).values).squeeze(1)


def accuracy(model, seqs, labels):
    with torch.no_grad():
        return float(((model(pad(seqs)) > 0).float() == labels).float().mean())


train_seqs, train_y = load("data/train.csv")
val_seqs, val_y = load("data/val.csv")
model = MotifCNN()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(12):
    order = torch.randperm(len(train_seqs))
    for start in range(0, len(order), 64):
        idx = order[start : start + 64].tolist()
        optimizer.zero_grad()
        loss = loss_fn(model(pad([train_seqs[i] for i in idx])), train_y[idx])
        loss.backward()
        optimizer.step()
    val = accuracy(model, val_seqs, val_y)
    print(f"epoch {epoch + 1}: validation accuracy {val:.4f}")
    if val >= 0.995 and epoch >= 1:
        break
model.eval()
torch.jit.save(torch.jit.script(model), "model/model.pt")
