"""The demo's human-readable report, ``report.md``: the same content as ``summary.json``."""

from __future__ import annotations

import math
from pathlib import Path

from .summary import DemoSummary

__all__ = ["markdown"]


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


def markdown(s: DemoSummary) -> str:
    """The report of a :class:`corridors._demo.run.DemoSummary` as Markdown."""
    g, p, n, c = s.gallery, s.proofs, s.numeric, s.clr
    counts = p.counts
    lines = [
        "# corridors demo",
        "",
        f"corridors {s.corridors_version}, configuration `{s.config}`, {s.date_utc}, "
        f"{s.machine}; wall time {s.wall_s:.1f} s.",
        "",
        "Corridors are where gradient flow runs in straight lines, θ(t) = θ₀ − t g(θ₀): "
        "H g = ½∇‖g‖² = 0. There the loss decreases linearly and gradient descent equals "
        "gradient flow for every step size h; elsewhere one step drifts by (h²/2)‖H g‖ + O(h³).",
        "",
        "## 1. Symbolic gallery (`corridors.analyze`)",
        "",
        f"{g.matched} of {len(g.rows)} classifications equal the one theory "
        f"predicts ({g.wall_s:.1f} s).",
        "",
    ]
    lines += _table(
        ("loss", "E", "expected", "found", "match", "corridors", "time (s)"),
        [(r.name, f"`{r.loss}`", r.expected, r.classification, "yes" if r.match else "**NO**",
          "; ".join(r.corridors) or "–", f"{r.seconds:.3f}") for r in g.rows],
    )
    lines += [
        "",
        "Contours of E, gradient-flow lines (grey), open corridors (green), corridor lines (red), "
        "stationary points (★), kinks (dashed); drawn by `corridors.plot_corridors`:",
        "",
        f"![gallery]({g.figure})",
        "",
        "## 2. Machine-checked proofs (`proofs.run`)",
        "",
        f"{counts['proved']} proved, {counts['failed']} failed, {counts['unknown']} unknown "
        f"({p.wall_s:.1f} s). Each statement is derived with SymPy for a generic smooth loss; "
        "every step's residual must simplify to exactly 0.",
        "",
    ]
    lines += _table(
        ("statement", "reference", "dimensions", "verdict", "steps", "time (s)"),
        [(r.title, r.reference, r.dimensions, r.status, r.steps, f"{r.seconds:.2f}") for r in p.rows],
    )
    init, trained, ctrl, pr = n.at_init, n.after_training, n.control, n.probe
    lines += [
        "",
        "## 3. Numeric check: an MLP on scikit-learn's digits (`corridors.numeric`)",
        "",
        f"{n.model}, {n.parameters} parameters; E = mean cross-entropy on a fixed batch of "
        f"{n.drift_examples} images.",
        "",
    ]
    lines += _table(
        ("point", "E", "‖g‖", "‖H g‖"),
        [("initialisation", _g(init.loss, 4), _g(init.grad_norm), _g(init.hg_norm)),
         (f"after {pr.steps} SGD steps", _g(trained.loss, 4), _g(trained.grad_norm), _g(trained.hg_norm))],
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
        [(_g(r.learning_rate), _g(r.predicted_first_step_gap), _g(r.first_step_drift),
          _g(r.drift_over_predicted), _g(r.max_drift), _g(r.max_gf_error)) for r in n.drift],
    )
    lines += [
        "",
        f"Control, a corridor: the cone `{ctrl.loss}` through `lambdify_loss`, from {tuple(ctrl.start)} "
        f"with h = {ctrl.learning_rate:g}: ‖H g‖ = {_g(ctrl.hg_norm)}, max drift {_g(ctrl.max_drift)} "
        f"(GF error estimate {_g(ctrl.max_gf_error)}); the loss decreases linearly: "
        f"{', '.join(_g(v, 4) for v in ctrl.loss_gd)}.",
        "",
        "![drift](drift.png)",
        "",
        f"Corridor indicators along SGD (h = {pr.learning_rate:g}, batch {pr.batch}, {pr.steps} steps, "
        f"every {pr.every}): training loss {_g(pr.train_loss_first, 4)} → {_g(pr.train_loss_last, 4)}; "
        f"medians: gap ratio {_g(pr.median('gap_ratio'))}, gradient change {_g(pr.median('gradient_change'))}, "
        f"decrease ratio {_g(pr.median('decrease_ratio'))}, directional sharpness "
        f"{_g(pr.median('directional_sharpness'))} (corridor values 0, 0, 1, 0).",
        "",
        "![probe](probe.png)",
        "",
        "## 4. CLR vs SGD (`corridors.clr`)",
        "",
        f"CLR h = (E − E*)/‖g‖² with E* = 0, capped at {c.clr_max_learning_rate:g} (the largest SGD "
        f"learning rate of the sweep {tuple(c.config.sgd_learning_rates)}); {c.config.steps} steps, "
        f"{c.config.seeds} seed(s); loss on all 1797 images; batch 1797 is full-batch GD "
        f"({c.wall_s:.1f} s).",
        "",
    ]
    lines += _table(
        ("batch", "method", "hyper-parameter", "reached loss ≤ target", "steps to target", "final loss",
         "accuracy", "mean CLR h"),
        [(r.batch_size, r.method, _g(r.hyperparameter), r.reached_target,
          "never" if r.steps_to_target_median is None else f"{r.steps_to_target_median:.0f}",
          _g(r.final_loss_mean, 4), _g(r.final_accuracy_mean), _g(r.mean_clr_step))
         for r in c.rows],
    )
    lines += ["", "Verdicts:", ""] + [f"- {line}" for line in c.verdicts] + [""]
    lines += [f"![{Path(f).stem}]({f})" for f in c.figures]
    lines += ["", "## Files", ""] + [f"- `{f}`" for f in s.figures] + ["- `summary.json`", "- `report.md`", ""]
    return "\n".join(lines)
