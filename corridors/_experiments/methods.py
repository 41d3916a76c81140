"""The optimizers of the CLR study: one frozen :class:`Method` record each, in one registry.

Everything the study needs to know about an optimizer -- how to build it, which
hyperparameter values it runs (a sweep or one default), how its setting reads,
its colour in the plots and whether its own rows are shown or summarised by a
best-of row -- is on its record in :data:`REGISTRY`; the name tuples below
(:data:`METHODS`, :data:`CONTRIB`, :data:`CORRIDORS`, :data:`GRIDS`) are derived
from it.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Callable, Optional

import optax
from optax import contrib

from .. import _optim

__all__ = [
    "CONTRIB",
    "CORRIDORS",
    "GRIDS",
    "METHODS",
    "RECOMMENDED",
    "RECOMMENDED_CALL",
    "REFERENCES",
    "REGISTRY",
    "SWEEP_BESTS",
    "Method",
    "default_of",
    "default_setting",
    "label",
]

#: The optimizer the study recommends (the zero-tuning default), by method name:
#: ``corridors.clr()`` at its defaults. It met the best SGD learning rate in
#: more goal cells than ``clr_momentum`` (docs/benchmarks.md).
RECOMMENDED = "clr_default"
#: The call a user types for it.
RECOMMENDED_CALL = "corridors.clr()"

#: Families of :attr:`Method.family`.
FAMILIES = ("sgd", "adam", "polyak", "contrib", "corridors", "grid")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Method:
    """How the study runs one optimizer.

    Attributes:
        name: the method's name in tables, files and :attr:`StudyConfig.methods`.
        make: ``(hyperparameter, config) -> transformation``; the hyperparameter
            is a traced float32 scalar (vmapped over the sweep), and the update
            is called with ``value=``.
        hyperparameters: ``config -> tuple`` of the values run (a sweep, or one default).
        hyperparameter: what the scalar means, for the tables.
        family: one of :data:`FAMILIES`; ``contrib`` methods run at their
            defaults, ``grid`` methods are the defaults study (summarised by the
            defaults table, not shown row by row).
        best: for a sweep, the name of its best-of row (``sgd_best``); the
            sweep's own rows are then not shown.
        color: its colour in the plots (``None``: a colour of the
            ``optax.contrib`` palette, for contrib methods).
        eval_params: ``(state, params) ->`` the parameters to evaluate (schedule-free).
        setting: ``(config, hyperparameter) ->`` readable setting; default
            ``"name=value"`` (``"name=value (defaults)"`` for contrib).
    """

    name: str
    make: Callable
    hyperparameters: Callable
    hyperparameter: str
    family: str
    best: Optional[str] = None
    color: Optional[str] = None
    eval_params: Optional[Callable] = None
    setting: Optional[Callable] = None

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"unknown family {self.family!r} of method {self.name!r}; families are {FAMILIES}")

    @property
    def shown(self) -> bool:
        """Whether its rows appear in the summary table and plots (sweeps show their best, grids a table)."""
        return self.best is None and self.family != "grid"

    def setting_of(self, config, hyperparameter: float) -> str:
        """The readable setting of one run, e.g. ``learning_rate=0.3``."""
        if self.setting is not None:
            return self.setting(config, hyperparameter)
        suffix = " (defaults)" if self.family == "contrib" else ""
        return f"{self.hyperparameter}={hyperparameter:g}{suffix}"


def default_of(function: str, argument: str) -> float:
    """The default value of ``argument`` of ``corridors.<function>`` (shown in the tables)."""
    return float(inspect.signature(getattr(_optim, function)).parameters[argument].default)


def default_setting(function: str) -> str:
    """``corridors.<function>``'s numeric defaults, e.g. ``target=0, max_learning_rate=1, …``."""
    parameters = inspect.signature(getattr(_optim, function)).parameters.values()
    return ", ".join(f"{p.name}={p.default:g}" for p in parameters if isinstance(p.default, (int, float)))


def _wrap(transformation):
    """Every update is called with ``value=``."""
    return optax.with_extra_args_support(transformation)


def _one(value: float) -> Callable:
    """A default, not a sweep."""
    return lambda config: (value,)


def _at_defaults(function: str) -> Callable:
    """The setting of ``corridors.<function>()`` exactly as a user gets it."""
    return lambda config, hyperparameter: default_setting(function) + " (defaults)"


def _indices(grid) -> tuple[float, ...]:
    return tuple(float(i) for i in range(len(grid)))


def _pick(grid, index, column):
    """Column ``column`` of row ``index`` of a grid of pairs (``index`` is traced under vmap)."""
    import jax.numpy as jnp

    return jnp.asarray([row[column] for row in grid], jnp.float32)[index.astype(jnp.int32)]


def _schedule_free_eval(state, params):
    return contrib.schedule_free_eval_params(state, params)


def _contrib(name: str, make: Callable, default: float, hyperparameter: str = "learning_rate", **extra) -> Method:
    """An optax.contrib optimizer at its defaults; the hyperparameter shown is its default learning rate."""
    return Method(name=name, make=make, hyperparameters=_one(default), hyperparameter=hyperparameter,
                  family="contrib", **extra)


_ALL = (
    Method(name="sgd", make=lambda h, c: _wrap(optax.sgd(h)), hyperparameters=lambda c: c.sgd_learning_rates,
           hyperparameter="learning_rate", family="sgd", best="sgd_best", color="tab:gray"),
    # Heavy ball, optax.sgd(lr, momentum=0.9).
    Method(name="sgd_momentum", make=lambda h, c: _wrap(optax.sgd(h, momentum=0.9)),
           hyperparameters=lambda c: c.sgd_momentum_learning_rates, hyperparameter="learning_rate", family="sgd",
           best="sgd_momentum_best", color="tab:brown"),
    Method(name="adam", make=lambda h, c: _wrap(optax.adam(h)), hyperparameters=lambda c: c.adam_learning_rates,
           hyperparameter="learning_rate", family="adam", best="adam_best", color="tab:green"),
    Method(name="polyak_sgd", make=lambda h, c: optax.polyak_sgd(max_learning_rate=h, f_min=0.0),
           hyperparameters=lambda c: (c.polyak_max_learning_rate,), hyperparameter="max_learning_rate",
           family="polyak", color="tab:blue"),
    # optax.contrib's parameter-free and Polyak-family optimizers, at their defaults.
    _contrib("momo", lambda h, c: contrib.momo(learning_rate=h), 1.0),
    _contrib("momo_adam", lambda h, c: contrib.momo_adam(learning_rate=h), 1e-2),
    _contrib("prodigy", lambda h, c: _wrap(contrib.prodigy(learning_rate=h)), 1.0),
    _contrib("dog", lambda h, c: _wrap(contrib.dog(learning_rate=h)), 1.0),
    _contrib("dowg", lambda h, c: _wrap(contrib.dowg(learning_rate=h)), 1.0),
    _contrib("dadapt_adamw", lambda h, c: _wrap(contrib.dadapt_adamw(learning_rate=h)), 1.0),
    _contrib("schedule_free_sgd", lambda h, c: _wrap(contrib.schedule_free_sgd(learning_rate=h)), 1.0,
             eval_params=_schedule_free_eval),
    _contrib("schedule_free_adamw", lambda h, c: _wrap(contrib.schedule_free_adamw(learning_rate=h)), 2.5e-3,
             eval_params=_schedule_free_eval),
    _contrib("cocob", lambda h, c: _wrap(contrib.cocob(learning_rate=h)), 1.0),
    # Mechanic tunes the scale of a base optimizer's updates; its docstring's
    # recipe is a base learning rate of 1: mechanize(optax.adam(1.0)).
    _contrib("mechanize", lambda h, c: contrib.mechanize(optax.adam(h)), 1.0, "base adam learning_rate"),
    # The paper's reference: plain CLR, capped at the top of the SGD sweep.
    Method(name="clr", make=lambda h, c: _optim.clr(target=0.0, max_learning_rate=h),
           hyperparameters=lambda c: (c.cap(),), hyperparameter="max_learning_rate", family="corridors",
           color="tab:red"),
    # corridors.clr() exactly as a user gets it (the shown value is its cap).
    Method(name="clr_default", make=lambda h, c: _optim.clr(),
           hyperparameters=lambda c: (default_of("clr", "max_learning_rate"),), hyperparameter="max_learning_rate",
           family="corridors", color="k", setting=_at_defaults("clr")),
    Method(name="clr_online", make=lambda h, c: _optim.clr_online(max_learning_rate=h),
           hyperparameters=lambda c: (c.cap(),), hyperparameter="max_learning_rate", family="corridors",
           color="tab:orange"),
    # corridors.clr_momentum() exactly as a user gets it.
    Method(name="clr_momentum", make=lambda h, c: _optim.clr_momentum(),
           hyperparameters=lambda c: (default_of("clr_momentum", "max_learning_rate"),),
           hyperparameter="max_learning_rate", family="corridors", color="tab:purple",
           setting=_at_defaults("clr_momentum")),
    # corridors.clr_adam() exactly as a user gets it: the CLR along Adam's direction (cap 1e-2).
    Method(name="clr_adam", make=lambda h, c: _optim.clr_adam(),
           hyperparameters=lambda c: (default_of("clr_adam", "max_learning_rate"),),
           hyperparameter="max_learning_rate", family="corridors", color="tab:cyan",
           setting=_at_defaults("clr_adam")),
    # The defaults study: the hyperparameter is an index into the grid.
    Method(name="clr_grid",
           make=lambda i, c: _optim.clr(max_learning_rate=_pick(c.clr_grid, i, 0), scale=_pick(c.clr_grid, i, 1)),
           hyperparameters=lambda c: _indices(c.clr_grid), hyperparameter="grid index", family="grid",
           setting=lambda c, i: f"max_learning_rate={c.clr_grid[int(i)][0]:g}, scale={c.clr_grid[int(i)][1]:g}"),
    Method(name="clr_momentum_grid",
           make=lambda i, c: _optim.clr_momentum(
               max_learning_rate=_pick(c.clr_momentum_grid, i, 0), decay=_pick(c.clr_momentum_grid, i, 1)),
           hyperparameters=lambda c: _indices(c.clr_momentum_grid), hyperparameter="grid index", family="grid",
           setting=lambda c, i: (
               f"max_learning_rate={c.clr_momentum_grid[int(i)][0]:g}, decay={c.clr_momentum_grid[int(i)][1]:g}")),
    Method(name="clr_adam_grid",
           make=lambda i, c: _optim.clr_adam(max_learning_rate=_pick(c.clr_adam_grid, i, 0)),
           hyperparameters=lambda c: _indices(c.clr_adam_grid), hyperparameter="grid index", family="grid",
           setting=lambda c, i: f"max_learning_rate={c.clr_adam_grid[int(i)][0]:g}"),
)

#: Every optimizer of the study by name, in table order.
REGISTRY: dict[str, Method] = {method.name: method for method in _ALL}

#: Every method name the study knows, in table order.
METHODS = tuple(REGISTRY)
#: optax.contrib's parameter-free and Polyak-family optimizers, run at their defaults.
CONTRIB = tuple(m.name for m in _ALL if m.family == "contrib")
#: The corridors optimizers of the study.
CORRIDORS = tuple(m.name for m in _ALL if m.family == "corridors")
#: The defaults study: corridors optimizers over a grid of settings.
GRIDS = tuple(m.name for m in _ALL if m.family == "grid")
#: The best-of rows of the sweeps (``sgd_best``, ...), keyed by the best row's name: the sweep.
SWEEP_BESTS: dict[str, str] = {m.best: m.name for m in _ALL if m.best is not None}
#: What each corridors optimizer is compared with, in verdict order.
REFERENCES = tuple(SWEEP_BESTS) + ("contrib_best",) + tuple(m.name for m in _ALL if m.family == "polyak")


def label(method: str, hyperparameter: float, best_of: Optional[str] = None) -> str:
    """How a row is named in tables, legends and verdicts: ``sgd(lr=0.5)`` for a sweep's best."""
    if method in SWEEP_BESTS:
        return f"{SWEEP_BESTS[method]}(lr={hyperparameter:g})"
    if method == "contrib_best":
        return f"{best_of} (best of optax.contrib)"
    return method
