"""Warnings about plugins and codec settings, attributed to the caller's code.

A warning raised while plugins load is several calls deep inside dcmcore, and how
deep depends on which public call started the loading (``ds.pixel_array``,
``dcmcore.codecs.list_plugins()``...).  A fixed ``stacklevel`` would point at
dcmcore's internals for most of them, so :func:`warn` walks the stack to the
first frame outside dcmcore, pluggy and importlib (Python 3.12's
``skip_file_prefixes`` does the same; dcmcore supports 3.11).
"""

from __future__ import annotations

import importlib
import re
import sys
import threading
import warnings
from pathlib import Path
from typing import Final

import pluggy

from dcmcore.errors import DcmcoreWarning

__all__ = ["warn", "warn_once", "forget_warnings"]

_INTERNAL_PREFIXES: Final = (
    str(Path(__file__).resolve().parents[1]),  # the dcmcore package
    str(Path(pluggy.__path__[0]).resolve()),
    str(Path(importlib.__path__[0]).resolve()),
    "<frozen importlib",
)
_ADDRESS: Final = re.compile(r" at 0x[0-9a-fA-F]+")

_lock = threading.Lock()
_warned: set[str] = set()


def _caller_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside dcmcore, for a warn() in our caller."""
    frame = sys._getframe(2)  # the caller of warn() / warn_once()
    level = 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_INTERNAL_PREFIXES):
        frame = frame.f_back
        level += 1
    return level


def warn(message: str) -> None:
    """Issue a :class:`DcmcoreWarning` attributed to the first caller outside dcmcore."""
    warnings.warn(message, DcmcoreWarning, stacklevel=_caller_stacklevel())


def warn_once(message: str) -> None:
    """Like :func:`warn`, once per message per process.

    Plugin hooks are called again whenever the registry changes, and a plugin
    loaded again by :func:`dcmcore.codecs.reload` fails the same way: the same
    problem is reported once.  Object addresses (``<X object at 0x...>``) are
    ignored when comparing messages, since a hook returns new objects each time.
    """
    key = _ADDRESS.sub("", message)
    with _lock:
        if key in _warned:
            return
        _warned.add(key)
    warnings.warn(message, DcmcoreWarning, stacklevel=_caller_stacklevel())


def forget_warnings() -> None:
    """Let every message of :func:`warn_once` be issued again (for tests)."""
    with _lock:
        _warned.clear()
