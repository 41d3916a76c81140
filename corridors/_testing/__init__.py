"""Testing layer: Hypothesis strategies for losses with known corridors."""
