"""Codec configuration: plugin order, disabled and blocked plugins, autoloading.

Sources, highest first:

1. call arguments (``plugin="name"`` in a decode/encode call);
2. scoped overrides, :func:`using` (a context manager; thread- and task-local
   through :mod:`contextvars`), innermost first;
3. the runtime API: :func:`set_order`, :func:`disable`, :func:`enable`,
   :func:`set_autoload`;
4. environment variables: ``DCMCORE_PLUGIN_ORDER="rle,pylibjpeg"``,
   ``DCMCORE_PLUGIN_ORDER_<Keyword, KEYWORD or UID with _>`` (e.g.
   ``DCMCORE_PLUGIN_ORDER_RLELossless``, ``..._RLELOSSLESS``, ``..._1_2_840_10008_1_2_5``),
   ``DCMCORE_DISABLED_PLUGINS="a,b"``, ``DCMCORE_BLOCKED_PLUGINS``,
   ``DCMCORE_DISABLE_PLUGIN_AUTOLOAD=1``;
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

A transfer syntax may be named by UID or keyword everywhere.  A keyword is matched
when the setting is used, not when it is made, so a plugin's private syntax can be
named before the plugin has loaded (``set_order("AcmePrivate", ...)`` before the
first codec use, or in the config file).  A keyword that no transfer syntax has once
plugins have loaded is reported with a :class:`~dcmcore.errors.DcmcoreWarning`.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import threading
import tomllib
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from dcmcore.codecs._warnings import warn, warn_once
from dcmcore.codecs.providers import resolve_uid, syntax_keyword

__all__ = [
    "set_order",
    "disable",
    "enable",
    "set_autoload",
    "reset",
    "using",
    "config_file",
    "reload_file",
    "FileConfig",
    "file_config",
    "order_for",
    "disabled_state",
    "autoload_state",
    "blocked_names",
    "configured_syntaxes",
    "describe_settings",
    "note_plugins_loaded",
    "ENV_ORDER",
    "ENV_DISABLED",
    "ENV_BLOCKED",
    "ENV_NO_AUTOLOAD",
    "ENV_CONFIG",
]

ENV_ORDER: Final = "DCMCORE_PLUGIN_ORDER"
ENV_DISABLED: Final = "DCMCORE_DISABLED_PLUGINS"
ENV_BLOCKED: Final = "DCMCORE_BLOCKED_PLUGINS"
ENV_NO_AUTOLOAD: Final = "DCMCORE_DISABLE_PLUGIN_AUTOLOAD"
ENV_CONFIG: Final = "DCMCORE_CONFIG"

_TRUE: Final = frozenset({"1", "true", "yes", "on"})
_FALSE: Final = frozenset({"0", "false", "no", "off", ""})

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
        Transfer syntax UID or keyword (``"RLELossless"``, or a plugin's private
        syntax's keyword, even before the plugin has loaded); None for all syntaxes.
    names : sequence of str, str or None
        Codec (or plugin or distribution) names, first tried first; a string is
        split on commas.  None removes the setting.

    Examples
    --------
    >>> from dcmcore.codecs import config
    >>> config.set_order("RLELossless", ["rle", "gdcm"])
    >>> config.set_order("RLELossless", None)
    """
    key = _syntax_key(ts_uid, f"config.set_order({ts_uid!r}, ...)") if ts_uid else None
    with _lock:
        if names is None:
            _runtime_order.pop(key, None)
        else:
            _runtime_order[key] = _names(names)


def disable(*names: str) -> None:
    """Exclude codecs (or whole plugins, by plugin or distribution name) from selection.

    A disabled codec stays loaded and is still used when a call names it explicitly
    (``decoding_plugin="name"``).
    """
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
    >>> with dcmcore.codecs.config.using(order=["gdcm"], ts="RLELossless"):  # doctest: +SKIP
    ...     arr = ds.pixel_array
    """
    scope = _Scope(
        order=_names(order) if order is not None else None,
        ts=_syntax_key(ts, f"config.using(ts={ts!r})") if ts else None,
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
    """The ``plugins`` settings read from a config file.

    ``order_by_syntax`` is keyed by UID, or by the keyword as written when no
    transfer syntax had it when the file was read (a plugin's, matched later).
    """

    path: Path | None = None
    table: str = ""  # "[plugins]" or "[tool.dcmcore.plugins]"
    order: tuple[str, ...] | None = None
    order_by_syntax: dict[str, tuple[str, ...]] = field(default_factory=dict)
    disabled: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()
    autoload: bool | None = None

    def where(self, key: str) -> str:
        """``file <path> [plugins.<key>]``: the source of a setting, for reports."""
        return f"file {self.path} {self.table[:-1]}.{key}]"


_file_lock = threading.Lock()
_parsed: dict[Path, tuple[tuple[int, int], FileConfig]] = {}
_tool_table: dict[Path, tuple[tuple[int, int], bool]] = {}


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


def _str_list(value: object, where: str) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return _names(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _names(value)
    warn(f"{where}: expected a list of plugin names, got {value!r}; ignored")
    return None


def _parse(path: Path) -> FileConfig:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        warn(f"dcmcore config file {path} could not be read and is ignored: {exc}")
        return FileConfig(path=path)
    table = "[plugins]"
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("dcmcore", {})
        table = "[tool.dcmcore.plugins]"
    plugins = data.get("plugins", {}) if isinstance(data, dict) else {}
    base = FileConfig(path=path, table=table)
    if not isinstance(plugins, dict):
        warn(f"{path}: {table} must be a table; ignored")
        return base
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("order", "disabled", "blocked"):
        if key in plugins:
            names = _str_list(plugins[key], base.where(key))
            if names is not None:
                lists[key] = names
    autoload = plugins.get("autoload")
    if autoload is not None and not isinstance(autoload, bool):
        warn(f"{base.where('autoload')}: expected true or false; ignored")
        autoload = None
    by_syntax = plugins.get("order_by_syntax", {})
    if not isinstance(by_syntax, dict):
        warn(f"{base.where('order_by_syntax')}: expected a table; ignored")
        by_syntax = {}
    orders: dict[str, tuple[str, ...]] = {}
    for ts, names in by_syntax.items():
        where = base.where(f"order_by_syntax.{ts}")
        parsed = _str_list(names, where)
        if parsed is not None:
            orders[_syntax_key(ts, where)] = parsed
    unknown = set(plugins) - {"order", "disabled", "blocked", "autoload", "order_by_syntax"}
    if unknown:
        warn(f"{path}: unknown keys in {table}: {', '.join(sorted(unknown))}; ignored")
    return FileConfig(path=path, table=table, order=lists.get("order"), order_by_syntax=orders,
                      disabled=lists.get("disabled", ()), blocked=lists.get("blocked", ()),
                      autoload=autoload)


def file_config() -> FileConfig:
    """Return the parsed config file (an empty :class:`FileConfig` when there is none)."""
    path = config_file()
    if path is None:
        return FileConfig()
    stamp = _stamp(path)
    if stamp is None:
        if os.environ.get(ENV_CONFIG, "").strip():
            warn_once(f"{ENV_CONFIG} names {path}, which does not exist; ignored")
        return FileConfig()
    with _file_lock:
        cached = _parsed.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    parsed = _parse(path)
    with _file_lock:
        _parsed[path] = (stamp, parsed)
    return parsed


# -- transfer syntaxes named by keyword --------------------------------------------------------

_plugins_loaded = False  # set by the plugin manager once plugins registered their syntaxes


def _is_uid(text: str) -> bool:
    return text[:1].isdigit()


def _unknown_syntax(key: str, where: str) -> str:
    return (f"{where} names the transfer syntax {key!r}, which is neither a UID nor the "
            "keyword of a known transfer syntax (plugins included); the setting is ignored "
            "until a plugin registers a syntax with that keyword")


def _syntax_key(ts: str, where: str) -> str:
    """The UID of `ts`, or the keyword as given when no syntax has it (yet)."""
    key = resolve_uid(ts)
    if not _is_uid(key) and _plugins_loaded:
        warn(_unknown_syntax(key, where))
    return key


def _same_syntax(key: str, ts_uid: str, keyword: str | None = None) -> bool:
    """Whether a setting's syntax `key` (UID or pending keyword) names `ts_uid`."""
    if key == ts_uid:
        return True
    if _is_uid(key):
        return False
    keyword = syntax_keyword(ts_uid) if keyword is None else keyword
    return bool(keyword) and key.lower() == keyword.lower()


def _key_for(keys: Collection[str | None], ts_uid: str) -> str | None:
    """The key among a setting's syntax `keys` (UIDs or pending keywords) naming `ts_uid`."""
    if ts_uid in keys:
        return ts_uid
    keyword: str | None = None
    for key in keys:
        if key and not _is_uid(key):  # a keyword not known when the setting was made
            keyword = syntax_keyword(ts_uid) if keyword is None else keyword
            if _same_syntax(key, ts_uid, keyword):
                return key
    return None


def note_plugins_loaded(loaded: bool) -> None:
    """Told by the plugin manager when plugins have (or no longer have) registered syntaxes.

    When they have, a setting naming a keyword that still matches no transfer
    syntax is warned about (once), and so is one made from then on.
    """
    global _plugins_loaded
    _plugins_loaded = loaded
    if not loaded:
        return
    for key, where in _pending_keywords():
        if not _is_uid(resolve_uid(key)):
            warn_once(_unknown_syntax(key, where))


def _pending_keywords() -> list[tuple[str, str]]:
    """``(keyword, where)`` of every syntax setting whose keyword was unknown when made."""
    with _lock:
        runtime = [k for k in _runtime_order if k and not _is_uid(k)]
    found = [(k, f"config.set_order({k!r}, ...)") for k in runtime]
    found += [(s.ts, f"config.using(ts={s.ts!r})") for s in _scopes.get()
              if s.ts and not _is_uid(s.ts)]
    fc = file_config()
    found += [(k, fc.where(f"order_by_syntax.{k}")) for k in fc.order_by_syntax
              if not _is_uid(k)]
    return found


def configured_syntaxes() -> set[str]:
    """UIDs of the syntaxes that have an order of their own in the runtime API or the file.

    Keywords are resolved now; one that no syntax has is returned as given.
    """
    with _lock:
        keys = {k for k in _runtime_order if k}
    keys.update(file_config().order_by_syntax)
    return {resolve_uid(k) for k in keys}


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
        if scope.order is not None and (scope.ts is None or _same_syntax(scope.ts, ts_uid)):
            what = f" for {scope.ts}" if scope.ts else ""
            return scope.order, f"scoped override (config.using{what})"
    with _lock:
        key = _key_for(_runtime_order.keys(), ts_uid)
        runtime = _runtime_order[key] if key is not None else None
        runtime_global = _runtime_order.get(None)
    if runtime is not None:
        return runtime, f"runtime (config.set_order for {key})"
    if runtime_global is not None:
        return runtime_global, "runtime (config.set_order global)"
    env = _env_syntax_order(ts_uid)
    if env is not None:
        return env[1], f"env {env[0]}"
    if os.environ.get(ENV_ORDER, "").strip():
        return _names(os.environ[ENV_ORDER]), f"env {ENV_ORDER}"
    fc = file_config() if fc is None else fc
    key = _key_for(fc.order_by_syntax.keys(), ts_uid) if fc.order_by_syntax else None
    if key is not None:
        return fc.order_by_syntax[key], fc.where(f"order_by_syntax.\"{key}\"")
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
        warn_once(f"{ENV_NO_AUTOLOAD}={value!r} is not a boolean; autoloading stays on")
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


def describe_settings() -> tuple[tuple[str, str, str], ...]:
    """Every codec setting in effect as ``(setting, value, source)``, highest source first.

    Examples
    --------
    >>> for setting, value, source in dcmcore.codecs.config.describe_settings():
    ...     print(setting, "=", value, f"[{source}]")                # doctest: +SKIP
    autoload = true [default]
    config file = (none) [search]
    """
    out: list[tuple[str, str, str]] = []
    for scope in _scopes.get():
        out.append(("scoped override",
                    f"order={list(scope.order) if scope.order is not None else None} "
                    f"ts={scope.ts} disabled={sorted(scope.disabled)} "
                    f"enabled={sorted(scope.enabled)}", "config.using"))
    with _lock:
        orders = dict(_runtime_order)
        disabled = dict(_runtime_disabled)
    for ts, names in sorted(orders.items(), key=lambda kv: kv[0] or ""):
        out.append((f"order[{ts or 'all'}]", ",".join(names), "runtime (config.set_order)"))
    for name, flag in sorted(disabled.items()):
        out.append((f"disabled[{name}]", str(flag).lower(), "runtime (config.disable/enable)"))
    autoload, source = autoload_state()
    out.append(("autoload", str(autoload).lower(), source))
    for var in sorted(os.environ):
        if var.startswith("DCMCORE_") and var != ENV_CONFIG:
            out.append((var, os.environ[var], "env"))
    path = config_file()
    out.append(("config file", str(path) if path else "(none)",
                f"env {ENV_CONFIG}" if os.environ.get(ENV_CONFIG) else "search"))
    fc = file_config()
    if fc.order is not None:
        out.append(("order[all]", ",".join(fc.order), fc.where("order")))
    for ts, names in sorted(fc.order_by_syntax.items()):
        out.append((f"order[{ts}]", ",".join(names), fc.where("order_by_syntax")))
    if fc.disabled:
        out.append(("disabled", ",".join(fc.disabled), fc.where("disabled")))
    if fc.blocked:
        out.append(("blocked", ",".join(fc.blocked), fc.where("blocked")))
    return tuple(out)
