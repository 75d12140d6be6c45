"""What the plugin manager knows about each plugin and codec, kept and reported.

:class:`PluginRecord` is the manager's mutable bookkeeping for one plugin;
:class:`PluginInfo` and :class:`CodecInfo` are the frozen views that
:func:`dcmcore.codecs.list_plugins` and :func:`dcmcore.codecs.available_decoders`
return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

__all__ = [
    "BUILTIN",
    "ENTRY_POINT",
    "RUNTIME",
    "CodecInfo",
    "PluginInfo",
    "PluginRecord",
    "describe",
    "describe_object",
]

BUILTIN: Final = "builtin"
ENTRY_POINT: Final = "entry point"
RUNTIME: Final = "runtime"
_RANK: Final = {BUILTIN: 0, ENTRY_POINT: 1, RUNTIME: 2}


@dataclass(frozen=True)
class PluginInfo:
    """What is known about one plugin.

    Attributes
    ----------
    name : str
        Registration name (the entry-point name for installed plugins).
    distribution, version : str
        The distribution that installed it and its version (``""`` when unknown).
    source : str
        ``"entry point"``, ``"runtime"`` (:func:`dcmcore.codecs.register`) or
        ``"builtin"`` (dcmcore's own).
    status : str
        ``"loaded"``; ``"broken"`` when it failed to import or register, or when its
        hooks gave no usable codec at all; ``"blocked"`` when a setting keeps it out.
    error : str
        The problems joined with ``"; "`` (``""`` when there are none).
    decoders, encoders : tuple of str
        Names of the codecs accepted from it.
    transfer_syntaxes : tuple of str
        UIDs of the transfer syntaxes it registered.
    problems : tuple of str
        Each problem: why it is blocked or broken, hooks that raised or returned
        something unusable, codecs skipped (a loaded plugin may have some too).
    """

    name: str
    distribution: str
    version: str
    source: str
    status: str
    error: str = ""
    decoders: tuple[str, ...] = ()
    encoders: tuple[str, ...] = ()
    transfer_syntaxes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodecInfo:
    """What is known about one decoder or encoder.

    Attributes
    ----------
    name, kind : str
        The codec's name and ``"decoder"`` or ``"encoder"``.
    plugin, distribution : str
        Its plugin, and the distribution that installed the plugin.
    transfer_syntaxes : tuple of str
        UIDs it handles.
    priority : int
        Its default priority (higher is tried first).
    thread_safe, process_safe, supports_batch : bool
        As declared by the codec.
    available : bool
        Whether it can run now; ``reason`` says why not.
    reason : str or None
        Why it is unavailable (None when available).
    version : str
        The distribution's version.
    library, library_version : str
        The codec library doing the work and its installed version (read from the
        library's metadata, never by importing it); ``""`` when the codec names no
        library, ``"not installed"`` when it is missing.
    license : str
        The codec library's licence, as declared by the codec.
    """

    name: str
    kind: str
    plugin: str
    distribution: str
    transfer_syntaxes: tuple[str, ...]
    priority: int
    thread_safe: bool
    process_safe: bool
    supports_batch: bool
    available: bool
    reason: str | None
    version: str = ""
    library: str = ""
    library_version: str = ""
    license: str = ""


@dataclass(eq=False)
class PluginRecord:
    """One plugin's registration, and what the last call of its hooks found."""

    name: str
    distribution: str = ""
    version: str = ""
    source: str = RUNTIME
    number: int = 0  # order of a runtime registration (0 for builtins and entry points)
    plugin: object = None  # runtime registrations: the object, to register again
    load_error: str = ""  # import or registration failure
    blocked_by: str = ""
    problems: list[str] = field(default_factory=list)
    offered: tuple[str, ...] = ()  # names of the codecs its hooks returned
    contributed: bool = False  # its hooks gave at least one usable codec or syntax

    @property
    def status(self) -> str:
        """``"blocked"``, ``"broken"`` or ``"loaded"`` (see :class:`PluginInfo`)."""
        if self.blocked_by:
            return "blocked"
        if self.load_error or (self.problems and not self.contributed):
            return "broken"
        return "loaded"

    def names(self) -> tuple[str, ...]:
        """Every name that selects this plugin: its own, its distribution's, its codecs'."""
        return (self.name, self.distribution, *self.offered)

    def rank(self) -> tuple[int, int, str]:
        """Registration order: builtins, entry points by name, runtime ones by call order."""
        return (_RANK[self.source], self.number, self.name)

    def label(self) -> str:
        """``plugin 'name' (distribution dist 1.0)``, for messages."""
        if self.distribution:
            origin = f"distribution {self.distribution} {self.version}".rstrip()
        else:
            origin = "registered at run time" if self.source == RUNTIME else "no distribution"
        return f"plugin {self.name!r} ({origin})"

    def all_problems(self) -> tuple[str, ...]:
        """Why it is blocked, its load error, then the problems of its hooks."""
        found = [f"blocked by {self.blocked_by}"] if self.blocked_by else []
        if self.load_error:
            found.append(self.load_error)
        return (*found, *self.problems)

    def reset_collection(self) -> None:
        """Forget what the previous call of its hooks found."""
        self.problems = []
        self.offered = ()
        self.contributed = False


def describe(exc: BaseException) -> str:
    """``"TypeName: message"`` for an exception."""
    return f"{type(exc).__name__}: {exc}"


def describe_object(obj: object) -> str:
    """A short description of a hook's result, without an address that changes per call."""
    text = repr(obj)
    if " at 0x" in text or len(text) > 80:
        return f"a {type(obj).__qualname__} object"
    return text
