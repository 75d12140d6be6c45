"""Calling the registered plugins' hooks and keeping the codecs they return.

Each hook of each plugin is called on its own, so a hook that raises or returns
something unusable only costs that plugin's contribution.  Plugins are asked in
registration order (:meth:`PluginRecord.rank`): the first plugin to offer a codec
name keeps it, a later plugin's codec of the same name and kind is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import pluggy

from dcmcore import transfer_syntax
from dcmcore.codecs._records import PluginRecord, describe, describe_object
from dcmcore.codecs._warnings import warn_once
from dcmcore.codecs.base import Codec, Decoder, Encoder

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.transfer_syntax import TransferSyntax

__all__ = ["Snapshot", "EMPTY_SNAPSHOT", "collect"]

SYNTAX_HOOK: Final = "dcmcore_transfer_syntaxes"
CODEC_HOOKS: Final[dict[str, tuple[str, type[Codec]]]] = {
    "dcmcore_decoders": ("decoder", Decoder),
    "dcmcore_encoders": ("encoder", Encoder),
}

_Names = tuple[str, ...]


@dataclass(frozen=True)
class Snapshot:
    """Every accepted codec and syntax, and which plugin gave which (by plugin name)."""

    decoders: tuple[Decoder, ...]
    encoders: tuple[Encoder, ...]
    syntaxes: tuple[TransferSyntax, ...]
    by_plugin: dict[str, tuple[_Names, _Names, _Names]]


EMPTY_SNAPSHOT: Final = Snapshot((), (), (), {})


def _problem(record: PluginRecord, problem: str, warning: str = "") -> None:
    record.problems.append(problem)
    warn_once(warning or f"dcmcore {record.label()}: {problem}")


def _call_hook(record: PluginRecord, hook: str, func: Callable[[], object]) -> list[object]:
    try:
        result = func()
        if result is None:  # pluggy's "no result"
            return []
        if isinstance(result, (str, bytes)) or not isinstance(result, Iterable):
            _problem(record, f"{hook}() returned {describe_object(result)}, not a list")
            return []
        return list(result)
    except Exception as exc:
        _problem(record, f"{hook}() raised {describe(exc)}",
                 f"dcmcore {record.label()}: {hook}() raised {describe(exc)}; its results "
                 "are skipped")
        return []


def _call_hooks(pm: pluggy.PluginManager, record: PluginRecord, plugin: object
                ) -> list[tuple[str, list[object]]]:
    results: list[tuple[str, list[object]]] = []
    for caller in pm.get_hookcallers(plugin) or []:
        impl = next((i for i in caller.get_hookimpls() if i.plugin is plugin), None)
        if impl is None:
            continue
        if impl.hookwrapper or impl.wrapper:
            _problem(record, f"{caller.name}() is a hook wrapper, which dcmcore does not call")
            continue
        results.append((caller.name, _call_hook(record, caller.name, impl.function)))
    if not results:
        _problem(record, "implements none of the dcmcore hooks (dcmcore_decoders, "
                         "dcmcore_encoders, dcmcore_transfer_syntaxes); are they marked "
                         "with dcmcore.codecs.hookimpl?")
    return results


def _invalid(item: object, base: type[Codec]) -> str:
    """Why `item` is not a usable codec of class `base` ("" when it is)."""
    if not isinstance(item, base):
        return f"{describe_object(item)} is not a {base.__name__} instance"
    if not isinstance(item.name, str) or not item.name:
        return f"{type(item).__name__} has no name"
    if isinstance(item.transfer_syntaxes, str):
        return f"{item.name!r}: transfer_syntaxes is a string; it must be a tuple of UIDs"
    try:
        if not all(isinstance(s, str) for s in item.transfer_syntaxes):
            raise TypeError("transfer_syntaxes must hold UID strings")
        int(item.priority)
    except (TypeError, ValueError) as exc:
        return f"{item.name!r}: {exc}"
    return ""


def _accept(item: object, hook: str, record: PluginRecord,
            holders: dict[tuple[str, str], PluginRecord]) -> Codec | None:
    """Return `item` (returned by `hook` of `record`) if it is valid and its name is free."""
    kind, base = CODEC_HOOKS[hook]
    problem = _invalid(item, base)
    if problem:
        _problem(record, f"{hook}(): {problem}",
                 f"dcmcore {record.label()}: {hook}(): {problem}; skipped")
        return None
    assert isinstance(item, Codec)
    name = item.name
    holder = holders.get((kind, name))
    if holder is record:
        why = f"it returns two {kind}s named {name!r}; the second is skipped"
        _problem(record, f"{hook}(): {why}")
        return None
    if holder is not None:
        why = f"the name is taken by {holder.label()}, registered first"
        _problem(
            record, f"{kind} {name!r} skipped: {why}",
            f"dcmcore {record.label()} offers a {kind} named {name!r}, but {holder.label()}, "
            f"registered first, has that name: the newcomer's {kind} is skipped. To use it "
            f"instead, block the other plugin "
            f"(dcmcore.codecs.block({holder.distribution or holder.name!r}))",
        )
        return None
    holders[(kind, name)] = record
    try:
        item.plugin = record.name
        if not item.provided_by:
            item.provided_by = record.distribution
    except AttributeError:  # __slots__ codec: leave its own values
        pass
    return item


def _register_syntax(item: object, record: PluginRecord) -> TransferSyntax | None:
    if not isinstance(item, transfer_syntax.TransferSyntax):
        _problem(record, f"{SYNTAX_HOOK}(): {describe_object(item)} is not a "
                         "dcmcore.transfer_syntax.TransferSyntax")
        return None
    existing = transfer_syntax.get(item.uid)
    if existing is not None and existing != item:
        _problem(record, f"{SYNTAX_HOOK}(): transfer syntax {item.uid} is already registered "
                         f"as {existing.name!r} with other fields; the existing one is kept")
        return None
    if existing is None:
        try:
            transfer_syntax.register(item)
        except (TypeError, ValueError) as exc:  # registered differently meanwhile
            _problem(record, f"{SYNTAX_HOOK}(): cannot register {item.uid}: {describe(exc)}")
            return None
    return item


def collect(pm: pluggy.PluginManager, records: dict[str, PluginRecord],
            is_blocked: Callable[..., str]) -> Snapshot:
    """Call every registered plugin's hooks, in registration order; return what they give.

    Updates each plugin's record (problems, skipped codecs, offered names).  A plugin
    blocked by one of its codec names (known only now) is unregistered from `pm` and
    marked blocked; `is_blocked(*names)` says by what ("" when not blocked).
    """
    decoders: list[Decoder] = []
    encoders: list[Encoder] = []
    syntaxes: list[TransferSyntax] = []
    by_plugin: dict[str, tuple[_Names, _Names, _Names]] = {}
    holders: dict[tuple[str, str], PluginRecord] = {}
    registered = [(records.setdefault(name, PluginRecord(name)), plugin)
                  for name, plugin in pm.list_name_plugin() if plugin is not None]
    for record, plugin in sorted(registered, key=lambda rp: rp[0].rank()):
        record.reset_collection()
        results = _call_hooks(pm, record, plugin)
        record.offered = tuple(dict.fromkeys(
            c.name for hook, items in results if hook in CODEC_HOOKS
            for c in items if isinstance(c, Codec) and isinstance(c.name, str)
        ))
        # codec names are only known once the plugin is loaded: a block by codec name
        # applies here, to the whole plugin
        record.blocked_by = is_blocked(*record.offered)
        if record.blocked_by:
            pm.unregister(name=record.name)
            continue
        decs: list[str] = []
        encs: list[str] = []
        tss: list[str] = []
        for hook, items in results:
            for item in items:
                if hook == SYNTAX_HOOK:
                    ts = _register_syntax(item, record)
                    if ts is not None:
                        syntaxes.append(ts)
                        tss.append(ts.uid)
                    continue
                codec = _accept(item, hook, record, holders)
                if isinstance(codec, Decoder) and hook == "dcmcore_decoders":
                    decoders.append(codec)
                    decs.append(codec.name)
                elif isinstance(codec, Encoder) and hook == "dcmcore_encoders":
                    encoders.append(codec)
                    encs.append(codec.name)
        record.contributed = bool(decs or encs or tss)
        by_plugin[record.name] = (tuple(decs), tuple(encs), tuple(tss))
    return Snapshot(tuple(decoders), tuple(encoders), tuple(syntaxes), by_plugin)
