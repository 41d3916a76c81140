"""What the demo runs: :class:`DemoConfig` and its two presets, :data:`DEFAULT` and :data:`QUICK`."""

from __future__ import annotations

import dataclasses
from typing import Optional

from .._experiments.study import StudyConfig

__all__ = ["DEFAULT", "QUICK", "DemoConfig"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class DemoConfig:
    """What the demo runs; :data:`DEFAULT` (the command) and :data:`QUICK` (tests).

    Attributes:
        name: label written in the report.
        symbolic_timeout: seconds of symbolic work per gallery loss.
        plot_resolution: grid points per axis of the gallery figure.
        proof_names: proofs to check (``None``: all of ``proofs.PROOFS``).
        proof_timeout: seconds per proof (``None``: ``proofs.DEFAULT_TIMEOUT``).
        mlp_width: hidden width of the 64-W-W-10 tanh MLP.
        drift_examples: size of the fixed batch that defines ``E`` for GD vs GF.
        drift_learning_rates: step sizes ``h`` compared with gradient flow.
        drift_steps: GD steps per comparison (horizon ``N h``).
        probe_steps, probe_every, probe_batch, probe_learning_rate: the SGD
            training run along which the indicators are recorded.
        clr_study: the :class:`corridors._experiments.study.StudyConfig`.
        seed: model initialisation and batch order.
    """

    name: str
    symbolic_timeout: float
    plot_resolution: int
    proof_names: Optional[tuple[str, ...]]
    proof_timeout: Optional[float]
    mlp_width: int
    drift_examples: int
    drift_learning_rates: tuple[float, ...]
    drift_steps: int
    probe_steps: int
    probe_every: int
    probe_batch: int
    probe_learning_rate: float
    clr_study: StudyConfig
    seed: int = 0


DEFAULT = DemoConfig(
    name="default",
    symbolic_timeout=5.0,
    plot_resolution=140,
    proof_names=None,
    proof_timeout=None,
    mlp_width=64,
    drift_examples=512,
    drift_learning_rates=(0.1, 0.5, 2.0),
    drift_steps=20,
    probe_steps=300,
    probe_every=10,
    probe_batch=64,
    probe_learning_rate=0.5,
    clr_study=StudyConfig(
        batch_sizes=(64, 0),
        steps=200,
        eval_every=10,
        seeds=2,
        sgd_learning_rates=(0.1, 0.3, 1.0, 3.0),
        methods=("sgd", "clr", "polyak_sgd", "adam"),
    ),
)

# The same run, scaled down to seconds: what the tests of the demo use.
QUICK = dataclasses.replace(
    DEFAULT,
    name="quick",
    plot_resolution=48,
    proof_names=("lemma-2.8-gradient-along-flow", "corridor-learning-rate"),
    mlp_width=16,
    drift_examples=64,
    drift_learning_rates=(0.1, 1.0),
    drift_steps=3,
    probe_steps=20,
    probe_every=5,
    probe_batch=32,
    clr_study=dataclasses.replace(
        DEFAULT.clr_study, batch_sizes=(0,), steps=20, seeds=1, sgd_learning_rates=(0.3, 1.0), methods=("sgd", "clr")
    ),
)
