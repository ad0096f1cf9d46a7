#!/usr/bin/env bash
# Reference solution: embedding, a width-3 convolution, masked max pooling over positions, saved as TorchScript.
set -euo pipefail
cd /workspace
mkdir -p model
cp "$(dirname "$0")/train.py" train_cnn.py
python3 train_cnn.py
