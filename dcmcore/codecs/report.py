"""The effective codec order per transfer syntax, and where each setting came from."""

from __future__ import annotations

import os
from dataclasses import dataclass

from dcmcore.codecs import config as _config
from dcmcore.codecs.manager import PluginInfo, list_plugins, registry
from dcmcore.codecs.providers import known_providers, resolve_uid, syntax_name
from dcmcore.codecs.selection import builtin_hint, plan

__all__ = ["CodecEntry", "SyntaxReport", "OrderReport", "effective_order"]


@dataclass(frozen=True)
class CodecEntry:
    """One codec's place for one syntax.

    ``status`` is ``"used"`` (selected; ``position`` 1 is tried first),
    ``"disabled"`` or ``"unavailable"`` (``reason`` says why/by what).
    ``placed_by`` says what decided its position: the configured order's source
    or ``"priority N"``.
    """

    name: str
    kind: str
    plugin: str
    distribution: str
    priority: int
    status: str
    position: int | None
    placed_by: str
    reason: str = ""


@dataclass(frozen=True)
class SyntaxReport:
    """Decoders and encoders for one transfer syntax, in the order they are tried."""

    ts_uid: str
    ts_name: str
    order_source: str
    configured_order: tuple[str, ...]
    decoders: tuple[CodecEntry, ...]
    encoders: tuple[CodecEntry, ...]
    providers: tuple[str, ...]
    builtin: str = ""  # why dcmcore's builtin codec for the syntax is not used, if it has one

    @property
    def decoder_order(self) -> list[str]:
        """Names of the decoders that will be tried, first first."""
        return [e.name for e in self.decoders if e.status == "used"]

    @property
    def encoder_order(self) -> list[str]:
        """Names of the encoders that will be tried, first first."""
        return [e.name for e in self.encoders if e.status == "used"]


@dataclass(frozen=True)
class OrderReport:
    """Result of :func:`effective_order`; ``str()`` gives a readable table."""

    syntaxes: tuple[SyntaxReport, ...]
    settings: tuple[tuple[str, str, str], ...]  # (setting, value, source)
    plugins: tuple[PluginInfo, ...]

    def __getitem__(self, ts_uid: str) -> SyntaxReport:
        uid = resolve_uid(ts_uid)
        for s in self.syntaxes:
            if s.ts_uid == uid:
                return s
        raise KeyError(ts_uid)

    def __str__(self) -> str:
        lines = ["dcmcore codec configuration", "settings:"]
        lines += [f"  {k} = {v}    [{src}]" for k, v, src in self.settings]
        lines.append("plugins:")
        for p in self.plugins:
            dist = f" ({p.distribution} {p.version})".rstrip() if p.distribution else ""
            extra = f": {p.error}" if p.error else ""
            lines.append(f"  {p.name}{dist} [{p.source}, {p.status}]{extra}")
        if not self.plugins:
            lines.append("  (none)")
        for s in self.syntaxes:
            lines.append(f"{s.ts_name} ({s.ts_uid}) - order from {s.order_source}")
            for label, entries in (("decoders", s.decoders), ("encoders", s.encoders)):
                if not entries:
                    continue
                lines.append(f"  {label}:")
                for e in entries:
                    pos = f"{e.position}." if e.position else "-"
                    why = f" - {e.reason}" if e.reason else ""
                    lines.append(f"    {pos:>3} {e.name} ({e.distribution or e.plugin}) "
                                 f"[{e.status}; placed by {e.placed_by}]{why}")
            if not s.decoders and not s.encoders:
                if s.builtin:
                    lines.append(f"  no codec registered; {s.builtin}")
                else:
                    hint = ", ".join(s.providers) or "no known distribution"
                    lines.append(f"  no codec installed; install one of: {hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<OrderReport {len(self.syntaxes)} syntaxes, {len(self.plugins)} plugins>"


def _entries(kind: str, ts_uid: str) -> tuple[tuple[CodecEntry, ...], str, tuple[str, ...]]:
    p = plan(kind, ts_uid)
    configured = _config.order_for(ts_uid)
    names = configured[0] if configured else ()
    snap = registry.snapshot()
    all_codecs = {c.name: c for c in (snap.decoders if kind == "decoder" else snap.encoders)}

    def placed(c) -> str:  # noqa: ANN001
        if any(n in (c.name, c.plugin, c.provided_by) for n in names):
            return f"order from {p.order_source}"
        return f"priority {int(c.priority)}"

    out = []
    for i, c in enumerate(p.codecs, 1):
        out.append(CodecEntry(c.name, kind, c.plugin, c.provided_by, int(c.priority), "used", i,
                              placed(c)))
    for name, why in p.skipped:
        c = all_codecs[name]
        status = "disabled" if why.startswith("disabled") else "unavailable"
        out.append(CodecEntry(c.name, kind, c.plugin, c.provided_by, int(c.priority), status,
                              None, placed(c), why))
    return tuple(out), p.order_source, names


def _settings() -> tuple[tuple[str, str, str], ...]:
    out: list[tuple[str, str, str]] = []
    autoload, src = _config.autoload_state()
    out.append(("autoload", str(autoload).lower(), src))
    path = _config.config_file()
    out.append(("config file", str(path) if path else "(none)",
                f"env {_config.ENV_CONFIG}" if os.environ.get(_config.ENV_CONFIG) else "search"))
    for var in sorted(os.environ):
        if var.startswith("DCMCORE_") and var != _config.ENV_CONFIG:
            out.append((var, os.environ[var], "env"))
    with _config._lock:
        orders = dict(_config._runtime_order)
        disabled = dict(_config._runtime_disabled)
    for ts, names in sorted(orders.items(), key=lambda kv: kv[0] or ""):
        out.append((f"order[{ts or 'all'}]", ",".join(names), "runtime (config.set_order)"))
    for name, flag in sorted(disabled.items()):
        out.append((f"disabled[{name}]", str(flag).lower(), "runtime (config.disable/enable)"))
    for scope in _config._scopes.get():
        out.append(("scoped override",
                    f"order={list(scope.order) if scope.order is not None else None} "
                    f"ts={scope.ts} disabled={sorted(scope.disabled)} "
                    f"enabled={sorted(scope.enabled)}", "config.using"))
    fc = _config.file_config()
    if fc.order is not None:
        out.append(("order[all]", ",".join(fc.order), fc.where("order")))
    for ts, names in sorted(fc.order_by_syntax.items()):
        out.append((f"order[{ts}]", ",".join(names), fc.where("order_by_syntax")))
    if fc.disabled:
        out.append(("disabled", ",".join(fc.disabled), fc.where("disabled")))
    if fc.blocked:
        out.append(("blocked", ",".join(fc.blocked), fc.where("blocked")))
    return tuple(out)


def effective_order(ts_uid: str | None = None) -> OrderReport:
    """Report, per transfer syntax, the codecs in the order they will be tried.

    Parameters
    ----------
    ts_uid : str, optional
        One transfer syntax (UID or keyword); default every syntax that has a
        codec or a configured order.

    Returns
    -------
    OrderReport
        Per-syntax entries (``report[uid].decoder_order``), every setting with
        its source, and the plugins; ``print(report)`` shows it readably.
    """
    snap = registry.snapshot()
    if ts_uid is not None:
        uids = [resolve_uid(ts_uid)]
    else:
        found: set[str] = set()
        for c in (*snap.decoders, *snap.encoders):
            found.update(c.transfer_syntaxes)
        with _config._lock:
            found.update(k for k in _config._runtime_order if k)
        found.update(_config.file_config().order_by_syntax)
        uids = sorted(found)
    reports = []
    for uid in uids:
        decs, source, names = _entries("decoder", uid)
        encs, _, _ = _entries("encoder", uid)
        builtin = "" if decs or encs else builtin_hint(uid)
        reports.append(SyntaxReport(uid, syntax_name(uid), source, names, decs, encs,
                                    known_providers(uid), builtin))
    return OrderReport(tuple(reports), _settings(), tuple(list_plugins()))
