"""Codec configuration: plugin order, disabled and blocked plugins, autoloading.

Sources, highest first:

1. call arguments (``plugin="name"`` in a decode/encode call);
2. scoped overrides, :func:`using` (a context manager; thread- and task-local
   through :mod:`contextvars`), innermost first;
3. the runtime API: :func:`set_order`, :func:`disable`, :func:`enable`,
   :func:`set_autoload`;
4. environment variables: ``DCMCORE_PLUGIN_ORDER="rle,pylibjpeg"``,
   ``DCMCORE_PLUGIN_ORDER_<Keyword, KEYWORD or UID with _>`` (e.g.
   ``DCMCORE_PLUGIN_ORDER_RLELossless``, ``..._RLELOSSLESS``, ``..._1_2_840_10008_1_2_5``), ``DCMCORE_DISABLED_PLUGINS="a,b"``,
   ``DCMCORE_BLOCKED_PLUGINS``, ``DCMCORE_DISABLE_PLUGIN_AUTOLOAD=1``;
5. a config file: ``DCMCORE_CONFIG=<path>``, else the nearest ``dcmcore.toml``
   or ``pyproject.toml`` with a ``[tool.dcmcore]`` table in the current
   directory or its parents, with keys ``plugins.order``, ``plugins.disabled``,
   ``plugins.blocked``, ``plugins.autoload`` and ``[plugins.order_by_syntax]``
   (UID or keyword -> list of names);
6. codec priorities (higher first, ties by name).

For the order, the highest *source* that sets one wins; within a source a
per-syntax order beats the global one.  An order list is partial: the listed
codecs come first, the rest follow by priority; unknown names are ignored.
Names match a codec's name, its plugin's name or its distribution.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
import tomllib
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dcmcore.codecs.providers import resolve_uid, syntax_keyword
from dcmcore.errors import DcmcoreWarning

__all__ = [
    "set_order",
    "disable",
    "enable",
    "set_autoload",
    "reset",
    "using",
    "config_file",
    "reload_file",
    "ENV_ORDER",
    "ENV_DISABLED",
    "ENV_BLOCKED",
    "ENV_NO_AUTOLOAD",
    "ENV_CONFIG",
]

ENV_ORDER = "DCMCORE_PLUGIN_ORDER"
ENV_DISABLED = "DCMCORE_DISABLED_PLUGINS"
ENV_BLOCKED = "DCMCORE_BLOCKED_PLUGINS"
ENV_NO_AUTOLOAD = "DCMCORE_DISABLE_PLUGIN_AUTOLOAD"
ENV_CONFIG = "DCMCORE_CONFIG"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


# -- runtime state -----------------------------------------------------------------------------

_lock = threading.Lock()
_runtime_order: dict[str | None, tuple[str, ...]] = {}
_runtime_disabled: dict[str, bool] = {}
_runtime_autoload: bool | None = None


@dataclass(frozen=True)
class _Scope:
    order: tuple[str, ...] | None
    ts: str | None
    disabled: frozenset[str]
    enabled: frozenset[str]


_scopes: contextvars.ContextVar[tuple[_Scope, ...]] = contextvars.ContextVar(
    "dcmcore_codec_scopes", default=()
)


def _names(names: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(names, str):
        names = names.split(",")
    return tuple(n.strip() for n in names if n and n.strip())


def set_order(ts_uid: str | None, names: Sequence[str] | str | None) -> None:
    """Set the plugin order for one transfer syntax, or globally when `ts_uid` is None.

    Parameters
    ----------
    ts_uid : str or None
        Transfer syntax UID or keyword (``"RLELossless"``); None for all syntaxes.
    names : sequence of str, str or None
        Codec (or plugin or distribution) names, first tried first; a string is
        split on commas.  None removes the setting.
    """
    key = resolve_uid(ts_uid) if ts_uid else None
    with _lock:
        if names is None:
            _runtime_order.pop(key, None)
        else:
            _runtime_order[key] = _names(names)


def disable(*names: str) -> None:
    """Exclude codecs (or whole plugins, by plugin or distribution name) from selection."""
    with _lock:
        for name in _names(names):
            _runtime_disabled[name] = True


def enable(*names: str) -> None:
    """Re-enable codecs, overriding a disabled setting from the environment or a file."""
    with _lock:
        for name in _names(names):
            _runtime_disabled[name] = False


def set_autoload(flag: bool | None) -> None:
    """Turn entry-point autoloading on or off (None: back to env/file/default on).

    Takes effect when plugins are next loaded: before first codec use, or after
    :func:`dcmcore.codecs.reload`.
    """
    global _runtime_autoload
    with _lock:
        _runtime_autoload = flag


def reset() -> None:
    """Forget every runtime setting and the cached config file."""
    global _runtime_autoload
    with _lock:
        _runtime_order.clear()
        _runtime_disabled.clear()
        _runtime_autoload = None
    reload_file()


@contextlib.contextmanager
def using(
    order: Sequence[str] | str | None = None,
    disabled: Iterable[str] | str = (),
    ts: str | None = None,
    enabled: Iterable[str] | str = (),
) -> Iterator[None]:
    """Override the codec configuration within a ``with`` block.

    The override is local to the current thread (or asyncio task) and beats
    every other setting except call arguments.

    Parameters
    ----------
    order : sequence of str or str, optional
        Plugin order, first tried first.
    disabled, enabled : iterable of str or str, optional
        Names to disable or re-enable inside the block.
    ts : str, optional
        Transfer syntax UID or keyword the `order` applies to (default: all).

    Examples
    --------
    >>> with dcmcore.codecs.config.using(order=["gdcm"], ts="RLELossless"):
    ...     arr = ds.pixel_array
    """
    scope = _Scope(
        order=_names(order) if order is not None else None,
        ts=resolve_uid(ts) if ts else None,
        disabled=frozenset(_names(disabled)),
        enabled=frozenset(_names(enabled)),
    )
    token = _scopes.set((*_scopes.get(), scope))
    try:
        yield
    finally:
        _scopes.reset(token)


# -- config file -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileConfig:
    """The ``plugins`` settings read from a config file."""

    path: Path | None = None
    table: str = ""  # "[plugins]" or "[tool.dcmcore.plugins]"
    order: tuple[str, ...] | None = None
    order_by_syntax: dict[str, tuple[str, ...]] = field(default_factory=dict)
    disabled: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()
    autoload: bool | None = None

    def where(self, key: str) -> str:
        return f"file {self.path} {self.table[:-1]}.{key}]"


_file_lock = threading.Lock()
_parsed: dict[Path, tuple[tuple[int, int], FileConfig]] = {}


def reload_file() -> None:
    """Forget the cached config-file location and contents (re-read on next use)."""
    with _file_lock:
        _tool_table.clear()
        _parsed.clear()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


_tool_table: dict[Path, tuple[tuple[int, int], bool]] = {}


def _has_tool_table(path: Path, stamp: tuple[int, int]) -> bool:
    with _file_lock:
        cached = _tool_table.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        found = isinstance(data.get("tool"), dict) and "dcmcore" in data["tool"]
    except (OSError, tomllib.TOMLDecodeError):
        found = False
    with _file_lock:
        _tool_table[path] = (stamp, found)
    return found


def config_file() -> Path | None:
    """Return the config file in effect, or None.

    ``DCMCORE_CONFIG`` names it explicitly; otherwise the nearest directory from
    the current one upward holding ``dcmcore.toml``, or a ``pyproject.toml``
    with a ``[tool.dcmcore]`` table.  Looked up on every use (a few ``stat``
    calls), so a file created later is seen.
    """
    explicit = os.environ.get(ENV_CONFIG, "").strip()
    if explicit:
        return Path(explicit)
    try:
        folder = os.getcwd()
    except OSError:
        return None
    while True:  # os.path rather than pathlib: this runs at every codec selection
        candidate = os.path.join(folder, "dcmcore.toml")
        if os.path.isfile(candidate):
            return Path(candidate)
        candidate = os.path.join(folder, "pyproject.toml")
        try:
            st = os.stat(candidate)
        except OSError:
            pass
        else:
            if _has_tool_table(Path(candidate), (st.st_mtime_ns, st.st_size)):
                return Path(candidate)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _warn(message: str) -> None:
    warnings.warn(message, DcmcoreWarning, stacklevel=4)


def _str_list(value: Any, where: str) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return _names(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _names(value)
    _warn(f"{where}: expected a list of plugin names, got {value!r}; ignored")
    return None


def _parse(path: Path) -> FileConfig:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        _warn(f"dcmcore config file {path} could not be read and is ignored: {exc}")
        return FileConfig(path=path)
    table = "[plugins]"
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("dcmcore", {})
        table = "[tool.dcmcore.plugins]"
    plugins = data.get("plugins", {}) if isinstance(data, dict) else {}
    if not isinstance(plugins, dict):
        _warn(f"{path}: {table} must be a table; ignored")
        return FileConfig(path=path, table=table)
    kw: dict[str, Any] = {}
    base = FileConfig(path=path, table=table)
    for key in ("order", "disabled", "blocked"):
        if key in plugins:
            names = _str_list(plugins[key], base.where(key))
            if names is not None:
                kw[key] = names
    if "autoload" in plugins:
        if isinstance(plugins["autoload"], bool):
            kw["autoload"] = plugins["autoload"]
        else:
            _warn(f"{base.where('autoload')}: expected true or false; ignored")
    by_syntax = plugins.get("order_by_syntax", {})
    if not isinstance(by_syntax, dict):
        _warn(f"{base.where('order_by_syntax')}: expected a table; ignored")
        by_syntax = {}
    orders: dict[str, tuple[str, ...]] = {}
    for ts, names in by_syntax.items():
        parsed = _str_list(names, base.where(f"order_by_syntax.{ts}"))
        if parsed is not None:
            orders[resolve_uid(ts)] = parsed
    unknown = set(plugins) - {"order", "disabled", "blocked", "autoload", "order_by_syntax"}
    if unknown:
        _warn(f"{path}: unknown keys in {table}: {', '.join(sorted(unknown))}; ignored")
    return FileConfig(path=path, table=table, order_by_syntax=orders, **kw)


def file_config() -> FileConfig:
    """Return the parsed config file (an empty :class:`FileConfig` when there is none)."""
    path = config_file()
    if path is None:
        return FileConfig()
    stamp = _stamp(path)
    if stamp is None:
        if os.environ.get(ENV_CONFIG, "").strip():
            _warn(f"{ENV_CONFIG} names {path}, which does not exist; ignored")
        return FileConfig()
    with _file_lock:
        cached = _parsed.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    parsed = _parse(path)
    with _file_lock:
        _parsed[path] = (stamp, parsed)
    return parsed


# -- resolution (used by the manager and selection) --------------------------------------------


def _env_syntax_order(ts_uid: str) -> tuple[str, tuple[str, ...]] | None:
    # exact lookups (no scan of os.environ: this runs at every codec selection)
    keyword = syntax_keyword(ts_uid)
    suffixes = [keyword, keyword.upper()] if keyword else []
    suffixes.append(ts_uid.replace(".", "_"))
    for suffix in suffixes:
        var = f"{ENV_ORDER}_{suffix}"
        value = os.environ.get(var)
        if value is not None and value.strip():
            return var, _names(value)
    return None


def order_for(ts_uid: str, fc: FileConfig | None = None) -> tuple[tuple[str, ...], str] | None:
    """Return ``(names, source)`` of the configured order for `ts_uid`, or None.

    `fc` is the already read :func:`file_config` (read here when None).
    """
    for scope in reversed(_scopes.get()):
        if scope.order is not None and scope.ts in (None, ts_uid):
            what = f" for {scope.ts}" if scope.ts else ""
            return scope.order, f"scoped override (config.using{what})"
    with _lock:
        runtime = _runtime_order.get(ts_uid)
        runtime_global = _runtime_order.get(None)
    if runtime is not None:
        return runtime, f"runtime (config.set_order for {ts_uid})"
    if runtime_global is not None:
        return runtime_global, "runtime (config.set_order global)"
    env = _env_syntax_order(ts_uid)
    if env is not None:
        return env[1], f"env {env[0]}"
    if os.environ.get(ENV_ORDER, "").strip():
        return _names(os.environ[ENV_ORDER]), f"env {ENV_ORDER}"
    fc = file_config() if fc is None else fc
    if ts_uid in fc.order_by_syntax:
        return fc.order_by_syntax[ts_uid], fc.where(f"order_by_syntax.\"{ts_uid}\"")
    if fc.order is not None:
        return fc.order, fc.where("order")
    return None


def disabled_state(names: Iterable[str], fc: FileConfig | None = None) -> tuple[bool, str]:
    """Return ``(disabled, source)`` for a codec known by any of `names`.

    `names` are the codec's name, plugin name and distribution; the highest
    source mentioning any of them decides.
    """
    names = [n for n in names if n]
    for scope in reversed(_scopes.get()):
        for n in names:
            if n in scope.enabled:
                return False, "scoped override (config.using enabled)"
            if n in scope.disabled:
                return True, "scoped override (config.using disabled)"
    with _lock:
        for n in names:
            if n in _runtime_disabled:
                flag = _runtime_disabled[n]
                return flag, f"runtime (config.{'disable' if flag else 'enable'})"
    env = set(_names(os.environ.get(ENV_DISABLED, "")))
    if env.intersection(names):
        return True, f"env {ENV_DISABLED}"
    fc = file_config() if fc is None else fc
    if set(fc.disabled).intersection(names):
        return True, fc.where("disabled")
    return False, ""


def autoload_state() -> tuple[bool, str]:
    """Return ``(autoload, source)``: whether entry points are loaded automatically."""
    with _lock:
        runtime = _runtime_autoload
    if runtime is not None:
        return runtime, "runtime (config.set_autoload)"
    value = os.environ.get(ENV_NO_AUTOLOAD, "").strip().lower()
    if value in _TRUE:
        return False, f"env {ENV_NO_AUTOLOAD}"
    if value not in _FALSE:
        _warn(f"{ENV_NO_AUTOLOAD}={value!r} is not a boolean; autoloading stays on")
    fc = file_config()
    if fc.autoload is not None:
        return fc.autoload, fc.where("autoload")
    return True, "default"


def blocked_names() -> dict[str, str]:
    """Return names blocked from loading by the environment or the file, with their source."""
    result: dict[str, str] = {}
    fc = file_config()
    for name in fc.blocked:
        result[name] = fc.where("blocked")
    for name in _names(os.environ.get(ENV_BLOCKED, "")):
        result[name] = f"env {ENV_BLOCKED}"
    return result
