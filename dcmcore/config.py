"""Run-time settings of dcmcore.

Global settings live on :data:`settings`. Every setting can also be
overridden for the current thread (or asyncio task) only, with
:func:`override`::

    with dcmcore.config.override(reading_validation_mode=dcmcore.config.RAISE):
        ds = dcmcore.dcmread(path)

Overrides are kept in a :class:`contextvars.ContextVar`, so concurrent reads
in other threads keep their own values.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

__all__ = [
    "IGNORE",
    "WARN",
    "RAISE",
    "settings",
    "override",
    "Settings",
    "DS_decimal",
    "DS_numpy",
    "datetime_conversion",
]

#: Validation modes.
IGNORE = 0
WARN = 1
RAISE = 2

_DEFAULTS: dict[str, Any] = {
    # how invalid values found while reading are handled
    "reading_validation_mode": WARN,
    # how invalid values set or written are handled
    "writing_validation_mode": WARN,
    # DS values as decimal.Decimal instead of float
    "use_DS_decimal": False,
    # DS values formatted automatically when too long for 16 characters
    "auto_format_DS": True,
    # DA, DT and TM values as datetime.date/datetime/time subclasses
    "datetime_conversion": False,
    # strict character set handling: unknown terms and bad bytes raise
    "strict_charset": False,
    # values longer than this many bytes are read from the file only when accessed
    "defer_size": None,
    # how worker processes for parallel decoding start ("fork", "forkserver", "spawn");
    # None: the interpreter's default, as for concurrent.futures.ProcessPoolExecutor
    "worker_start_method": None,
    # a deflated data set may inflate to at most this many times its compressed size
    # (plus 64 MiB); None: only the absolute limit applies
    "deflate_ratio_limit": 100,
}

# an immutable default: overrides replace the mapping, never mutate it
_overrides: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "dcmcore_config_overrides", default=MappingProxyType({})
)


class Settings:
    """Global settings, read through any active :func:`override`.

    Attributes
    ----------
    reading_validation_mode : int
        :data:`IGNORE`, :data:`WARN` (default) or :data:`RAISE` for invalid values read.
    writing_validation_mode : int
        :data:`IGNORE`, :data:`WARN` (default, as pydicom) or :data:`RAISE` for invalid
        values set on elements or written.
    use_DS_decimal : bool
        Return DS values as :class:`decimal.Decimal` based values.
    auto_format_DS : bool
        Shorten DS values that do not fit 16 characters when writing.
    datetime_conversion : bool
        Return DA, DT and TM values as :mod:`datetime` based values.
    strict_charset : bool
        Raise on unknown character sets and undecodable bytes instead of warning.
    defer_size : int or None
        Values longer than this many bytes are read from the file only when accessed.
    worker_start_method : str or None
        How worker processes for parallel decoding (``workers=``) start: ``"fork"``,
        ``"forkserver"`` or ``"spawn"``; None (default) uses the interpreter's default
        start method, as :class:`concurrent.futures.ProcessPoolExecutor` does.
        ``"forkserver"`` avoids forking a process that runs threads (Python 3.12+ warns
        about that); the program's main module must then be importable without side
        effects (``if __name__ == "__main__":``).
    deflate_ratio_limit : float or None
        A Deflated Explicit VR Little Endian data set may inflate to at most this many
        times the compressed bytes read so far, plus 64 MiB (default 100); more raises
        :class:`~dcmcore.errors.MalformedDataError` naming the offset (a deflate bomb).
        None removes the ratio limit (``dcmcore.io.reader.MAX_INFLATED_SIZE``, 4 GiB,
        still applies). Raise it only for trusted files with extreme compression.
    """

    __slots__ = ("_globals",)

    def __init__(self) -> None:
        object.__setattr__(self, "_globals", dict(_DEFAULTS))

    def __getattr__(self, name: str) -> Any:
        local = _overrides.get()
        if name in local:
            return local[name]
        try:
            return self._globals[name]
        except KeyError:
            raise AttributeError(f"dcmcore.config has no setting {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _DEFAULTS:
            raise AttributeError(f"dcmcore.config has no setting {name!r}")
        self._globals[name] = value

    def reset(self) -> None:
        """Restore every global setting to its default."""
        self._globals.clear()
        self._globals.update(_DEFAULTS)

    def as_dict(self) -> dict[str, Any]:
        """The effective settings for the current context."""
        return {name: getattr(self, name) for name in _DEFAULTS}


settings = Settings()


@contextmanager
def override(**values: Any) -> Iterator[None]:
    """Override settings for the current thread or task only, inside a ``with`` block.

    Parameters
    ----------
    **values
        Setting names and the values to use inside the block.
    """
    unknown = set(values) - set(_DEFAULTS)
    if unknown:
        raise AttributeError(f"dcmcore.config has no setting(s) {sorted(unknown)}")
    token = _overrides.set({**_overrides.get(), **values})
    try:
        yield
    finally:
        _overrides.reset(token)


def DS_decimal(use_Decimal_boolean: bool = True) -> None:
    """Return DS values as Decimal (True) or float (False), as pydicom's function does."""
    settings.use_DS_decimal = use_Decimal_boolean


def DS_numpy(use_numpy: bool = True) -> None:
    """Accepted for pydicom compatibility; numpy DS arrays are not supported."""
    if use_numpy:
        raise ValueError("dcmcore does not return DS values as numpy arrays")


def datetime_conversion(enabled: bool = True) -> None:
    """Return DA, DT and TM values as datetime-based objects when `enabled`."""
    settings.datetime_conversion = enabled


def __getattr__(name: str) -> Any:
    # pydicom-style module attributes: dcmcore.config.use_DS_decimal, ...
    if name in _DEFAULTS:
        return getattr(settings, name)
    raise AttributeError(f"module 'dcmcore.config' has no attribute {name!r}")
