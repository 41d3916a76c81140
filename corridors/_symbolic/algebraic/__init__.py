"""Exact algebra for the corridor set: models, ideals, real points.

* :mod:`.models` turns a loss into polynomials over ℚ (exponentials of linear
  forms, square roots, logarithms and trigonometric functions become
  auxiliary variables with their relations);
* :mod:`.ideals` computes with those polynomials (Gröbner bases, saturation,
  elimination, primary decomposition) through Singular when its wheel is
  installed, and through SymPy otherwise;
* :mod:`.corridor_set` builds the system whose real solutions are exactly the
  corridor points; :mod:`.real_points` decides which components have them.
"""
