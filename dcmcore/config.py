"""Run-time settings of dcmcore.

Global settings live on :data:`settings`. Every setting can also be
overridden for the current thread (or asyncio task) only, with
:func:`override`::

    with dcmcore.config.override(reading_validation_mode=dcmcore.config.RAISE):
        ds = dcmcore.dcmread(path)

Overrides are kept in a :class:`contextvars.ContextVar`, so concurrent reads
in other threads keep their own values.

pydicom 3's module-level switches work the same way on this module:
``config.use_DS_decimal = True`` sets the global setting (read back as
``config.use_DS_decimal`` or ``config.settings.use_DS_decimal``). An assignment
of a value dcmcore cannot honour raises (:class:`NotImplementedError` or
:class:`ValueError` naming the setting); it is never silently ignored.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dcmcore.hooks import Hooks

__all__ = [
    "IGNORE",
    "WARN",
    "RAISE",
    "settings",
    "override",
    "Settings",
    "DS_decimal",
    "DS_numpy",
    "debug",
    "disable_value_validation",
    "strict_reading",
    "future_behavior",
    "reset_data_element_callback",
    "logger",
    "have_numpy",
]

#: Validation modes.
IGNORE = 0
WARN = 1
RAISE = 2

#: numpy is a core dependency of dcmcore (pydicom's flag of the same name).
have_numpy = True

#: The ``"dcmcore"`` logger (pydicom's ``config.logger``); see :func:`debug`.
logger = logging.getLogger("dcmcore")
logger.addHandler(logging.NullHandler())

_BEHAVIOURS = ("WARN", "RAISE", "IGNORE")

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
    # large native Pixel Data of a file read by path stays in the file until first used
    "pixel_data_in_file": True,
    # --- pydicom 3's switches (same names, same defaults) ---
    # unknown CamelCase attribute names on a dataset: "WARN", "RAISE" or "IGNORE"
    "INVALID_KEYWORD_BEHAVIOR": "WARN",
    # invalid keys used with ``in``: "WARN", "RAISE" or "IGNORE"
    "INVALID_KEY_BEHAVIOR": "WARN",
    # the file meta shown by str(FileDataset)
    "show_file_meta": True,
    # DSdecimal accepts a float argument
    "allow_DS_float": False,
    # debug logging on the "dcmcore" logger (set through debug())
    "debugging": False,
    # DS / IS values read as numpy numbers (several: arrays)
    "use_DS_numpy": False,
    "use_IS_numpy": False,
    # explicit UN of a known tag gets the dictionary VR
    "replace_un_with_known_vr": True,
    # an explicit VR file whose VRs are invalid is read as implicit VR (only True)
    "assume_implicit_vr_switch": True,
    # undefined-length UN read as a sequence (PS3.5 6.2.2; only True)
    "infer_sq_for_un_vr": True,
    # binary values of a wrong length become UN with their bytes (else: warn and cut)
    "convert_wrong_length_to_UN": False,
    # empty values as None instead of "" / PersonName("")
    "use_none_as_empty_text_VR_value": False,
    # JPEG 2000 sign correction of decoded pixels (the pixels option's default)
    "APPLY_J2K_CORRECTIONS": True,
    # pydicom's chunk size for buffered values
    "buffered_read_size": 8192,
}


def _choice(name: str, allowed: tuple[Any, ...]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, str):
            value = value.upper()
        if value not in allowed:
            raise ValueError(f"dcmcore.config.{name} must be one of {allowed}, not {value!r}")
        return value

    return check


def _only(name: str, supported: bool, why: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if bool(value) is not supported:
            raise NotImplementedError(f"dcmcore.config.{name} = {value!r} is not supported: {why}")
        return bool(value)

    return check


def _positive(name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value <= 0:
            raise ValueError(f"dcmcore.config.{name}: the read size must be greater than 0")
        return value

    return check


def _mode(name: str) -> Callable[[Any], Any]:
    return _choice(name, (IGNORE, WARN, RAISE))


#: Checks applied to a setting's new value (settings not listed accept any value).
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "reading_validation_mode": _mode("reading_validation_mode"),
    "writing_validation_mode": _mode("writing_validation_mode"),
    "INVALID_KEYWORD_BEHAVIOR": _choice("INVALID_KEYWORD_BEHAVIOR", _BEHAVIOURS),
    "INVALID_KEY_BEHAVIOR": _choice("INVALID_KEY_BEHAVIOR", _BEHAVIOURS),
    "assume_implicit_vr_switch": _only(
        "assume_implicit_vr_switch", True, "the reader always checks the VR encoding"
    ),
    "infer_sq_for_un_vr": _only(
        "infer_sq_for_un_vr", True, "an undefined-length UN is always read as a sequence"
    ),
    "buffered_read_size": _positive("buffered_read_size"),
}

# an immutable default: overrides replace the mapping, never mutate it
_overrides: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "dcmcore_config_overrides", default=MappingProxyType({})
)


def _checked(name: str, value: Any) -> Any:
    check = _CHECKS.get(name)
    return value if check is None else check(value)


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
    pixel_data_in_file : bool
        True (default): native Pixel Data of 1 MiB or more in a file over 8 MiB read by
        path is left in the file until ``pixel_array`` or ``PixelData`` first needs it,
        so ``pixel_array`` reads it once, straight into the array (pydicom reads it into
        ``bytes`` and copies it again: twice the memory). The file must then stay
        unchanged until that first use: a file deleted, truncated or replaced meanwhile
        raises a :class:`~dcmcore.errors.DcmcoreError` naming it. False reads Pixel Data
        at ``dcmread`` time, as pydicom does (for files about to be deleted or changed).
    INVALID_KEYWORD_BEHAVIOR, INVALID_KEY_BEHAVIOR : str
        ``"WARN"`` (default), ``"RAISE"`` or ``"IGNORE"``: an unknown CamelCase
        attribute set on a dataset, an invalid key used with ``in`` (pydicom's).
    show_file_meta : bool
        ``str(FileDataset)`` shows the file meta (default True).
    allow_DS_float : bool
        :class:`~dcmcore.values.DSdecimal` accepts a ``float`` (default False).
    debugging : bool
        Whether :func:`debug` logging is on.
    replace_un_with_known_vr : bool
        An explicit UN of a tag the dictionary knows gets the dictionary's VR (default True).
    convert_wrong_length_to_UN : bool
        A binary value whose length is not a multiple of its VR's size becomes UN holding
        its bytes, with a warning (default False: warn and drop the extra bytes).
    use_none_as_empty_text_VR_value : bool
        Empty values are None instead of ``''`` / an empty PersonName (default False).
    use_DS_numpy, use_IS_numpy : bool
        DS (IS) values are read as a numpy ``float64`` (``int64``), several as an array
        (default False).
    assume_implicit_vr_switch, infer_sq_for_un_vr : bool
        pydicom's switches; only ``True`` (dcmcore's behaviour) is supported.
    APPLY_J2K_CORRECTIONS : bool
        pydicom's JPEG 2000 sign-correction switch (default True).
    buffered_read_size : int
        Chunk size used when reading buffered values (default 8192).
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
        self._globals[name] = _checked(name, value)

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
    checked = {name: _checked(name, value) for name, value in values.items()}
    token = _overrides.set({**_overrides.get(), **checked})
    try:
        yield
    finally:
        _overrides.reset(token)


def DS_decimal(use_Decimal_boolean: bool = True) -> None:
    """Return DS values as Decimal (True) or float (False), as pydicom's function does.

    Examples
    --------
    >>> from dcmcore import config
    >>> config.DS_decimal(True)
    >>> config.use_DS_decimal
    True
    >>> config.DS_decimal(False)
    """
    settings.use_DS_decimal = use_Decimal_boolean


def DS_numpy(use_numpy: bool = True) -> None:
    """Read DS values as numpy numbers and arrays (True), as pydicom's function does.

    IS values follow ``config.use_IS_numpy``, set separately.

    Raises
    ------
    ValueError
        If `use_numpy` and ``use_DS_decimal`` are both set (as pydicom).
    """
    if use_numpy and settings.use_DS_decimal:
        raise ValueError("Cannot use numpy arrays to read DS elements if `use_DS_decimal` is True")
    settings.use_DS_numpy = use_numpy


def debug(debug_on: bool = True, default_handler: bool = True) -> None:
    """Turn debug logging of reading and writing on or off (pydicom's ``config.debug``).

    Parameters
    ----------
    debug_on : bool, optional
        True (default): the ``"dcmcore"`` logger logs at DEBUG level; False: WARNING.
    default_handler : bool, optional
        True (default): also add a :class:`logging.StreamHandler` to the logger.
    """
    if default_handler:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug_on else logging.WARNING)
    settings.debugging = bool(debug_on)


@contextmanager
def disable_value_validation() -> Iterator[None]:
    """Turn value validation off for reading and writing inside a ``with`` block.

    Unlike pydicom's, the change is seen by the current thread or task only.
    """
    with override(reading_validation_mode=IGNORE, writing_validation_mode=IGNORE):
        yield


@contextmanager
def strict_reading() -> Iterator[None]:
    """Make invalid values read raise inside a ``with`` block (current thread or task)."""
    with override(reading_validation_mode=RAISE):
        yield


#: True after ``future_behavior()``: names pydicom deprecated for its next major version
#: (``encaps``, ``pixel_data_handlers``) are then gone, as they are in pydicom.
_use_future: bool = False


def future_behavior(enable_future: bool = True) -> None:
    """Imitate pydicom's next major version, as pydicom's function does.

    True: unknown CamelCase keywords raise and invalid values written raise;
    False: both back to warnings.
    """
    global _use_future
    _use_future = bool(enable_future)
    settings.INVALID_KEYWORD_BEHAVIOR = "RAISE" if enable_future else "WARN"
    settings.writing_validation_mode = RAISE if enable_future else WARN


def _hooks() -> Hooks:
    """The raw-element hook registry of `dcmcore.hooks`."""
    from dcmcore import hooks  # deferred: hooks imports the data model, which imports config

    return hooks.hooks


def reset_data_element_callback() -> None:
    """Remove pydicom's deprecated ``data_element_callback`` and its keyword arguments."""
    _hooks().raw_element_callback = None
    _hooks().raw_element_callback_kwargs = {}


# pydicom's module-level switches whose value lives elsewhere than in `settings`
def _get_enforce_valid_values() -> bool:
    return bool(settings.reading_validation_mode == RAISE)


def _set_enforce_valid_values(value: Any) -> None:
    mode = RAISE if value else WARN
    settings.reading_validation_mode = mode
    settings.writing_validation_mode = mode


def _get_callback() -> Any:
    return _hooks().raw_element_callback


def _set_callback(value: Any) -> None:
    _hooks().raw_element_callback = value


def _get_callback_kwargs() -> Any:
    return _hooks().raw_element_callback_kwargs


def _set_callback_kwargs(value: Any) -> None:
    _hooks().raw_element_callback_kwargs = dict(value)


_PROPERTIES: dict[str, tuple[Callable[[], Any], Callable[[Any], None]]] = {
    "enforce_valid_values": (_get_enforce_valid_values, _set_enforce_valid_values),
    "data_element_callback": (_get_callback, _set_callback),
    "data_element_callback_kwargs": (_get_callback_kwargs, _set_callback_kwargs),
}

_PROPERTY_DEFAULTS: dict[str, Any] = {
    "enforce_valid_values": False,
    "data_element_callback": None,
    "data_element_callback_kwargs": {},
}

# Declared for type checkers; the values are read through __getattr__ below.
use_DS_decimal: bool
datetime_conversion: bool
auto_format_DS: bool
use_DS_numpy: bool
use_IS_numpy: bool
allow_DS_float: bool
INVALID_KEYWORD_BEHAVIOR: str
INVALID_KEY_BEHAVIOR: str
replace_un_with_known_vr: bool
convert_wrong_length_to_UN: bool
show_file_meta: bool
debugging: bool
assume_implicit_vr_switch: bool
use_none_as_empty_text_VR_value: bool
APPLY_J2K_CORRECTIONS: bool
enforce_valid_values: bool
data_element_callback: Callable[..., Any] | None
data_element_callback_kwargs: dict[str, Any]


def __getattr__(name: str) -> Any:
    # pydicom-style module attributes: dcmcore.config.use_DS_decimal, ...
    if name in _DEFAULTS:
        return getattr(settings, name)
    if name in _PROPERTIES:
        return _PROPERTIES[name][0]()
    raise AttributeError(f"module 'dcmcore.config' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_DEFAULTS, *_PROPERTIES})


class _ConfigModule(types.ModuleType):
    """This module's type: an assignment to a setting's name sets the setting."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _DEFAULTS:
            setattr(settings, name, value)
        elif name in _PROPERTIES:
            _PROPERTIES[name][1](value)
        else:
            super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        # deleting a setting restores its default (what undoing a monkeypatch does)
        if name in _DEFAULTS:
            setattr(settings, name, _DEFAULTS[name])
        elif name in _PROPERTIES:
            _PROPERTIES[name][1](_PROPERTY_DEFAULTS[name])
        else:
            super().__delattr__(name)


sys.modules[__name__].__class__ = _ConfigModule
