"""The demo: every part of the library on embedded defaults, written up as a report.

Four steps, each a call into the library (nothing is re-derived here):

1. **Symbolic gallery** — :func:`corridors.analyze` on every loss of
   :data:`corridors.GALLERY`, compared with the classification theory predicts,
   and drawn with :func:`corridors.plot_corridors`.
2. **Proofs** — :func:`proofs.run`: the paper's statements derived for a
   generic smooth loss.
3. **Numeric check** — an MLP on scikit-learn's digits: ``‖g‖`` and ``‖H g‖``
   (:func:`corridors.numeric.hg`), gradient descent against gradient flow
   (:func:`corridors.numeric.gd_vs_gf`; the first step drifts by
   ``(h²/2)‖H g‖ + O(h³)`` off corridors), the corridor indicators along SGD
   training (:func:`corridors.numeric.probe`), and a symbolic corridor (the
   cone) through :func:`corridors.numeric.lambdify_loss` as a control whose
   drift must stay at the integrator's error level.
4. **CLR vs SGD** — a short run of the CLR study of ``corridors bench clr``
   (CLR ``h = (E − E*)/‖g‖²`` against a small SGD learning-rate sweep).

Output: ``report.md``, ``summary.json`` and PNG figures in one folder.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import os
import platform
import time
from pathlib import Path
from typing import Callable, Optional

from .._plotting.figures import axes_grid

__all__ = ["DEFAULT", "QUICK", "DemoConfig", "DemoResult", "default_out_dir", "run_demo"]

# Plot window of each 2-D gallery loss: wide enough to show its corridors.
_GALLERY_LIMITS = {
    "two cones (min)": ((-1.5, 4.5), (-3.0, 3.0)),
    "Rosenbrock": ((-1.5, 1.5), (-0.5, 1.5)),
}
_DEFAULT_LIMITS = ((-2.0, 2.0), (-2.0, 2.0))


@dataclasses.dataclass(frozen=True)
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
        clr_study: the :class:`corridors._experiments.clr_study.StudyConfig`.
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
    clr_study: object
    seed: int = 0


def _clr_config(**changes):
    from .._experiments.clr_study import StudyConfig

    return StudyConfig(**changes)


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
    clr_study=_clr_config(
        batch_sizes=(64, 0),
        steps=200,
        eval_every=10,
        seeds=2,
        sgd_learning_rates=(0.1, 0.3, 1.0, 3.0),
        methods=("sgd", "clr", "polyak_sgd", "adam"),
    ),
)

QUICK = DemoConfig(
    name="quick",
    symbolic_timeout=5.0,
    plot_resolution=48,
    proof_names=("lemma-2.8-gradient-along-flow", "corridor-learning-rate"),
    proof_timeout=None,
    mlp_width=16,
    drift_examples=64,
    drift_learning_rates=(0.1, 1.0),
    drift_steps=3,
    probe_steps=20,
    probe_every=5,
    probe_batch=32,
    probe_learning_rate=0.5,
    clr_study=_clr_config(
        batch_sizes=(0,),
        steps=20,
        eval_every=10,
        seeds=1,
        sgd_learning_rates=(0.3, 1.0),
        methods=("sgd", "clr"),
    ),
)


@dataclasses.dataclass(frozen=True)
class DemoResult:
    """What :func:`run_demo` wrote and whether the library's claims held.

    Attributes:
        out_dir: the output folder.
        report: path of ``report.md``; ``summary``: path of ``summary.json``.
        figures: paths of the PNG figures.
        gallery_ok: every gallery classification equals its expected one
            (an ``unknown`` from a timeout counts as not equal).
        proofs_ok: no proof ``failed`` (``unknown`` is not a failure).
        wall_s: wall time of the whole run.
    """

    out_dir: Path
    report: Path
    summary: Path
    figures: tuple[Path, ...]
    gallery_ok: bool
    proofs_ok: bool
    wall_s: float


def default_out_dir() -> Path:
    """``./corridors-output/demo`` under the current directory."""
    return Path(os.getcwd()) / "corridors-output" / "demo"


def run_demo(
    config: DemoConfig = DEFAULT,
    out_dir=None,
    *,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> DemoResult:
    """Run the four steps of the demo and write ``report.md``, ``summary.json`` and figures.

    Args:
        config: :data:`DEFAULT` or :data:`QUICK` (or your own :class:`DemoConfig`).
        out_dir: output folder (created); default :func:`default_out_dir`.
        progress: show tqdm progress bars (on stderr).
        log: receives one line per step (``print`` by default).

    Returns:
        :class:`DemoResult`.

    Example:
        >>> from corridors._demo import QUICK, run_demo
        >>> result = run_demo(QUICK, "corridors-demo", progress=False)  # doctest: +SKIP
        >>> result.gallery_ok and result.proofs_ok  # doctest: +SKIP
        True
    """
    out = Path(out_dir) if out_dir is not None else default_out_dir()
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    log(f"corridors demo ({config.name}): writing into {out}")

    log("[1/4] symbolic gallery: corridors.analyze on every GALLERY loss")
    t0 = time.perf_counter()
    gallery = _gallery_section(config, out, progress)
    gallery["wall_s"] = round(time.perf_counter() - t0, 2)
    matched = sum(row["match"] for row in gallery["rows"])
    log(f"      {matched}/{len(gallery['rows'])} classifications as expected ({gallery['wall_s']:.1f} s)")

    log("[2/4] proofs: proofs.run, the paper's statements for a generic loss")
    t0 = time.perf_counter()
    proof_rows = _proofs_section(config, progress)
    proofs_wall = round(time.perf_counter() - t0, 2)
    counts = {s: sum(r["status"] == s for r in proof_rows) for s in ("proved", "failed", "unknown")}
    log(f"      {counts['proved']} proved, {counts['failed']} failed, {counts['unknown']} unknown ({proofs_wall:.1f} s)")

    log("[3/4] numeric check: MLP on digits (hg, gd_vs_gf, probe) and a cone as control")
    t0 = time.perf_counter()
    numeric = _numeric_section(config, out, progress)
    numeric["wall_s"] = round(time.perf_counter() - t0, 2)
    log(f"      first-step drift / predicted (h²/2)‖Hg‖: "
        + ", ".join(f"h={r['learning_rate']:g}: {r['drift_over_predicted']:.3g}" for r in numeric["drift"])
        + f" ({numeric['wall_s']:.1f} s)")

    log("[4/4] CLR vs SGD: a short run of the CLR study on digits")
    t0 = time.perf_counter()
    clr = _clr_section(config, out, progress)
    clr["wall_s"] = round(time.perf_counter() - t0, 2)
    log(f"      {len(clr['verdicts'])} comparisons ({clr['wall_s']:.1f} s)")

    figures = tuple(sorted(out.rglob("*.png")))
    gallery_ok = matched == len(gallery["rows"])
    proofs_ok = counts["failed"] == 0
    wall = round(time.perf_counter() - started, 1)
    summary = {
        "corridors_version": _version(),
        "config": config.name,
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}",
        "wall_s": wall,
        "gallery": gallery,
        "gallery_ok": gallery_ok,
        "proofs": {"rows": proof_rows, "counts": counts, "wall_s": proofs_wall},
        "proofs_ok": proofs_ok,
        "numeric": numeric,
        "clr": clr,
        "figures": [str(p.relative_to(out)) for p in figures],
    }
    summary_path = out / "summary.json"
    summary_path.write_text(json.dumps(summary, indent=2, allow_nan=False, ensure_ascii=False) + "\n")
    report_path = out / "report.md"
    report_path.write_text(_markdown(summary), encoding="utf-8")
    log(f"done in {wall:.1f} s: {report_path}")
    return DemoResult(out, report_path, summary_path, figures, gallery_ok, proofs_ok, wall)


# --- 1. symbolic gallery ------------------------------------------------------
def _gallery_section(config: DemoConfig, out: Path, progress: bool) -> dict:
    from tqdm.auto import tqdm

    from .._plotting import plot_corridors
    from .._symbolic.analysis import analyze
    from .._symbolic.gallery import GALLERY

    rows, reports = [], {}
    for example in tqdm(GALLERY, desc="gallery", unit="loss", disable=not progress, leave=False):
        expression, symbols = example.expression()
        report = analyze(expression, symbols, timeout=config.symbolic_timeout)
        reports[example.name] = report
        rows.append({
            "name": example.name,
            "family": example.family,
            "loss": example.text,
            "variables": list(example.variables),
            "expected": example.expected,
            "classification": report.classification,
            "match": report.classification == example.expected,
            "corridors": [c.describe() for c in report.corridors],
            "reason": report.reason,
            "why": example.why,
            "seconds": round(report.seconds, 4),
        })

    plane = [e for e in GALLERY if len(e.variables) == 2]
    columns = 4
    figure, axes = axes_grid(len(plane), columns, size=(4.0, 3.8))
    for ax, example in zip(axes, plane):
        xlim, ylim = _GALLERY_LIMITS.get(example.name, _DEFAULT_LIMITS)
        plot_corridors(reports[example.name], xlim=xlim, ylim=ylim, ax=ax,
                       resolution=config.plot_resolution, density=0.8,
                       title=f"{example.name}: {reports[example.name].classification}")
    for ax in axes[len(plane):]:
        ax.set_visible(False)
    figure.savefig(out / "gallery.png", dpi=80)
    return {"rows": rows, "figure": "gallery.png"}


# --- 2. proofs ------------------------------------------------------------------
def _proofs_section(config: DemoConfig, progress: bool) -> list[dict]:
    import proofs
    from tqdm.auto import tqdm

    selected = proofs.select(config.proof_names)
    rows = []
    for proof in tqdm(selected, desc="proofs", unit="proof", disable=not progress, leave=False):
        (result,) = proofs.run([proof.name], timeout=config.proof_timeout)
        rows.append({
            "name": result.name,
            "title": result.title,
            "reference": result.reference,
            "status": result.status,
            "dimensions": result.dimensions,
            "steps": len(result.steps),
            "seconds": round(result.seconds, 3),
            "message": result.message,
        })
    return rows


# --- 3. numeric check -----------------------------------------------------------
def _numeric_section(config: DemoConfig, out: Path, progress: bool) -> dict:
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
    grad_norm = float(numeric.safe_norm(at_init.grad))
    hg_norm = float(numeric.safe_norm(at_init.hg))

    drift_rows, drift_results = [], []
    for h in config.drift_learning_rates:
        result = numeric.gd_vs_gf(loss, params, h, config.drift_steps, xb, yb)
        drift_results.append(result)
        predicted = float(result.predicted_gap)
        first = float(result.drift[1])
        drift_rows.append({
            "learning_rate": float(h),
            "steps": config.drift_steps,
            "predicted_first_step_gap": predicted,
            "first_step_drift": first,
            "drift_over_predicted": first / predicted,
            "max_drift": float(np.max(result.drift)),
            "max_gf_error": float(np.max(result.gf_error)),
            "loss_gd_final": float(result.loss_gd[-1]),
            "loss_gf_final": float(result.loss_gf[-1]),
        })

    # Control: the cone of the gallery, a corridor everywhere, through the symbolic-to-JAX bridge.
    cone = next(e for e in GALLERY if e.name == "cone")
    expression, symbols = cone.expression()
    cone_loss = numeric.lambdify_loss(expression, symbols)
    start = jnp.array([3.0, 4.0], jnp.float32)  # E = 5: 10 steps of h = 0.2 stop at E = 3, far from the apex
    control = numeric.gd_vs_gf(cone_loss, start, 0.2, 10)
    control_hg = numeric.hg(cone_loss, start)
    control_row = {
        "loss": cone.text,
        "start": [3.0, 4.0],
        "learning_rate": 0.2,
        "steps": 10,
        "hg_norm": float(numeric.safe_norm(control_hg.hg)),
        "max_drift": float(np.max(control.drift)),
        "max_gf_error": float(np.max(control.gf_error)),
        "loss_gd": [round(float(v), 6) for v in control.loss_gd],
    }

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
    return {
        "model": f"MLP 64-{config.mlp_width}-{config.mlp_width}-10 (tanh), cross-entropy",
        "parameters": n_params,
        "drift_examples": config.drift_examples,
        "at_init": {"loss": float(at_init.value), "grad_norm": grad_norm, "hg_norm": hg_norm},
        "after_training": {
            "loss": float(trained.value),
            "grad_norm": float(numeric.safe_norm(trained.grad)),
            "hg_norm": float(numeric.safe_norm(trained.hg)),
        },
        "drift": drift_rows,
        "control": control_row,
        "probe": {
            "learning_rate": h,
            "batch": config.probe_batch,
            "steps": config.probe_steps,
            "every": config.probe_every,
            "train_loss_first": float(probed.train_loss[0]),
            "train_loss_last": float(probed.train_loss[-1]),
            **{f"{name}_median": float(np.median(getattr(probed, name))) for name in numeric.INDICATOR_NAMES},
        },
        "figures": ["drift.png", "probe.png"],
    }


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


# --- 4. CLR vs SGD --------------------------------------------------------------
def _clr_section(config: DemoConfig, out: Path, progress: bool) -> dict:
    from .._experiments import clr_study

    summary = clr_study.run_study(config.clr_study, out / "clr", progress=progress, log=lambda line: None)
    shown = [r for r in summary["rows"] if r["method"] != "sgd"]  # the sweep is summarised by sgd_best
    return {
        "config": summary["config"],
        "clr_max_learning_rate": summary["clr_max_learning_rate"],
        "rows": shown,
        "verdicts": summary["verdicts"],
        "figures": sorted(str(p.relative_to(out)) for p in (out / "clr").glob("*.png")),
    }


# --- helpers ----------------------------------------------------------------------
def _version() -> str:
    from .. import __version__

    return __version__


def _g(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return f"{value:.{digits}g}"


def _table(header, rows) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _markdown(s: dict) -> str:
    """The human-readable report: the same content as ``summary.json``."""
    g, p, n, c = s["gallery"], s["proofs"], s["numeric"], s["clr"]
    lines = [
        "# corridors demo",
        "",
        f"corridors {s['corridors_version']}, configuration `{s['config']}`, {s['date_utc']}, "
        f"{s['machine']}; wall time {s['wall_s']:.1f} s.",
        "",
        "Corridors are where gradient flow runs in straight lines, θ(t) = θ₀ − t g(θ₀): "
        "H g = ½∇‖g‖² = 0. There the loss decreases linearly and gradient descent equals "
        "gradient flow for every step size h; elsewhere one step drifts by (h²/2)‖H g‖ + O(h³).",
        "",
        "## 1. Symbolic gallery (`corridors.analyze`)",
        "",
        f"{sum(r['match'] for r in g['rows'])} of {len(g['rows'])} classifications equal the one theory "
        f"predicts ({g['wall_s']:.1f} s).",
        "",
    ]
    lines += _table(
        ("loss", "E", "expected", "found", "match", "corridors", "time (s)"),
        [(r["name"], f"`{r['loss']}`", r["expected"], r["classification"], "yes" if r["match"] else "**NO**",
          "; ".join(r["corridors"]) or "–", f"{r['seconds']:.3f}") for r in g["rows"]],
    )
    lines += [
        "",
        "Contours of E, gradient-flow lines (grey), open corridors (green), corridor lines (red), "
        "stationary points (★), kinks (dashed); drawn by `corridors.plot_corridors`:",
        "",
        f"![gallery]({g['figure']})",
        "",
        "## 2. Machine-checked proofs (`proofs.run`)",
        "",
        f"{p['counts']['proved']} proved, {p['counts']['failed']} failed, {p['counts']['unknown']} unknown "
        f"({p['wall_s']:.1f} s). Each statement is derived with SymPy for a generic smooth loss; "
        "every step's residual must simplify to exactly 0.",
        "",
    ]
    lines += _table(
        ("statement", "reference", "dimensions", "verdict", "steps", "time (s)"),
        [(r["title"], r["reference"], r["dimensions"], r["status"], r["steps"], f"{r['seconds']:.2f}")
         for r in p["rows"]],
    )
    init, trained, ctrl, pr = n["at_init"], n["after_training"], n["control"], n["probe"]
    lines += [
        "",
        "## 3. Numeric check: an MLP on scikit-learn's digits (`corridors.numeric`)",
        "",
        f"{n['model']}, {n['parameters']} parameters; E = mean cross-entropy on a fixed batch of "
        f"{n['drift_examples']} images.",
        "",
    ]
    lines += _table(
        ("point", "E", "‖g‖", "‖H g‖"),
        [("initialisation", _g(init["loss"], 4), _g(init["grad_norm"]), _g(init["hg_norm"])),
         (f"after {pr['steps']} SGD steps", _g(trained["loss"], 4), _g(trained["grad_norm"]),
          _g(trained["hg_norm"]))],
    )
    lines += [
        "",
        "H g ≠ 0: the network is not on a corridor, so gradient descent leaves the gradient flow. "
        "`gd_vs_gf` integrates the flow with diffrax next to GD; the first-step drift should match "
        "the prediction (h²/2)‖H g‖ for small h:",
        "",
    ]
    lines += _table(
        ("h", "predicted (h²/2)‖Hg‖", "drift after 1 step", "ratio", "max drift over N steps", "max GF error"),
        [(_g(r["learning_rate"]), _g(r["predicted_first_step_gap"]), _g(r["first_step_drift"]),
          _g(r["drift_over_predicted"]), _g(r["max_drift"]), _g(r["max_gf_error"])) for r in n["drift"]],
    )
    lines += [
        "",
        f"Control, a corridor: the cone `{ctrl['loss']}` through `lambdify_loss`, from {tuple(ctrl['start'])} "
        f"with h = {ctrl['learning_rate']:g}: ‖H g‖ = {_g(ctrl['hg_norm'])}, max drift {_g(ctrl['max_drift'])} "
        f"(GF error estimate {_g(ctrl['max_gf_error'])}); the loss decreases linearly: "
        f"{', '.join(_g(v, 4) for v in ctrl['loss_gd'])}.",
        "",
        "![drift](drift.png)",
        "",
        f"Corridor indicators along SGD (h = {pr['learning_rate']:g}, batch {pr['batch']}, {pr['steps']} steps, "
        f"every {pr['every']}): training loss {_g(pr['train_loss_first'], 4)} → {_g(pr['train_loss_last'], 4)}; "
        f"medians: gap ratio {_g(pr['gap_ratio_median'])}, gradient change {_g(pr['gradient_change_median'])}, "
        f"decrease ratio {_g(pr['decrease_ratio_median'])}, directional sharpness "
        f"{_g(pr['directional_sharpness_median'])} (corridor values 0, 0, 1, 0).",
        "",
        "![probe](probe.png)",
        "",
        "## 4. CLR vs SGD (`corridors.clr`)",
        "",
        f"CLR h = (E − E*)/‖g‖² with E* = 0, capped at {c['clr_max_learning_rate']:g} (the largest SGD "
        f"learning rate of the sweep {tuple(c['config']['sgd_learning_rates'])}); {c['config']['steps']} steps, "
        f"{c['config']['seeds']} seed(s); loss on all 1797 images; batch 1797 is full-batch GD "
        f"({c['wall_s']:.1f} s).",
        "",
    ]
    lines += _table(
        ("batch", "method", "hyper-parameter", "reached loss ≤ target", "steps to target", "final loss",
         "accuracy", "mean CLR h"),
        [(r["batch_size"], r["method"], _g(r["hyperparameter"]), r["reached_target"],
          "never" if r["steps_to_target_median"] is None else f"{r['steps_to_target_median']:.0f}",
          _g(r["final_loss_mean"], 4), _g(r["final_accuracy_mean"]), _g(r["mean_clr_step"]))
         for r in c["rows"]],
    )
    lines += ["", "Verdicts:", ""] + [f"- {line}" for line in c["verdicts"]] + [""]
    lines += [f"![{Path(f).stem}]({f})" for f in c["figures"]]
    lines += ["", "## Files", ""] + [f"- `{f}`" for f in s["figures"]] + ["- `summary.json`", "- `report.md`", ""]
    return "\n".join(lines)
