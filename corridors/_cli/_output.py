"""Output folders of the sub-commands: checked before any work starts."""

from __future__ import annotations

import os
import tempfile

from .._errors import InvalidArgument

__all__ = ["writable_folder"]


def writable_folder(path, option: str = "--out") -> str:
    """Create ``path`` if needed and make sure files can be written into it.

    Fails before minutes (or hours) of computation, not after, with an
    :class:`InvalidArgument` that names the option and what to do.
    """
    path = os.fspath(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise InvalidArgument(f"{option} {path!r} is an existing file, not a folder: pass a folder (new or existing)")
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise InvalidArgument(
            f"cannot write into {option} {path!r} ({error.strerror or error}): pass a folder you can write to"
        ) from None
    return path
