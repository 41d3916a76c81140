"""CPU-scale reproductions of the paper's experiments (not part of the public API).

:mod:`.clr_study` compares the Corridor Learning Rate with tuned SGD, Polyak
SGD and Adam on scikit-learn's digits data (``corridors bench clr``).
"""
