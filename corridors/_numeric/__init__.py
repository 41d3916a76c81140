"""Private JAX backend of :mod:`corridors.numeric` (see that module for the API)."""
