"""``dcmcore plugins [SYNTAX]``: the installed codec plugins and the order tried per syntax.

The data is :func:`dcmcore.codecs.effective_order`'s report (the one ``python -m
dcmcore.codecs`` prints as plain text); this module only lays it out as rich tables.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from typing import Final

from rich.table import Table

from dcmcore.cli._common import EXIT_OK, UsageError, add_parser, make_console
from dcmcore.codecs.manager import CodecInfo
from dcmcore.codecs.providers import syntax_keyword
from dcmcore.codecs.report import CodecEntry, OrderReport, SyntaxReport, effective_order
from dcmcore.transcode import resolve_syntax

__all__ = ["register", "run", "plugin_table", "order_table", "settings_table"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``plugins`` subcommand."""
    parser = add_parser(
        subparsers, "plugins", help="list the codec plugins and the order they are tried",
        description="List every installed codec plugin (distribution and version, codec "
                    "library and licence, available or why not, transfer syntaxes decoded "
                    "and encoded), the effective codec order per transfer syntax, and "
                    "every setting with where it came from.")
    parser.add_argument("syntax", nargs="?", default=None, metavar="SYNTAX",
                        help="only this transfer syntax (UID or keyword, e.g. RLELossless)")
    parser.add_argument("--plain", action="store_true",
                        help="plain text, as python -m dcmcore.codecs prints it")
    parser.set_defaults(run=run)


def _syntaxes(uids: Sequence[str]) -> str:
    return "\n".join(syntax_keyword(uid) or uid for uid in uids) or "-"


def _library(codecs: Sequence[CodecInfo]) -> str:
    found = dict.fromkeys(
        f"{c.library} {c.library_version}".strip() + (f" ({c.license})" if c.license else "")
        for c in codecs if c.library)
    return "\n".join(found) or "-"


def _availability(codecs: Sequence[CodecInfo]) -> str:
    problems = dict.fromkeys(f"{c.name} ({c.kind}): {c.reason}" for c in codecs
                             if not c.available)
    return "\n".join(problems) if problems else "yes"


#: Below this console width the tables are laid out one field per line.
NARROW: Final = 120


def _plugin_rows(report: OrderReport, only_syntax: bool) -> list[tuple[str, ...]]:
    """(plugin, distribution, library, available, decodes, encodes) per plugin."""
    by_plugin: dict[str, list[CodecInfo]] = defaultdict(list)
    for codec in report.codecs:
        by_plugin[codec.plugin].append(codec)
    rows: list[tuple[str, ...]] = []
    for plugin in report.plugins:
        codecs = by_plugin.get(plugin.name, [])
        if only_syntax and not codecs and plugin.status == "loaded":
            continue  # nothing for the syntax asked about
        status = plugin.status if plugin.status != "loaded" else _availability(codecs)
        if plugin.problems:
            status += "\n" + "\n".join(plugin.problems)
        decodes = sorted({uid for c in codecs if c.kind == "decoder" for uid in c.transfer_syntaxes})
        encodes = sorted({uid for c in codecs if c.kind == "encoder" for uid in c.transfer_syntaxes})
        rows.append((plugin.name, f"{plugin.distribution or '-'} {plugin.version}".strip(),
                     _library(codecs), status, _syntaxes(decodes), _syntaxes(encodes)))
    return rows


_PLUGIN_FIELDS: Final = ("plugin", "distribution", "codec library (licence)", "available",
                         "decodes", "encodes")


def plugin_table(report: OrderReport, *, only_syntax: bool = False,
                 narrow: bool = False) -> Table:
    """One row per plugin: distribution, version, library, licence, status, syntaxes.

    With `only_syntax` (a report for one syntax), loaded plugins with no codec in the
    report are left out; `narrow` lays each plugin out one field per line.
    """
    rows = _plugin_rows(report, only_syntax)
    if narrow:
        table = Table(title="plugins", title_justify="left", show_header=False)
        table.add_column("field", style="bold", no_wrap=True)
        table.add_column("value", overflow="fold")
        for row in rows:
            for i, (field, value) in enumerate(zip(_PLUGIN_FIELDS, row)):
                table.add_row(field, value, end_section=i == len(row) - 1)
        return table
    table = Table(title="plugins", title_justify="left", show_lines=True)
    table.add_column("plugin", no_wrap=True)
    table.add_column("distribution", no_wrap=True)
    for column in _PLUGIN_FIELDS[2:]:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def _order_cell(entries: Sequence[CodecEntry]) -> str:
    lines = []
    for e in entries:
        if e.status == "used":
            lines.append(f"{e.position}. {e.name} ({e.distribution or e.plugin}; "
                         f"{e.placed_by})")
        else:
            lines.append(f"-  {e.name} ({e.status}: {e.reason})")
    return "\n".join(lines) or "-"


def order_table(syntaxes: Sequence[SyntaxReport], *, narrow: bool = False) -> Table:
    """Per transfer syntax, the decoders and encoders in the order they are tried."""
    table = Table(title="order per transfer syntax", title_justify="left", show_lines=True)
    columns = ("transfer syntax", "codecs, in the order tried") if narrow else (
        "transfer syntax", "decoders", "encoders")
    for column in columns:
        table.add_column(column, overflow="fold")
    for s in syntaxes:
        decoders, encoders = _order_cell(s.decoders), _order_cell(s.encoders)
        if not s.decoders and not s.encoders:
            decoders = (f"none registered; {s.builtin}" if s.builtin else
                        f"none installed; install one of: {', '.join(s.providers) or '-'}")
        name = f"{s.ts_name}\n{s.ts_uid}\norder from {s.order_source}"
        if narrow:
            both = f"decoders:\n{decoders}" + (f"\nencoders:\n{encoders}" if s.encoders else "")
            table.add_row(name, both)
        else:
            table.add_row(name, decoders, encoders)
    return table


def settings_table(report: OrderReport) -> Table:
    """Every codec setting, its value and where it came from."""
    table = Table(title="settings (highest source first)", title_justify="left")
    for column in ("setting", "value", "source"):
        table.add_column(column, overflow="fold")
    for key, value, source in report.settings:
        table.add_row(key, value, source)
    return table


def run(args: argparse.Namespace) -> int:
    """Print the tables (or the plain report)."""
    syntax = None
    if args.syntax is not None:
        try:
            syntax = resolve_syntax(args.syntax).uid
        except ValueError as exc:
            raise UsageError(f"SYNTAX {args.syntax}: {exc}") from None
    report = effective_order(syntax)
    console = make_console()
    if args.plain:
        console.print(str(report), markup=False, highlight=False, soft_wrap=True)
        return EXIT_OK
    narrow = console.width < NARROW
    console.print(plugin_table(report, only_syntax=syntax is not None, narrow=narrow))
    console.print(order_table(report.syntaxes, narrow=narrow))
    console.print(settings_table(report))
    return EXIT_OK
