"""The plugin manager: discovers plugins, collects their codecs, reports what is installed.

pluggy registers plugins and validates their hook implementations; this module
calls each plugin's hooks one by one (so one broken plugin cannot hide the
others) and keeps an immutable snapshot of every decoder and encoder.

Entry points (group ``"dcmcore"``) are read lazily, on the first codec use,
never at ``import dcmcore``.  dcmcore's own codecs (``"deflate"`` and
``"uncompressed"`` in :mod:`dcmcore.codecs.deflate`) are loaded in the same step as
builtin plugin ``"deflate"``, whatever the autoload setting (the module is imported by
name then, so ``import dcmcore`` stays cheap).  A plugin that fails to import, or whose hook
raises or returns nonsense, is reported with a :class:`DcmcoreWarning` and
skipped.
"""

from __future__ import annotations

import importlib
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from dcmcore.codecs import config as _config
from dcmcore.codecs import hookspecs
from dcmcore.codecs.base import Codec, Decoder, Encoder
from dcmcore.errors import DcmcoreWarning, PluginError

__all__ = [
    "PluginInfo",
    "CodecInfo",
    "register",
    "unregister",
    "block",
    "unblock",
    "reload",
    "list_plugins",
    "available_decoders",
    "available_encoders",
    "all_decoders",
    "all_encoders",
]

ENTRY_POINT_GROUP = "dcmcore"

BUILTIN_PLUGINS: tuple[tuple[str, str, str], ...] = (
    ("deflate", "dcmcore.codecs.deflate", "DeflatePlugin"),
)
"""dcmcore's own plugins: (plugin name, module, attribute holding the hook implementations)."""


@dataclass(frozen=True)
class PluginInfo:
    """What is known about one plugin.

    ``status`` is ``"loaded"``, ``"broken"`` (import or hook failure, see
    ``error``), or ``"blocked"`` (not loaded, see ``error`` for by whom).
    ``source`` is ``"entry point"``, ``"runtime"`` or ``"builtin"`` (dcmcore's own).
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


@dataclass(frozen=True)
class CodecInfo:
    """What is known about one decoder or encoder (``reason`` is why it is unavailable)."""

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


@dataclass
class _Record:
    name: str
    distribution: str = ""
    version: str = ""
    source: str = "runtime"
    status: str = "loaded"
    errors: list[str] = field(default_factory=list)
    codecs: tuple[str, ...] = ()  # names of its decoders and encoders, once collected
    plugin: object = None  # runtime registrations: the object, to register again on unblock

    def names(self) -> tuple[str, ...]:
        """Every name that selects this plugin: its own, its distribution's, its codecs'."""
        return (self.name, self.distribution, *self.codecs)

    def mark_blocked(self, by: str) -> None:
        self.status = "blocked"
        self.errors = [e for e in self.errors if not e.startswith("blocked by ")]
        self.errors.append(f"blocked by {by}")


@dataclass(frozen=True)
class _Snapshot:
    decoders: tuple[Decoder, ...]
    encoders: tuple[Encoder, ...]
    syntaxes: tuple[Any, ...]
    by_plugin: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]


_EMPTY_SNAPSHOT = _Snapshot((), (), (), {})


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


_warned: set[str] = set()


def _warn(message: str) -> None:
    # once per message per process (hook failures would repeat at every re-collection)
    if message in _warned:
        return
    _warned.add(message)
    warnings.warn(message, DcmcoreWarning, stacklevel=3)


def _dist_of(ep: metadata.EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "", ""
    try:
        return str(dist.metadata["Name"] or dist.name or ""), str(dist.version or "")
    except Exception:  # unreadable METADATA: still load the plugin
        return "", ""


def _own_version() -> str:
    try:
        return metadata.version("dcmcore")
    except Exception:  # not installed (source tree on sys.path)
        return ""


class _Registry:
    """Process-wide plugin state; every method is thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._pm = self._new_pm()
        self._records: dict[str, _Record] = {}
        self._blocked: dict[str, str] = {}  # name -> who blocked it
        self._autoloaded = False
        self._snapshot: _Snapshot | None = None
        self._availability: dict[int, str | None] = {}
        self._busy = False
        self.generation = 0
        self.load_builtins = True  # the codecs tests switch it off for an empty registry

    @staticmethod
    def _new_pm() -> pluggy.PluginManager:
        pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        pm.add_hookspecs(hookspecs)
        return pm

    # -- loading -----------------------------------------------------------------------------

    def _invalidate(self) -> None:
        self._snapshot = None
        self._availability = {}
        self.generation += 1

    def _is_blocked(self, *names: str) -> str:
        env_blocked = _config.blocked_names()
        for name in names:
            if name and name in self._blocked:
                return self._blocked[name]
            if name and name in env_blocked:
                return env_blocked[name]
        return ""

    def _load_builtins(self) -> None:
        for name, module, attr in BUILTIN_PLUGINS:
            if name in self._records or self._pm.get_plugin(name) is not None:
                continue  # known already (e.g. registered by dcmcore.pixels at run time)
            record = self._records[name] = _Record(name, "dcmcore", _own_version(), "builtin")
            blocker = self._is_blocked(name, record.distribution)
            if blocker:
                record.mark_blocked(blocker)
                continue
            try:
                plugin = getattr(importlib.import_module(module), attr)
                self._pm.register(plugin, name=name)
            except Exception as exc:  # e.g. numpy missing: the other codecs keep working
                record.status = "broken"
                record.errors.append(f"builtin plugin failed: {_describe(exc)}")
                _warn(f"dcmcore builtin plugin {name!r} failed to load: {_describe(exc)}")

    def _load_entry_points(self) -> None:
        self._autoloaded = True
        if self.load_builtins:
            self._load_builtins()
        autoload, _ = _config.autoload_state()
        if not autoload:
            return
        try:
            eps = metadata.entry_points(group=ENTRY_POINT_GROUP)
        except Exception as exc:  # broken metadata on sys.path must not break decoding
            _warn(f"dcmcore could not read entry points: {_describe(exc)}")
            return
        seen: set[str] = set()
        for ep in sorted(eps, key=lambda e: e.name):
            if ep.name in seen:  # same distribution visible twice on sys.path
                continue
            seen.add(ep.name)
            dist_name, version = _dist_of(ep)
            record = _Record(ep.name, dist_name or "", version or "", "entry point")
            if ep.name in self._records:  # registered at run time under that name
                continue
            self._records[ep.name] = record
            blocker = self._is_blocked(ep.name, record.distribution)
            if blocker:
                record.mark_blocked(blocker)
                continue
            try:
                plugin = ep.load()
            except BaseException as exc:  # SystemExit from a broken import included
                if isinstance(exc, KeyboardInterrupt):
                    raise
                record.status = "broken"
                record.errors.append(f"import failed: {_describe(exc)}")
                _warn(
                    f"dcmcore plugin {ep.name!r} ({ep.value}) from "
                    f"{record.distribution or 'an unknown distribution'} failed to load and is "
                    f"skipped: {_describe(exc)}"
                )
                continue
            try:
                self._pm.register(plugin, name=ep.name)
            except Exception as exc:
                record.status = "broken"
                record.errors.append(f"registration failed: {_describe(exc)}")
                _warn(f"dcmcore plugin {ep.name!r} is invalid and is skipped: {_describe(exc)}")

    def _ensure(self) -> _Snapshot:
        snap = self._snapshot
        if snap is not None:
            return snap
        with self._lock:
            if self._busy:  # a plugin's import or hook asked for codecs while loading
                return _EMPTY_SNAPSHOT
            self._busy = True
            try:
                if not self._autoloaded:
                    self._load_entry_points()
                    self._snapshot = None
                if self._snapshot is None:
                    self._snapshot = self._collect()
                return self._snapshot
            finally:
                self._busy = False

    def _call_hook(self, hook_name: str, plugin_name: str, func: Callable[[], Any]) -> list[Any]:
        record = self._records.setdefault(plugin_name, _Record(plugin_name))
        try:
            result = func()
        except Exception as exc:
            record.errors.append(f"{hook_name}() raised {_describe(exc)}")
            record.status = "broken"
            _warn(f"dcmcore plugin {plugin_name!r}: {hook_name}() raised {_describe(exc)}; "
                  "its results are skipped")
            return []
        if result is None:
            return []
        if isinstance(result, (str, bytes)) or not hasattr(result, "__iter__"):
            record.errors.append(f"{hook_name}() returned {type(result).__name__}, not a list")
            _warn(f"dcmcore plugin {plugin_name!r}: {hook_name}() must return a list, "
                  f"got {type(result).__name__}; ignored")
            return []
        return list(result)

    def _accept(self, codec: Any, base: type[Codec], hook: str, record: _Record,
                names: set[str]) -> bool:
        problem = ""
        if not isinstance(codec, base):
            problem = f"{codec!r} is not a {base.__name__} instance"
        elif not isinstance(codec.name, str) or not codec.name:
            problem = f"{type(codec).__name__} has no name"
        elif codec.name in names:
            problem = f"a {base.__name__.lower()} named {codec.name!r} is already registered"
        else:
            try:
                syntaxes = tuple(codec.transfer_syntaxes)
                if not all(isinstance(s, str) for s in syntaxes):
                    raise TypeError("transfer_syntaxes must hold UID strings")
                int(codec.priority)
            except (TypeError, ValueError) as exc:
                problem = f"{codec.name!r}: {exc}"
        if problem:
            record.errors.append(f"{hook}(): {problem}")
            _warn(f"dcmcore plugin {record.name!r}: {hook}(): {problem}; skipped")
            return False
        names.add(codec.name)
        try:
            codec.plugin = record.name
            if not codec.provided_by:
                codec.provided_by = record.distribution
        except AttributeError:  # __slots__ codec: leave its own values
            pass
        return True

    def _collect(self) -> _Snapshot:
        decoders: list[Decoder] = []
        encoders: list[Encoder] = []
        syntaxes: list[Any] = []
        by_plugin: dict[str, tuple[list[str], list[str], list[str]]] = {}
        dec_names: set[str] = set()
        enc_names: set[str] = set()
        for plugin_name, plugin in sorted(self._pm.list_name_plugin(), key=lambda p: p[0]):
            if plugin is None:  # blocked in pluggy
                continue
            record = self._records.setdefault(plugin_name, _Record(plugin_name))
            results: list[tuple[str, list[Any]]] = []
            for impl in self._pm.get_hookcallers(plugin) or []:
                hook = impl.name
                func = next(
                    (i.function for i in impl.get_hookimpls() if i.plugin is plugin), None
                )
                if func is None:
                    continue
                results.append((hook, self._call_hook(hook, plugin_name, func)))
            record.codecs = tuple(dict.fromkeys(
                str(c.name) for hook, items in results if hook != "dcmcore_transfer_syntaxes"
                for c in items if isinstance(getattr(c, "name", None), str)
            ))
            # codec names are only known once the plugin is loaded: a block by codec name
            # applies here, to the whole plugin
            blocker = self._is_blocked(*record.codecs)
            if blocker:
                self._pm.unregister(name=plugin_name)
                record.mark_blocked(blocker)
                continue
            mine = by_plugin.setdefault(plugin_name, ([], [], []))
            for hook, items in results:
                if hook == "dcmcore_decoders":
                    for codec in items:
                        if self._accept(codec, Decoder, hook, record, dec_names):
                            decoders.append(codec)
                            mine[0].append(codec.name)
                elif hook == "dcmcore_encoders":
                    for codec in items:
                        if self._accept(codec, Encoder, hook, record, enc_names):
                            encoders.append(codec)
                            mine[1].append(codec.name)
                elif hook == "dcmcore_transfer_syntaxes":
                    for ts in items:
                        if self._register_syntax(ts, record):
                            syntaxes.append(ts)
                            mine[2].append(str(ts.uid))
        return _Snapshot(
            tuple(decoders), tuple(encoders), tuple(syntaxes),
            {k: (tuple(a), tuple(b), tuple(c)) for k, (a, b, c) in by_plugin.items()},
        )

    def _register_syntax(self, ts: Any, record: _Record) -> bool:
        if not isinstance(getattr(ts, "uid", None), str):
            record.errors.append(f"dcmcore_transfer_syntaxes(): {ts!r} has no uid")
            _warn(f"dcmcore plugin {record.name!r}: {ts!r} is not a TransferSyntax; skipped")
            return False
        try:
            from dcmcore import transfer_syntax
        except ImportError:
            return True
        try:
            if transfer_syntax.get(ts.uid) is None:
                transfer_syntax.register(ts)
        except Exception as exc:
            record.errors.append(f"transfer syntax {ts.uid}: {_describe(exc)}")
            _warn(f"dcmcore plugin {record.name!r}: cannot register transfer syntax "
                  f"{ts.uid}: {_describe(exc)}")
            return False
        return True

    # -- public operations ---------------------------------------------------------------------

    def register(self, plugin: object, name: str | None = None, distribution: str = "") -> str:
        with self._lock:
            canonical = name or self._pm.get_canonical_name(plugin)
            blocker = self._is_blocked(canonical, distribution)
            if blocker:
                raise PluginError(f"plugin {canonical!r} is blocked (by {blocker})")
            try:
                registered = self._pm.register(plugin, name=canonical)
            except ValueError as exc:
                raise PluginError(f"cannot register plugin {canonical!r}: {exc}") from exc
            except pluggy.PluginValidationError as exc:
                raise PluginError(f"plugin {canonical!r} is invalid: {exc}") from exc
            assert registered is not None
            self._records[registered] = _Record(registered, distribution, "", "runtime",
                                                plugin=plugin)
            self._invalidate()
            return registered

    def unregister(self, name: str) -> None:
        with self._lock:
            if self._pm.get_plugin(name) is None:
                known = ", ".join(sorted(n for n, p in self._pm.list_name_plugin() if p)) or "none"
                raise PluginError(f"no plugin named {name!r} is registered (registered: {known})")
            self._pm.unregister(name=name)
            self._records.pop(name, None)
            self._invalidate()

    def block(self, name: str, by: str = "runtime (codecs.block)") -> None:
        with self._lock:
            self._blocked[name] = by
            changed = False
            for record in list(self._records.values()):
                if name not in record.names() or record.status == "blocked":
                    continue
                if self._pm.get_plugin(record.name) is not None:
                    self._pm.unregister(name=record.name)
                record.mark_blocked(by)
                changed = True
            if changed:
                self._invalidate()

    def unblock(self, name: str) -> None:
        with self._lock:
            self._blocked.pop(name, None)
            changed = False
            for record in list(self._records.values()):
                if record.status != "blocked" or self._is_blocked(*record.names()):
                    continue  # not blocked, or still blocked by another of its names
                changed = True
                if record.source == "runtime" and record.plugin is not None:
                    self._pm.register(record.plugin, name=record.name)
                    record.status = "loaded"
                    record.errors = [e for e in record.errors if not e.startswith("blocked by ")]
                else:  # entry point or builtin: forget it, it is loaded again on next use
                    self._records.pop(record.name)
                    self._autoloaded = False
            if changed:
                self._invalidate()

    def reload(self, keep_runtime: bool = True) -> None:
        with self._lock:
            runtime = [
                (n, r.plugin, r.distribution)
                for n, r in self._records.items()
                if r.source == "runtime" and r.plugin is not None
                and (self._pm.get_plugin(n) is not None or r.status == "blocked")
            ]
            self._pm = self._new_pm()
            self._records = {}
            _warned.clear()
            self._autoloaded = False
            self._invalidate()
            if keep_runtime:
                for n, plugin, dist in runtime:
                    record = self._records[n] = _Record(n, dist, "", "runtime", plugin=plugin)
                    blocker = self._is_blocked(n, dist)
                    if blocker:
                        record.mark_blocked(blocker)
                    else:
                        self._pm.register(plugin, name=n)

    def snapshot(self) -> _Snapshot:
        return self._ensure()

    def unavailable_reason(self, codec: Codec) -> str | None:
        """Cached availability (computed once per codec per snapshot)."""
        key = id(codec)
        cache = self._availability
        if key in cache:
            return cache[key]
        try:
            reason = codec.unavailable_reason()
            if reason is not None and not isinstance(reason, str):
                reason = str(reason)
        except Exception as exc:
            reason = f"availability check raised {_describe(exc)}"
        cache[key] = reason
        return reason

    def plugin_infos(self) -> list[PluginInfo]:
        snap = self._ensure()
        with self._lock:
            records = list(self._records.values())
        out = []
        for r in sorted(records, key=lambda r: r.name):
            decs, encs, tss = snap.by_plugin.get(r.name, ((), (), ()))
            out.append(PluginInfo(r.name, r.distribution, r.version, r.source, r.status,
                                  "; ".join(r.errors), decs, encs, tss))
        return out

    def codec_infos(self, kind: str) -> list[CodecInfo]:
        snap = self._ensure()
        codecs: tuple[Codec, ...] = snap.decoders if kind == "decoder" else snap.encoders
        out = []
        for c in sorted(codecs, key=lambda c: c.name):
            reason = self.unavailable_reason(c)
            out.append(CodecInfo(
                c.name, kind, c.plugin, c.provided_by, tuple(c.transfer_syntaxes),
                int(c.priority), bool(c.thread_safe), bool(c.process_safe),
                bool(getattr(c, "supports_batch", False)), reason is None, reason,
            ))
        return out


registry = _Registry()


def register(plugin: object, name: str | None = None, distribution: str = "") -> str:
    """Register a plugin (module, class or object with hook implementations) at run time.

    Parameters
    ----------
    plugin : object
        Anything holding functions marked with :data:`dcmcore.codecs.hookimpl`.
    name : str, optional
        Registration name (default: the module's ``__name__``).
    distribution : str, optional
        Distribution name reported as the codecs' ``provided_by``.

    Returns
    -------
    str
        The name it was registered under.

    Raises
    ------
    PluginError
        The name is taken or blocked, or the hooks do not match the specs.
    """
    return registry.register(plugin, name, distribution)


def unregister(name: str) -> None:
    """Remove a registered plugin (entry-point or runtime) by name; PluginError if unknown."""
    registry.unregister(name)


def block(name: str) -> None:
    """Block the plugins that `name` selects: a plugin (entry point), distribution or codec name.

    Like pytest's ``-p no:NAME``: blocked before first codec use, an entry point
    (matched by its name or its distribution's) is never imported.  A plugin that
    is already loaded is unregistered at once: its codecs stop being selected from
    the next call on.  A codec name blocks the whole plugin that provides it (the
    plugin is imported to learn its codec names).
    """
    registry.block(name)


def unblock(name: str) -> None:
    """Undo :func:`block` for `name`; takes effect at once, without :func:`reload`.

    Plugins that `name` blocked come back (entry points and builtins are loaded
    again on next use, runtime registrations are registered again) unless another
    of their names is still blocked, at run time, in the environment or in the file.
    """
    registry.unblock(name)


def reload(keep_runtime: bool = True) -> None:
    """Forget loaded entry-point plugins and rediscover them on next use.

    Runtime registrations are kept unless `keep_runtime` is False.
    """
    registry.reload(keep_runtime)


def list_plugins() -> list[PluginInfo]:
    """Return every known plugin (loaded, broken or blocked), sorted by name."""
    return registry.plugin_infos()


def available_decoders() -> list[CodecInfo]:
    """Return every registered decoder with its availability, sorted by name."""
    return registry.codec_infos("decoder")


def available_encoders() -> list[CodecInfo]:
    """Return every registered encoder with its availability, sorted by name."""
    return registry.codec_infos("encoder")


def all_decoders() -> tuple[Decoder, ...]:
    """Return every registered decoder instance (available or not)."""
    return registry.snapshot().decoders


def all_encoders() -> tuple[Encoder, ...]:
    """Return every registered encoder instance (available or not)."""
    return registry.snapshot().encoders
