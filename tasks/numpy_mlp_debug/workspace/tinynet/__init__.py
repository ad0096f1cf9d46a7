from .layers import Dense, ReLU, softmax, softmax_cross_entropy
from .model import MLP
from .train import train

__all__ = ["MLP", "Dense", "ReLU", "softmax", "softmax_cross_entropy", "train"]
