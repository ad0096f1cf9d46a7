"""The grader's own tests of tinynet: reference values are computed here, inputs are new."""

import numpy as np
import pytest

from tinynet import MLP, Dense, ReLU, softmax, softmax_cross_entropy, train

RNG = np.random.default_rng(60606)


def reference_ce(logits, y):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    grad = np.exp(logp)
    grad[np.arange(n), y] -= 1
    return -logp[np.arange(n), y].mean(), grad / n


def test_softmax_is_stable_for_large_logits():
    p = softmax(np.array([[1000.0, 0.0, -1000.0], [-800.0, -801.0, -799.0]]))
    assert np.all(np.isfinite(p))
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(p[0], [1.0, 0.0, 0.0])


def test_cross_entropy_value_and_gradient():
    logits = RNG.normal(0, 3, (7, 4))
    y = RNG.integers(0, 4, 7)
    loss, grad = softmax_cross_entropy(logits, y)
    want_loss, want_grad = reference_ce(logits, y)
    assert np.isclose(loss, want_loss)
    assert np.allclose(grad, want_grad)


def test_cross_entropy_is_stable_for_large_logits():
    logits = np.array([[900.0, -900.0], [-700.0, 700.0]])
    loss, grad = softmax_cross_entropy(logits, np.array([1, 1]))
    want_loss, want_grad = reference_ce(logits, np.array([1, 1]))
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    assert np.isclose(loss, want_loss) and np.allclose(grad, want_grad)


def test_dense_backward():
    layer = Dense(5, 3, np.random.default_rng(1))
    layer.W = RNG.normal(size=(5, 3))
    layer.b = RNG.normal(size=3)
    x = RNG.normal(size=(6, 5))
    out = layer.forward(x)
    assert np.allclose(out, x @ layer.W + layer.b)
    g = RNG.normal(size=(6, 3))
    dx = layer.backward(g)
    assert np.allclose(layer.dW, x.T @ g)
    assert np.allclose(layer.db, g.sum(axis=0))
    assert np.allclose(dx, g @ layer.W.T)


def test_relu_backward_masks_negative_inputs():
    relu = ReLU()
    x = np.array([[-2.0, 0.5], [3.0, -0.1]])
    relu.forward(x)
    assert np.allclose(relu.backward(np.ones_like(x)), [[0.0, 1.0], [1.0, 0.0]])


def test_mlp_gradients_match_finite_differences():
    model = MLP([3, 5, 4, 3], seed=3)
    for layer in model.dense_layers:
        layer.W = RNG.normal(0, 1, layer.W.shape)
        layer.b = RNG.normal(0, 0.5, layer.b.shape)
    x = RNG.normal(size=(8, 3))
    y = RNG.integers(0, 3, 8)

    def loss():
        return reference_ce(model.forward(x), y)[0]

    model.forward(x)
    model.backward(y)
    for layer in model.dense_layers:
        for name in ("W", "b"):
            param, analytic = getattr(layer, name), getattr(layer, "d" + name).copy()
            numeric = np.zeros_like(param)
            for idx in np.ndindex(param.shape):
                old = param[idx]
                param[idx] = old + 1e-5
                up = loss()
                param[idx] = old - 1e-5
                down = loss()
                param[idx] = old
                numeric[idx] = (up - down) / 2e-5
            assert np.allclose(analytic, numeric, rtol=1e-4, atol=1e-7), name


def test_initialisation_breaks_symmetry_and_is_seeded():
    a, b, c = MLP([2, 16, 3], seed=7), MLP([2, 16, 3], seed=7), MLP([2, 16, 3], seed=8)
    W = a.dense_layers[0].W
    assert np.abs(W).max() > 0
    assert len({tuple(np.round(col, 12)) for col in W.T}) == W.shape[1]
    assert np.allclose(W, b.dense_layers[0].W)
    assert not np.allclose(W, c.dense_layers[0].W)
    assert 0.05 < W.std() < 5


def test_update_applies_weight_decay_to_weights_only():
    model = MLP([3, 4, 2], seed=0)
    for layer in model.dense_layers:
        layer.W = RNG.normal(size=layer.W.shape)
        layer.b = RNG.normal(size=layer.b.shape)
    before = [(layer.W.copy(), layer.b.copy()) for layer in model.dense_layers]
    for layer in model.dense_layers:
        layer.dW = np.zeros_like(layer.W)
        layer.db = np.zeros_like(layer.b)
    model.update(lr=0.1, weight_decay=0.5)
    for layer, (W, b) in zip(model.dense_layers, before):
        assert np.allclose(layer.W, W * (1 - 0.05))
        assert np.allclose(layer.b, b)


def test_update_is_a_gradient_step():
    model = MLP([3, 4, 2], seed=0)
    layer = model.dense_layers[0]
    layer.W = RNG.normal(size=layer.W.shape)
    W = layer.W.copy()
    layer.dW = RNG.normal(size=W.shape)
    dW = layer.dW.copy()
    for other in model.dense_layers[1:]:
        other.dW = np.zeros_like(other.W)
        other.db = np.zeros_like(other.b)
    layer.db = np.zeros_like(layer.b)
    model.update(lr=0.2, weight_decay=0.01)
    assert np.allclose(layer.W, W - 0.2 * (dW + 0.01 * W))


class Recorder(MLP):
    """Records which labels reach backward with which inputs."""

    def forward(self, x):
        self.seen_x = x.copy()
        return super().forward(x)

    def backward(self, y):
        self.pairs.extend(zip(self.seen_x[:, 0].tolist(), np.asarray(y).tolist()))
        return super().backward(y)


def test_training_keeps_inputs_and_labels_together():
    X = np.c_[np.arange(90.0), np.zeros(90)] / 90
    y = np.arange(90) % 3
    model = Recorder([2, 4, 3], seed=0)
    model.pairs = []
    train(model, X, y, epochs=3, lr=0.01, batch_size=16, seed=5)
    assert len(model.pairs) == 270
    assert all(int(round(x * 90)) % 3 == label for x, label in model.pairs)
    batches = [p[0] for p in model.pairs[:90]]
    assert sorted(batches) != batches  # shuffled


def test_training_returns_one_loss_per_epoch_and_learns():
    data = np.loadtxt("/opt/factory-bench/grader/spiral_train.csv", delimiter=",", skiprows=1)
    model = MLP([2, 32, 3], seed=4)
    history = train(model, data[:, :2], data[:, 2].astype(int), epochs=40, lr=0.1, batch_size=32, seed=1)
    assert len(history) == 40
    assert all(np.isfinite(history))
    assert history[-1] < 0.6 * history[0]


@pytest.mark.parametrize("batch_size", [16, 64])
def test_hidden_spirals_reach_90_percent(batch_size):
    train_set = np.loadtxt("/opt/factory-bench/grader/spiral_train.csv", delimiter=",", skiprows=1)
    test_set = np.loadtxt("/opt/factory-bench/grader/spiral_test.csv", delimiter=",", skiprows=1)
    model = MLP([2, 64, 64, 3], seed=11)
    train(model, train_set[:, :2], train_set[:, 2].astype(int), epochs=150, lr=0.1, batch_size=batch_size,
          weight_decay=1e-4, seed=12)
    assert (model.predict(test_set[:, :2]) == test_set[:, 2]).mean() >= 0.9
