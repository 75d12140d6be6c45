"""The plugin manager: discovers plugins, collects their codecs, reports what is installed.

pluggy registers plugins and validates their hook implementations; this module
calls each plugin's hooks one by one (so one broken plugin cannot hide the
others) and keeps an immutable snapshot of every decoder and encoder.

Entry points (group ``"dcmcore"``) are read lazily, on the first codec use,
never at ``import dcmcore``.  dcmcore's own codecs (``"deflate"`` and
``"uncompressed"`` in :mod:`dcmcore.codecs.deflate`) are loaded in the same step as
builtin plugin ``"deflate"``, whatever the autoload setting (the module is imported by
name then, so ``import dcmcore`` stays cheap).  A plugin that fails to import, or whose hook
raises or returns nonsense, is reported with a :class:`DcmcoreWarning` (once per
problem per process) and skipped; one whose hooks give no usable codec at all is
listed as ``"broken"`` with the reasons.

Codec names are unique per kind.  Plugins are asked for their codecs in
registration order: dcmcore's builtin plugin first, then installed plugins (entry
points) in the order of their entry-point names, then plugins registered with
:func:`register` in the order of the calls (whether before or after the entry
points were loaded).  The first plugin to offer a name keeps it; a later plugin's
codec of the same name is skipped with a warning naming both plugins and their
distributions.
"""

from __future__ import annotations

import importlib
import itertools
import threading
from importlib import metadata
from typing import Final

import pluggy

from dcmcore.codecs import config as _config
from dcmcore.codecs import hookspecs
from dcmcore.codecs._collect import EMPTY_SNAPSHOT, Snapshot, collect
from dcmcore.codecs._records import (
    BUILTIN,
    ENTRY_POINT,
    RUNTIME,
    CodecInfo,
    PluginInfo,
    PluginRecord,
    describe,
)
from dcmcore.codecs._warnings import warn_once
from dcmcore.codecs.base import Codec, Decoder, Encoder
from dcmcore.errors import PluginError

__all__ = [
    "ENTRY_POINT_GROUP",
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
    "unusable_reason",
]

ENTRY_POINT_GROUP: Final = "dcmcore"

BUILTIN_PLUGINS: Final[tuple[tuple[str, str, str], ...]] = (
    ("deflate", "dcmcore.codecs.deflate", "DeflatePlugin"),
)
"""dcmcore's own plugins: (plugin name, module, attribute holding the hook implementations)."""


def _dist_of(ep: metadata.EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "", ""
    try:
        return str(dist.metadata["Name"] or dist.name or ""), str(dist.version or "")
    except Exception:  # unreadable METADATA: still load the plugin
        return "", ""


def _installed_version(distribution: str) -> str:
    """Version of an installed distribution from its metadata ("" when not installed)."""
    try:
        return metadata.version(distribution)
    except Exception:  # not installed, or unreadable metadata
        return ""


class _Registry:
    """Process-wide plugin state; every method is thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._pm = self._new_pm()
        self._records: dict[str, PluginRecord] = {}
        self._blocked: dict[str, str] = {}  # name -> who blocked it
        self._numbers = itertools.count(1)
        self._autoloaded = False
        self._snapshot: Snapshot | None = None
        self._availability: dict[int, str | None] = {}
        self._library_versions: dict[str, str] = {}
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
        _config.note_plugins_loaded(False)  # until the plugins' syntaxes are collected again

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
            record = self._records[name] = PluginRecord(name, "dcmcore", _installed_version("dcmcore"),
                                                   BUILTIN)
            record.blocked_by = self._is_blocked(name, record.distribution)
            if record.blocked_by:
                continue
            try:
                plugin = getattr(importlib.import_module(module), attr)
                self._pm.register(plugin, name=name)
            except Exception as exc:  # e.g. numpy missing: the other codecs keep working
                record.load_error = f"builtin plugin failed: {describe(exc)}"
                warn_once(f"dcmcore builtin plugin {name!r} failed to load: {describe(exc)}")

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
            warn_once(f"dcmcore could not read entry points: {describe(exc)}")
            return
        found: dict[str, str] = {}  # entry-point name -> distribution that provides it
        for ep in sorted(eps, key=lambda e: e.name):  # stable: sys.path order within a name
            dist_name, version = _dist_of(ep)
            if ep.name in found:
                if found[ep.name] != dist_name:  # not just one distribution seen twice
                    warn_once(
                        f"dcmcore plugin {ep.name!r} of {dist_name or 'an unknown distribution'} "
                        f"is not loaded: {found[ep.name] or 'another distribution'}, earlier "
                        f"on sys.path, has a plugin of that name"
                    )
                continue
            found[ep.name] = dist_name
            holder = self._records.get(ep.name)
            if holder is not None:
                if holder.source == RUNTIME:
                    warn_once(
                        f"dcmcore plugin {ep.name!r} of {dist_name or 'an unknown distribution'} "
                        f"is not loaded: a plugin registered at run time has that name"
                    )
                continue
            record = PluginRecord(ep.name, dist_name, version, ENTRY_POINT)
            self._records[ep.name] = record
            record.blocked_by = self._is_blocked(ep.name, record.distribution)
            if record.blocked_by:
                continue
            try:
                plugin = ep.load()
            except BaseException as exc:  # SystemExit from a broken import included
                if isinstance(exc, KeyboardInterrupt):
                    raise
                record.load_error = f"import failed: {describe(exc)}"
                warn_once(
                    f"dcmcore plugin {ep.name!r} ({ep.value}) from "
                    f"{record.distribution or 'an unknown distribution'} failed to load and is "
                    f"skipped: {describe(exc)}"
                )
                continue
            try:
                self._pm.register(plugin, name=ep.name)
            except Exception as exc:
                record.load_error = f"registration failed: {describe(exc)}"
                warn_once(f"dcmcore plugin {ep.name!r} is invalid and is skipped: {describe(exc)}")

    def _ensure(self) -> Snapshot:
        snap = self._snapshot
        if snap is not None:
            return snap
        with self._lock:
            if self._busy:  # a plugin's import or hook asked for codecs while loading
                return EMPTY_SNAPSHOT
            self._busy = True
            try:
                if not self._autoloaded:
                    self._load_entry_points()
                    self._snapshot = None
                if self._snapshot is None:
                    self._snapshot = collect(self._pm, self._records, self._is_blocked)
                    _config.note_plugins_loaded(True)
                return self._snapshot
            finally:
                self._busy = False

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
            version = _installed_version(distribution) if distribution else ""
            self._records[registered] = PluginRecord(registered, distribution, version, RUNTIME,
                                                     next(self._numbers), plugin)
            self._invalidate()
            return registered

    def unregister(self, name: str) -> None:
        self._ensure()  # an installed plugin not loaded yet can be unregistered too
        with self._lock:
            if self._pm.get_plugin(name) is None:
                record = self._records.get(name)
                if record is not None and record.status != "loaded":
                    raise PluginError(f"plugin {name!r} is not registered: it is "
                                      f"{record.status} ({'; '.join(record.all_problems())})")
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
                if name not in record.names() or record.blocked_by:
                    continue
                if self._pm.get_plugin(record.name) is not None:
                    self._pm.unregister(name=record.name)
                record.blocked_by = by
                changed = True
            if changed:
                self._invalidate()

    def unblock(self, name: str) -> None:
        with self._lock:
            self._blocked.pop(name, None)
            changed = False
            for record in list(self._records.values()):
                if not record.blocked_by or self._is_blocked(*record.names()):
                    continue  # not blocked, or still blocked by another of its names
                changed = True
                if record.source == RUNTIME and record.plugin is not None:
                    self._pm.register(record.plugin, name=record.name)
                    record.blocked_by = ""
                else:  # entry point or builtin: forget it, it is loaded again on next use
                    self._records.pop(record.name)
                    self._autoloaded = False
            if changed:
                self._invalidate()

    def reload(self, keep_runtime: bool = True) -> None:
        with self._lock:
            runtime = sorted(
                (r for r in self._records.values()
                 if r.source == RUNTIME and r.plugin is not None
                 and (self._pm.get_plugin(r.name) is not None or r.blocked_by)),
                key=PluginRecord.rank,
            )
            self._pm = self._new_pm()
            self._records = {}
            self._autoloaded = False
            self._library_versions = {}
            self._invalidate()
            if keep_runtime:
                for old in runtime:
                    record = PluginRecord(old.name, old.distribution, old.version, RUNTIME,
                                          next(self._numbers), old.plugin)
                    self._records[old.name] = record
                    record.blocked_by = self._is_blocked(old.name, old.distribution)
                    if not record.blocked_by:
                        self._pm.register(old.plugin, name=old.name)

    def snapshot(self) -> Snapshot:
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
            reason = f"availability check raised {describe(exc)}"
        cache[key] = reason
        return reason

    def unusable_reason(self, name: str, kind: str = "") -> str | None:
        """Why `name` (codec, plugin or distribution) gives no codec of `kind`; None if unknown.

        None too when it names a registered codec of that kind (whether that codec
        runs is :meth:`unavailable_reason`'s business).
        """
        snap = self._ensure()
        kinds = (kind,) if kind else ("decoder", "encoder")
        registered: list[Codec] = []
        if "decoder" in kinds:
            registered.extend(snap.decoders)
        if "encoder" in kinds:
            registered.extend(snap.encoders)
        if any(name in (c.name, c.plugin, c.provided_by) for c in registered):
            return None
        what = kind or "codec"
        with self._lock:
            records = sorted(self._records.values(), key=PluginRecord.rank)
            for r in records:
                if name not in r.names():
                    continue
                if r.blocked_by:
                    return f"{r.label()} is blocked by {r.blocked_by}"
                if r.load_error:
                    return f"{r.label()} is installed but broken: {r.load_error}"
                if r.status == "broken":
                    return (f"{r.label()} is broken, its hooks gave no usable codec: "
                            + "; ".join(r.problems))
                return f"{r.label()} provides no {what}"
        autoload, source = _config.autoload_state()
        if not autoload:
            try:
                eps = list(metadata.entry_points(group=ENTRY_POINT_GROUP))
            except Exception:  # unreadable metadata: nothing more to say
                eps = []
            for ep in eps:
                dist, version = _dist_of(ep)
                if name in (ep.name, dist):
                    origin = f"distribution {dist} {version}".rstrip() if dist else "unknown"
                    return (f"plugin {ep.name!r} ({origin}) is installed but not loaded: "
                            f"entry-point autoloading is off ({source})")
        return None

    def _library_version(self, library: str) -> str:
        if not library:
            return ""
        cache = self._library_versions
        if library not in cache:
            cache[library] = _installed_version(library) or "not installed"
        return cache[library]

    def plugin_infos(self) -> list[PluginInfo]:
        snap = self._ensure()
        with self._lock:
            out = []
            for r in sorted(self._records.values(), key=lambda r: r.name):
                decs, encs, tss = snap.by_plugin.get(r.name, ((), (), ()))
                problems = r.all_problems()
                out.append(PluginInfo(r.name, r.distribution, r.version, r.source, r.status,
                                      "; ".join(problems), decs, encs, tss, problems))
            return out

    def codec_infos(self, kind: str) -> list[CodecInfo]:
        snap = self._ensure()
        codecs: tuple[Codec, ...] = snap.decoders if kind == "decoder" else snap.encoders
        with self._lock:
            versions = {r.name: r.version for r in self._records.values()}
        out = []
        for c in sorted(codecs, key=lambda c: c.name):
            reason = self.unavailable_reason(c)
            library = str(c.library or "")
            out.append(CodecInfo(
                c.name, kind, c.plugin, c.provided_by, tuple(c.transfer_syntaxes),
                int(c.priority), bool(c.thread_safe), bool(c.process_safe),
                bool(getattr(c, "supports_batch", False)), reason is None, reason,
                versions.get(c.plugin, ""), library, self._library_version(library),
                str(c.license or ""),
            ))
        return out


registry = _Registry()


def register(plugin: object, name: str | None = None, distribution: str = "") -> str:
    """Register a plugin (module, class or object with hook implementations) at run time.

    Its codecs come after those of builtin and installed plugins when names clash
    (see the module docstring).

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

    Examples
    --------
    >>> import acme_codecs                                   # doctest: +SKIP
    >>> dcmcore.codecs.register(acme_codecs, name="acme")    # doctest: +SKIP
    'acme'
    """
    return registry.register(plugin, name, distribution)


def unregister(name: str) -> None:
    """Remove a registered plugin (entry-point or runtime) by name.

    Raises
    ------
    PluginError
        No plugin of that name is registered (the message says why, for a plugin
        that is blocked or broken).
    """
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

    Runtime registrations are kept unless `keep_runtime` is False.  A problem
    found again after the reload is not warned about again (it is still listed
    by :func:`list_plugins`).
    """
    registry.reload(keep_runtime)


def list_plugins() -> list[PluginInfo]:
    """Return every known plugin (loaded, broken or blocked), sorted by name.

    Examples
    --------
    >>> for p in dcmcore.codecs.list_plugins():                        # doctest: +SKIP
    ...     print(p.name, p.distribution, p.version, p.status, p.error)
    deflate dcmcore 0.1.0 loaded
    rle dcmcore-rle 0.1.0 loaded
    """
    return registry.plugin_infos()


def available_decoders() -> list[CodecInfo]:
    """Return every registered decoder with its availability and library, sorted by name."""
    return registry.codec_infos("decoder")


def available_encoders() -> list[CodecInfo]:
    """Return every registered encoder with its availability and library, sorted by name."""
    return registry.codec_infos("encoder")


def all_decoders() -> tuple[Decoder, ...]:
    """Return every registered decoder instance (available or not)."""
    return registry.snapshot().decoders


def all_encoders() -> tuple[Encoder, ...]:
    """Return every registered encoder instance (available or not)."""
    return registry.snapshot().encoders


def unusable_reason(name: str, kind: str = "") -> str | None:
    """Say why `name` cannot be used although dcmcore knows it, or return None.

    Parameters
    ----------
    name : str
        A codec, plugin (entry point) or distribution name, as given to
        ``decoding_plugin=`` / ``encoding_plugin=``.
    kind : str, optional
        ``"decoder"`` or ``"encoder"``; default either.

    Returns
    -------
    str or None
        Why no codec of `kind` is registered under `name`: its plugin is blocked
        (by which setting), failed to import (the error), gave no usable codec
        (each reason, e.g. its codec's name was taken by another plugin), provides
        only the other kind, or is installed but not loaded because autoloading is
        off.  None when `name` is a registered codec of that kind (whether that codec
        can run is :meth:`Codec.unavailable_reason`'s business), or is not known at
        all.

    Examples
    --------
    >>> dcmcore.codecs.block("acme")                                   # doctest: +SKIP
    >>> dcmcore.codecs.unusable_reason("acme", "decoder")              # doctest: +SKIP
    "plugin 'acme' (distribution acme-dcmcore 1.2) is blocked by runtime (codecs.block)"
    """
    return registry.unusable_reason(name, kind)
