"""probe: indicators along an optax training run; plot_probe."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from corridors import InvalidArgument, numeric


def _loss(params, x, y):
    h = jnp.tanh(x @ params["w1"])
    return jnp.mean((h @ params["w2"] - y) ** 2)


@pytest.fixture(scope="module")
def setup():
    k1, k2, k3 = jax.random.split(jax.random.PRNGKey(0), 3)
    params = {"w1": jax.random.normal(k1, (4, 16)) / 2, "w2": jax.random.normal(k2, (16, 1)) / 4}
    x = jax.random.normal(k3, (128, 4))
    y = jnp.sin(x[:, :1]) + x[:, 1:2] ** 2
    batches = [(x[i : i + 32], y[i : i + 32]) for i in range(0, 128, 32)] * 10  # 40 steps
    return params, batches


@pytest.fixture(scope="module")
def sgd_result(setup):
    params, batches = setup
    return numeric.probe(_loss, params, optax.sgd(0.05), batches, learning_rate=0.05, every=7)


def test_probe_records_every_k_steps_and_matches_direct_indicators(setup, sgd_result):
    params, batches = setup
    r = sgd_result
    assert r.step.tolist() == [0, 7, 14, 21, 28, 35]
    assert r.train_loss.shape == (40,)
    for name in numeric.INDICATOR_NAMES + ("loss", "grad_norm", "hg_norm", "learning_rate"):
        values = np.asarray(getattr(r, name))
        assert values.shape == (6,) and np.all(np.isfinite(values)), name
    # Step 0 is probed before any update, on batch 0.
    direct = numeric.indicators(_loss, params, 0.05, *batches[0])
    np.testing.assert_allclose(r.gap_ratio[0], direct.gap_ratio, rtol=1e-10)
    np.testing.assert_allclose(r.loss[0], r.train_loss[0], rtol=1e-12)
    assert r.train_loss[-4:].mean() < r.train_loss[:4].mean()
    assert jax.tree.structure(r.params) == jax.tree.structure(params)
    assert str(r).startswith("ProbeResult(steps=40, probes=6")


def test_probe_with_adam_schedule_and_num_steps(setup):
    params, batches = setup
    schedule = optax.linear_schedule(0.01, 0.001, 10)
    r = numeric.probe(_loss, params, optax.adam(schedule), iter(batches), learning_rate=schedule,
                      every=5, num_steps=12)
    assert r.step.tolist() == [0, 5, 10]
    assert r.train_loss.shape == (12,)
    np.testing.assert_allclose(r.learning_rate, [schedule(0), schedule(5), schedule(10)], rtol=1e-6)


def test_plot_probe_to_file_and_axes(sgd_result, tmp_path):
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    path = tmp_path / "probe.png"
    figure = numeric.plot_probe(sgd_result, path, title="test")
    assert isinstance(figure, Figure)
    assert path.exists() and path.stat().st_size > 1000
    ax = Figure().subplots()
    assert numeric.plot_probe(sgd_result, ax) is ax
    assert isinstance(numeric.plot_probe(sgd_result), Figure)
    assert isinstance(ax, Axes)


def test_probe_and_plot_validation(setup, sgd_result):
    params, batches = setup
    with pytest.raises(InvalidArgument, match="empty"):
        numeric.probe(_loss, params, optax.sgd(0.1), [], learning_rate=0.1)
    with pytest.raises(InvalidArgument, match="every"):
        numeric.probe(_loss, params, optax.sgd(0.1), batches, learning_rate=0.1, every=0)
    with pytest.raises(InvalidArgument, match="optimizer"):
        numeric.probe(_loss, params, "sgd", batches, learning_rate=0.1)
    with pytest.raises(InvalidArgument, match="learning_rate"):
        numeric.probe(_loss, params, optax.sgd(0.1), batches, learning_rate=-1.0)
    with pytest.raises(InvalidArgument, match="ProbeResult"):
        numeric.plot_probe({"gap_ratio": [1.0]}, "x.png")
    with pytest.raises(InvalidArgument, match="target"):
        numeric.plot_probe(sgd_result, 3)


def test_probe_digits_example_runs(tmp_path, capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "probe_digits.py"
    spec = importlib.util.spec_from_file_location("probe_digits_example", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    output = example.main([str(tmp_path / "out"), "--steps", "12", "--every", "6"])
    assert sorted(p.name for p in output.glob("*.png")) == ["cnn.png", "gap_ratio.png", "mlp.png"]
    assert str(output.resolve()) in capsys.readouterr().out
