"""Step 3 of the demo: ``‖g‖``, ``‖H g‖``, GD against gradient flow and the corridor indicators of an MLP on digits.

The first gradient-descent step drifts from the flow by ``(h²/2)‖H g‖ + O(h³)``
off corridors; the cone of the gallery, a corridor everywhere, is the control
whose drift must stay at the integrator's error level.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

from .._plotting.figures import axes_grid
from .config import DemoConfig

__all__ = ["ControlRun", "DriftRow", "NumericSection", "PointNorms", "ProbeSummary", "numeric_section"]


@dataclasses.dataclass(frozen=True)
class PointNorms:
    """The loss, ``‖g‖`` and ``‖H g‖`` at one point of parameter space."""

    loss: float
    grad_norm: float
    hg_norm: float

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, kw_only=True)
class DriftRow:
    """GD against gradient flow at one step size ``h`` (:func:`corridors.numeric.gd_vs_gf`)."""

    learning_rate: float
    steps: int
    predicted_first_step_gap: float
    first_step_drift: float
    drift_over_predicted: float
    max_drift: float
    max_gf_error: float
    loss_gd_final: float
    loss_gf_final: float

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ControlRun:
    """The control: GD against gradient flow on the cone, a corridor everywhere."""

    loss: str
    start: tuple[float, ...]
    learning_rate: float
    steps: int
    hg_norm: float
    max_drift: float
    max_gf_error: float
    loss_gd: tuple[float, ...]

    def to_dict(self) -> dict:
        return dict(dataclasses.asdict(self), start=list(self.start), loss_gd=list(self.loss_gd))


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProbeSummary:
    """The SGD run along which the corridor indicators were recorded, and their medians."""

    learning_rate: float
    batch: int
    steps: int
    every: int
    train_loss_first: float
    train_loss_last: float
    medians: tuple[tuple[str, float], ...]  # (indicator name, median over the run)

    def median(self, name: str) -> float:
        """The median of indicator ``name`` (one of :data:`corridors.numeric.INDICATOR_NAMES`)."""
        return dict(self.medians)[name]

    def to_dict(self) -> dict:
        return {
            "learning_rate": self.learning_rate,
            "batch": self.batch,
            "steps": self.steps,
            "every": self.every,
            "train_loss_first": self.train_loss_first,
            "train_loss_last": self.train_loss_last,
            **{f"{name}_median": value for name, value in self.medians},
        }


@dataclasses.dataclass(frozen=True, kw_only=True)
class NumericSection:
    """What the numeric check measured on the MLP, the cone control and the probed SGD run."""

    model: str
    parameters: int
    drift_examples: int
    at_init: PointNorms
    after_training: PointNorms
    drift: tuple[DriftRow, ...]
    control: ControlRun
    probe: ProbeSummary
    figures: tuple[str, ...]
    wall_s: Optional[float] = None

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "parameters": self.parameters,
            "drift_examples": self.drift_examples,
            "at_init": self.at_init.to_dict(),
            "after_training": self.after_training.to_dict(),
            "drift": [row.to_dict() for row in self.drift],
            "control": self.control.to_dict(),
            "probe": self.probe.to_dict(),
            "figures": list(self.figures),
            "wall_s": self.wall_s,
        }


def numeric_section(config: DemoConfig, out: Path, progress: bool) -> NumericSection:
    """Measure the MLP and the cone; write ``out/drift.png`` and ``out/probe.png``."""
    import equinox as eqx
    import jax
    import jax.numpy as jnp
    import numpy as np
    import optax

    from .. import numeric
    from .._experiments.digits import batch_indices, load_digits_arrays
    from .._experiments.models import MLP, cross_entropy
    from .._symbolic.gallery import GALLERY

    x, y = load_digits_arrays()
    model = MLP(jax.random.PRNGKey(config.seed), width=config.mlp_width)
    params, static = eqx.partition(model, eqx.is_inexact_array)
    n_params = int(sum(leaf.size for leaf in jax.tree.leaves(params)))

    def loss(p, xb, yb):
        return cross_entropy(eqx.combine(p, static), xb, yb)

    # E is the loss on one fixed batch: GD and GF must follow the same function.
    rng = np.random.default_rng(config.seed)
    take = rng.permutation(len(x))[: config.drift_examples]
    xb, yb = jnp.asarray(x[take]), jnp.asarray(y[take])
    at_init = numeric.hg(loss, params, xb, yb)

    drift_rows, drift_results = [], []
    for h in config.drift_learning_rates:
        result = numeric.gd_vs_gf(loss, params, h, config.drift_steps, xb, yb)
        drift_results.append(result)
        predicted = float(result.predicted_gap)
        first = float(result.drift[1])
        drift_rows.append(DriftRow(
            learning_rate=float(h),
            steps=config.drift_steps,
            predicted_first_step_gap=predicted,
            first_step_drift=first,
            drift_over_predicted=first / predicted,
            max_drift=float(np.max(result.drift)),
            max_gf_error=float(np.max(result.gf_error)),
            loss_gd_final=float(result.loss_gd[-1]),
            loss_gf_final=float(result.loss_gf[-1]),
        ))

    # Control: the cone of the gallery, a corridor everywhere, through the symbolic-to-JAX bridge.
    cone = next(e for e in GALLERY if e.name == "cone")
    expression, symbols = cone.expression()
    cone_loss = numeric.lambdify_loss(expression, symbols)
    start = jnp.array([3.0, 4.0], jnp.float32)  # E = 5: 10 steps of h = 0.2 stop at E = 3, far from the apex
    control = numeric.gd_vs_gf(cone_loss, start, 0.2, 10)
    control_hg = numeric.hg(cone_loss, start)
    control_run = ControlRun(
        loss=cone.text,
        start=(3.0, 4.0),
        learning_rate=0.2,
        steps=10,
        hg_norm=float(numeric.safe_norm(control_hg.hg)),
        max_drift=float(np.max(control.drift)),
        max_gf_error=float(np.max(control.gf_error)),
        loss_gd=tuple(round(float(v), 6) for v in control.loss_gd),
    )

    # Indicators along SGD training on mini-batches of the whole data set.
    indices = batch_indices(len(x), config.probe_batch, config.probe_steps, config.seed)
    batches = ((jnp.asarray(x[i]), jnp.asarray(y[i])) for i in indices)
    h = config.probe_learning_rate
    # probe passes each (x, y) batch to the loss as one argument.
    probed = numeric.probe(lambda p, batch: loss(p, *batch), params, optax.sgd(h), batches, learning_rate=h,
                           every=config.probe_every, num_steps=config.probe_steps, progress=progress)
    numeric.plot_probe(probed, out / "probe.png",
                       title=f"SGD h={h:g}, batch {config.probe_batch}: corridor indicators ({n_params} parameters)")
    trained = numeric.hg(loss, probed.params, xb, yb)

    _plot_drift(drift_results, control, out / "drift.png")
    return NumericSection(
        model=f"MLP 64-{config.mlp_width}-{config.mlp_width}-10 (tanh), cross-entropy",
        parameters=n_params,
        drift_examples=config.drift_examples,
        at_init=_norms(numeric, at_init),
        after_training=_norms(numeric, trained),
        drift=tuple(drift_rows),
        control=control_run,
        probe=ProbeSummary(
            learning_rate=h,
            batch=config.probe_batch,
            steps=config.probe_steps,
            every=config.probe_every,
            train_loss_first=float(probed.train_loss[0]),
            train_loss_last=float(probed.train_loss[-1]),
            medians=tuple((name, float(np.median(getattr(probed, name)))) for name in numeric.INDICATOR_NAMES),
        ),
        figures=("drift.png", "probe.png"),
    )


def _norms(numeric, at) -> PointNorms:
    """:class:`PointNorms` of a :func:`corridors.numeric.hg` result."""
    return PointNorms(float(at.value), float(numeric.safe_norm(at.grad)), float(numeric.safe_norm(at.hg)))


def _plot_drift(results, control, path: Path) -> None:
    import numpy as np

    figure, axes = axes_grid(2, 2, size=(5.2, 3.8))
    ax = axes[0]
    for result in results:
        times = np.asarray(result.times)
        h = float(result.learning_rate)
        line, = ax.plot(times[1:], _positive(result.drift[1:]), marker=".", label=f"GD − GF, h={h:g}")
        ax.plot(times[1:], _positive(result.gf_error[1:]), ls=":", color=line.get_color(), lw=0.9)
    ax.set_yscale("log")
    ax.set_xlabel("time t = n h")
    ax.set_ylabel("‖θₙ − θ(n h)‖  (dotted: GF error estimate)")
    ax.set_title("MLP on digits: GD drifts from GF", fontsize=10)
    ax.legend(fontsize=7)
    ax = axes[1]
    times = np.asarray(control.times)
    ax.plot(times, _positive(control.drift), marker=".", label="GD − GF")
    ax.plot(times, _positive(control.gf_error), ls=":", label="GF error estimate")
    ax.set_yscale("log")
    ax.set_xlabel("time t = n h")
    ax.set_title("cone √(x²+y²), a corridor: drift at error level", fontsize=10)
    ax.legend(fontsize=7)
    figure.savefig(path, dpi=100)


def _positive(values):
    """Values for a log axis: exact zeros drawn at the smallest positive value."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    positive = values[values > 0]
    return np.where(values > 0, values, positive.min() if positive.size else 1e-12)
