"""CPU-scale reproductions of the paper's experiments (not part of the public API).

The CLR study (``corridors bench clr``) compares the Corridor Learning Rate with
tuned SGD, Polyak SGD, Adam and optax.contrib's parameter-free optimizers on
scikit-learn data: :mod:`.study` runs it (:class:`.study.StudyConfig`, presets
``QUICK`` and ``FULL``), :mod:`.methods` holds one record per optimizer,
:mod:`.results` the rows and comparisons, :mod:`.tables` and :mod:`.plots` the
output. :mod:`.tasks`, :mod:`.models` and :mod:`.digits` are the data and models.
"""
