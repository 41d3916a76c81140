"""probe: indicators along an optax training run with any optimizer; plot_probe."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import corridors
from corridors import InvalidArgument, numeric


def _loss(params, batch):
    x, y = batch
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
    direct = numeric.indicators(_loss, params, 0.05, batches[0])
    np.testing.assert_allclose(r.gap_ratio[0], direct.gap_ratio, rtol=1e-10)
    np.testing.assert_allclose(r.loss[0], r.train_loss[0], rtol=1e-12)
    assert r.train_loss[-4:].mean() < r.train_loss[:4].mean()
    assert jax.tree.structure(r.params) == jax.tree.structure(params)
    assert r.finite.tolist() == [True] * 6 and r.stationary.tolist() == [False] * 6
    assert str(r).startswith("ProbeResult(steps=40, probes=6") and "non-finite" not in str(r)


def test_probe_with_adam_schedule_and_num_steps(setup):
    params, batches = setup
    schedule = optax.linear_schedule(0.01, 0.001, 10)
    r = numeric.probe(_loss, params, optax.adam(schedule), iter(batches), learning_rate=schedule,
                      every=5, num_steps=12)
    assert r.step.tolist() == [0, 5, 10]
    assert r.train_loss.shape == (12,)
    np.testing.assert_allclose(r.learning_rate, [schedule(0), schedule(5), schedule(10)], rtol=1e-6)


def test_plot_probe_to_file_and_axes(sgd_result, tmp_path):
    from matplotlib.figure import Figure

    path = tmp_path / "probe.png"
    figure = numeric.plot_probe(sgd_result, path, title="test")
    assert isinstance(figure, Figure)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 1000
    assert len(figure.axes) == 5 and figure.axes[1].get_ylabel() == "gap_ratio"
    # On a given Axes: the two gap indicators, with the recorded values, on a log scale.
    ax = Figure().subplots()
    assert numeric.plot_probe(sgd_result, ax, title="on an axes") is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"gap_ratio", "gradient_change"}
    for name, line in lines.items():
        np.testing.assert_array_equal(line.get_xdata(), sgd_result.step)
        np.testing.assert_allclose(line.get_ydata(), getattr(sgd_result, name))
    assert ax.get_yscale() == "log" and ax.get_title() == "on an axes"
    assert numeric.plot_probe(sgd_result).savefig is not None  # no target: a figure, nothing written


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
    with pytest.raises(InvalidArgument, match="no field 'step'"):
        numeric.probe(_loss, params, optax.sgd(0.1), batches, learning_rate="step")
    with pytest.raises(InvalidArgument, match="floating scalar"):
        numeric.probe(_loss, params, corridors.clr(target=0.0, max_learning_rate=1.0), batches,
                      learning_rate="count")
    with pytest.raises(InvalidArgument, match="has_aux"):
        numeric.probe(_loss, params, optax.sgd(0.1), batches, learning_rate=0.1, has_aux=None)
    with pytest.raises(InvalidArgument, match="loss_kwargs"):
        numeric.probe(_loss, params, optax.sgd(0.1), batches, learning_rate=0.1, loss_kwargs=[1])
    with pytest.raises(InvalidArgument, match="ProbeResult"):
        numeric.plot_probe({"gap_ratio": [1.0]}, "x.png")
    with pytest.raises(InvalidArgument, match="target"):
        numeric.plot_probe(sgd_result, 3)


@pytest.fixture(scope="module")
def small():
    """A 2-parameter model and 6 batches: each probe run below compiles in a few seconds."""
    x = jnp.linspace(-1.0, 1.0, 16)[:, None]
    batches = [(x[i::2], jnp.exp(x[i::2])) for i in range(2)] * 3

    def loss(w, batch):
        xb, yb = batch
        return jnp.mean((w[0] * jnp.tanh(w[1] * xb) + 1.0 - yb) ** 2)

    return loss, jnp.array([0.5, 0.5]), batches


def test_clr_trains_and_its_own_step_is_the_h_of_the_indicators(small):
    loss, w0, batches = small
    cap = 5.0
    r = numeric.probe(loss, w0, corridors.clr(target=0.0, max_learning_rate=cap, scale=1.0), batches,
                      learning_rate="step", every=1)
    # The CLR step of step n is min(Eₙ/‖gₙ‖², cap), from the probe's own loss and gradient.
    expected = np.minimum(r.loss / r.grad_norm**2, cap)
    np.testing.assert_allclose(r.learning_rate, expected, rtol=1e-10)
    assert np.unique(np.round(r.learning_rate, 8)).size > 1  # an adaptive step, not a constant
    assert r.train_loss[-1] < r.train_loss[0]
    # The indicators are those of the step the optimizer took.
    direct = numeric.indicators(loss, w0, float(r.learning_rate[0]), batches[0])
    np.testing.assert_allclose(r.gap_ratio[0], direct.gap_ratio, rtol=1e-10)


def test_polyak_sgd_gets_the_loss_value_and_trains_as_in_a_plain_loop(small):
    loss, w0, batches = small
    optimizer = optax.polyak_sgd(max_learning_rate=2.0)
    r = numeric.probe(loss, w0, optimizer, batches, learning_rate=1.0, every=3)
    w, state, losses = w0, optimizer.init(w0), []
    for batch in batches:  # the reference: optax's documented loop
        value, grad = jax.value_and_grad(loss)(w, batch)
        updates, state = optimizer.update(grad, state, w, value=value)
        w = optax.apply_updates(w, updates)
        losses.append(float(value))
    np.testing.assert_allclose(r.train_loss, losses, rtol=1e-10)
    np.testing.assert_allclose(r.params, w, rtol=1e-10)


def test_inject_hyperparams_schedule_from_the_state_and_a_zero_step_gives_nan(small):
    loss, w0, batches = small
    schedule = optax.linear_schedule(0.0, 0.2, 4)  # a warm-up from h = 0
    optimizer = optax.inject_hyperparams(optax.sgd)(learning_rate=schedule)
    r = numeric.probe(loss, w0, optimizer, batches, learning_rate="learning_rate", every=2)
    # inject_hyperparams keeps hyperparameters in float32.
    np.testing.assert_allclose(r.learning_rate, [schedule(0), schedule(2), schedule(4)], rtol=1e-7)
    # h = 0 at step 0: the indicators are undefined there, not the corridor values.
    assert all(np.isnan(getattr(r, name)[0]) for name in numeric.INDICATOR_NAMES)
    assert bool(r.finite[0]) and np.all(np.isfinite(r.gap_ratio[1:]))


def test_lbfgs_gets_the_value_function(small):
    loss, w0, batches = small
    r = numeric.probe(loss, w0, optax.lbfgs(), [batches[0]] * 4, learning_rate=0.1, every=2)
    assert r.train_loss[-1] < 0.5 * r.train_loss[0]


def test_a_diverged_run_is_flagged_never_a_corridor(small):
    loss, w0, batches = small
    with pytest.warns(RuntimeWarning, match="diverged"):
        r = numeric.probe(loss, w0, optax.sgd(1e30), batches * 3, learning_rate=1e30, every=1)
    bad = ~r.finite
    assert bad.any() and not bad[0]
    for name in numeric.INDICATOR_NAMES:
        assert np.all(np.isnan(getattr(r, name)[bad])), name
    assert "non-finite probes=" in str(r)
    # The plot leaves a gap there, not a point at the bottom of the log axis (closest to a corridor).
    from matplotlib.figure import Figure

    ax = numeric.plot_probe(r, Figure().subplots())
    for line in ax.get_lines():
        assert np.array_equal(np.isnan(np.asarray(line.get_ydata(), dtype=float)), bad)


def test_has_aux_loss_kwargs_and_the_deprecated_tuple_unpacking(small):
    loss, w0, batches = small

    def with_aux(w, batch, scale):
        return scale * loss(w, batch), {"w": w}

    def unpacked(w, xb, yb):
        return loss(w, (xb, yb))

    reference = numeric.probe(loss, w0, optax.sgd(0.1), batches, learning_rate=0.1, every=2)
    aux = numeric.probe(with_aux, w0, optax.sgd(0.05), batches, learning_rate=0.05, every=2,
                        loss_kwargs={"scale": 2.0}, has_aux=True)
    with pytest.warns(DeprecationWarning, match=r"loss\(params, batch\)"):
        old = numeric.probe(unpacked, w0, optax.sgd(0.1), batches, learning_rate=0.1, every=2)
    # 2E with h/2 takes the same steps as E with h; the indicators are dimensionless.
    np.testing.assert_allclose(aux.train_loss, 2 * reference.train_loss, rtol=1e-12)
    np.testing.assert_allclose(aux.gap_ratio, reference.gap_ratio, rtol=1e-10)
    np.testing.assert_allclose(old.gap_ratio, reference.gap_ratio, rtol=1e-14)


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
