"""Figures drawn from the symbolic analysis (public entry point: :func:`corridors.plot_corridors`)."""

from .surface import plot_corridors

__all__ = ["plot_corridors"]
