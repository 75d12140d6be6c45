"""What is installed, and the effective codec order per transfer syntax with its sources.

:func:`effective_order` gathers it; ``str()`` of the result (also printed by
``python -m dcmcore.codecs``) shows, as plain aligned tables: every setting and
where it came from, every plugin with its distribution, version and problems,
every codec with its plugin, distribution, codec library (and that library's
installed version), licence, availability, transfer syntaxes, ``thread_safe`` and
priority, then per transfer syntax the codecs in the order they are tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dcmcore.codecs import config as _config
from dcmcore.codecs.base import Codec
from dcmcore.codecs.manager import (
    CodecInfo,
    PluginInfo,
    available_decoders,
    available_encoders,
    list_plugins,
    registry,
)
from dcmcore.codecs.providers import known_providers, resolve_uid, syntax_keyword, syntax_name
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


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Plain text table: columns padded to their widest cell, two spaces apart."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return [indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
            for row in (header, *rows)]


def _syntax_list(uids: Sequence[str]) -> str:
    return ", ".join(syntax_keyword(uid) or uid for uid in uids) or "-"


def _with_version(name: str, version: str) -> str:
    return f"{name} {version}".strip() if name else "-"


def _plugin_lines(plugins: Sequence[PluginInfo]) -> list[str]:
    if not plugins:
        return ["  (none)"]
    rows = [(p.name, p.distribution or "-", p.version or "-", p.source, p.status,
             ", ".join(dict.fromkeys((*p.decoders, *p.encoders))) or "-") for p in plugins]
    lines = _table(("plugin", "distribution", "version", "source", "status", "codecs"), rows)
    problems = [(p.name, problem) for p in plugins for problem in p.problems]
    if problems:
        lines.append("  problems:")
        lines += [f"    {name}: {problem}" for name, problem in problems]
    return lines


def _codec_lines(codecs: Sequence[CodecInfo]) -> list[str]:
    if not codecs:
        return ["  (none)"]
    rows = []
    for c in codecs:
        library = "-"
        if c.library:
            library = f"{c.library} {c.library_version}".strip()
        rows.append((c.name, c.kind, c.plugin, _with_version(c.distribution, c.version), library,
                     c.license or "-", "yes" if c.thread_safe else "no", str(c.priority),
                     "yes" if c.available else "no", _syntax_list(c.transfer_syntaxes)))
    lines = _table(("codec", "kind", "plugin", "distribution", "library", "license",
                    "thread_safe", "priority", "available", "transfer syntaxes"), rows)
    unavailable = [c for c in codecs if not c.available]
    if unavailable:
        lines.append("  unavailable:")
        lines += [f"    {c.name} ({c.kind}): {c.reason}" for c in unavailable]
    return lines


def _syntax_lines(s: SyntaxReport) -> list[str]:
    lines = [f"{s.ts_name} ({s.ts_uid}) - order from {s.order_source}"]
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
    return lines


@dataclass(frozen=True)
class OrderReport:
    """Result of :func:`effective_order`; ``str()`` gives readable tables.

    Attributes
    ----------
    syntaxes : tuple of SyntaxReport
        Per transfer syntax, the codecs in the order they are tried.
    settings : tuple of (setting, value, source)
        Every codec setting in effect and where it came from.
    plugins : tuple of PluginInfo
        Every known plugin (loaded, broken or blocked).
    codecs : tuple of CodecInfo
        Every registered decoder and encoder (only those for the syntax asked
        for, when :func:`effective_order` was given one).
    """

    syntaxes: tuple[SyntaxReport, ...]
    settings: tuple[tuple[str, str, str], ...]
    plugins: tuple[PluginInfo, ...]
    codecs: tuple[CodecInfo, ...] = ()

    def __getitem__(self, ts_uid: str) -> SyntaxReport:
        uid = resolve_uid(ts_uid)
        for s in self.syntaxes:
            if s.ts_uid == uid:
                return s
        raise KeyError(ts_uid)

    def __str__(self) -> str:
        lines = ["dcmcore codec configuration", "", "settings (highest source first):"]
        lines += [f"  {k} = {v}    [{src}]" for k, v, src in self.settings]
        lines += ["", "plugins:", *_plugin_lines(self.plugins)]
        lines += ["", "codecs:", *_codec_lines(self.codecs)]
        for s in self.syntaxes:
            lines += ["", *_syntax_lines(s)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<OrderReport {len(self.syntaxes)} syntaxes, {len(self.plugins)} plugins, "
                f"{len(self.codecs)} codecs>")


def _entries(kind: str, ts_uid: str) -> tuple[tuple[CodecEntry, ...], str, tuple[str, ...]]:
    p = plan(kind, ts_uid)
    configured = _config.order_for(ts_uid)
    names = configured[0] if configured else ()
    snap = registry.snapshot()
    all_codecs: dict[str, Codec] = {
        c.name: c for c in (snap.decoders if kind == "decoder" else snap.encoders)}

    def placed(c: Codec) -> str:
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


def effective_order(ts_uid: str | None = None) -> OrderReport:
    """Report what is installed and, per transfer syntax, the codecs in the order tried.

    Parameters
    ----------
    ts_uid : str, optional
        One transfer syntax (UID or keyword); default every syntax that has a
        codec or a configured order.

    Returns
    -------
    OrderReport
        Per-syntax entries (``report[uid].decoder_order``), every setting with
        its source, the plugins and the codecs; ``print(report)`` shows it readably.

    Examples
    --------
    >>> report = dcmcore.codecs.effective_order("RLELossless")          # doctest: +SKIP
    >>> report["RLELossless"].decoder_order                             # doctest: +SKIP
    ['rle', 'pylibjpeg-rle', 'gdcm']
    >>> print(report)                                                   # doctest: +SKIP
    """
    snap = registry.snapshot()  # first: plugins register the syntaxes keywords may name
    codecs = [*available_decoders(), *available_encoders()]
    if ts_uid is not None:
        uids = [resolve_uid(ts_uid)]
        codecs = [c for c in codecs if uids[0] in c.transfer_syntaxes]
    else:
        found = {uid for c in (*snap.decoders, *snap.encoders) for uid in c.transfer_syntaxes}
        # a keyword no syntax has is not a syntax: it is listed among the settings
        found.update(uid for uid in _config.configured_syntaxes() if uid[:1].isdigit())
        uids = sorted(found)
    reports = []
    for uid in uids:
        decs, source, names = _entries("decoder", uid)
        encs, _, _ = _entries("encoder", uid)
        builtin = "" if decs or encs else builtin_hint(uid)
        reports.append(SyntaxReport(uid, syntax_name(uid), source, names, decs, encs,
                                    known_providers(uid), builtin))
    codecs.sort(key=lambda c: (c.name, c.kind))
    return OrderReport(tuple(reports), _config.describe_settings(), tuple(list_plugins()),
                       tuple(codecs))
