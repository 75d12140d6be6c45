"""Python source code that rebuilds a DICOM data set (pydicom's ``codify``).

The code uses dcmcore's public API (``Dataset``, ``FileMetaDataset``,
``Sequence``): running it recreates the data set, element by element, e.g. as a
starting point for a test fixture or for a program that writes similar files.

Examples
--------
>>> from dcmcore import Dataset
>>> from dcmcore.util.codify import code_dataset
>>> ds = Dataset()
>>> ds.PatientName = "Doe^John"
>>> print(code_dataset(ds))
ds = Dataset()
ds.PatientName = 'Doe^John'

Command line: ``python -m dcmcore.util.codify FILE [OUT.py]`` or ``dcmcore codify FILE``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import deque
from collections.abc import Callable, Sequence

from dcmcore import config
from dcmcore.dataset import Dataset
from dcmcore.dictionary import dictionary_keyword, tag_for_keyword
from dcmcore.element import DataElement
from dcmcore.io.reader import dcmread
from dcmcore.tag import BaseTag
from dcmcore.vr import AMBIGUOUS_VR, BYTES_VR

__all__ = [
    "camel_to_underscore",
    "code_dataelem",
    "code_dataset",
    "code_file",
    "code_file_from_dataset",
    "code_imports",
    "code_sequence",
    "default_name_filter",
    "do_codify",
    "main",
    "set_parser_arguments",
    "tag_repr",
]

line_term = "\n"

_WORD_START = re.compile(r"(.)([A-Z][a-z]+)")
_CAPS_AFTER = re.compile(r"([a-z0-9])([A-Z])")
#: Shorter names for common words in variable names.
_SHORT_NAMES = (("control_point", "cp"), ("reference", "ref"), ("fraction_group", "frxn_gp"))


def camel_to_underscore(name: str) -> str:
    """``"ControlPointSequence"`` -> ``"control_point_sequence"``."""
    return _CAPS_AFTER.sub(r"\1_\2", _WORD_START.sub(r"\1_\2", name)).lower()


def tag_repr(tag: BaseTag) -> str:
    """``(0xGGGG, 0xEEEE)``: the tag as Python code."""
    return f"(0x{tag >> 16:04X}, 0x{tag & 0xFFFF:04X})"


def default_name_filter(name: str) -> str:
    """A readable variable name for a sequence keyword (snake case, common words shortened)."""
    name = camel_to_underscore(name)
    for long, short in _SHORT_NAMES:
        name = name.replace(long, short)
    return name


def code_imports() -> str:
    """The import lines the generated code needs."""
    return line_term.join(
        ("import dcmcore", "from dcmcore.dataset import Dataset, FileMetaDataset",
         "from dcmcore.sequence import Sequence")
    )  # fmt: skip


def _keyword(tag: BaseTag) -> str | None:
    try:
        return dictionary_keyword(tag) or None
    except KeyError:
        return None


def _too_big(elem: DataElement, exclude_size: int | None) -> bool:
    if not exclude_size or elem.VR not in (BYTES_VR | AMBIGUOUS_VR) - {"US or SS"}:
        return False
    value = elem.value
    return not isinstance(value, (int, float)) and len(value) > exclude_size


def code_dataelem(
    dataelem: DataElement,
    dataset_name: str = "ds",
    exclude_size: int | None = None,
    include_private: bool = False,
    var_names: deque[str] | None = None,
) -> str:
    """The code line(s) that set `dataelem` in the data set named `dataset_name`.

    Parameters
    ----------
    exclude_size : int, optional
        Byte values longer than this are replaced by a comment (the line then
        needs editing before it runs).
    include_private : bool
        Code private elements of sequence items too.
    var_names : deque, optional
        Variable names in use by enclosing sequences (kept unique).
    """
    if dataelem.VR == "SQ":
        return code_sequence(
            dataelem, dataset_name, exclude_size, include_private, var_names=var_names
        )
    if _too_big(dataelem, exclude_size):
        value = f"# XXX Array of {len(dataelem.value)} bytes excluded"
    elif dataelem.VR == "AT":
        value = tag_repr(dataelem.value)
    else:
        value = repr(dataelem.value)
    keyword = _keyword(dataelem.tag)
    if keyword is not None:
        return f"{dataset_name}.{keyword} = {value}"
    return f"{dataset_name}.add_new({tag_repr(dataelem.tag)}, '{dataelem.VR}', {value})"


def _unique(name: str, used: deque[str]) -> str:
    count = sum(1 for other in used if other == name) - 1
    return name if count <= 0 else f"{name}_{count}"


def _item_label(item: Dataset, keyword: str, position: int) -> str:
    stem = keyword.replace("Sequence", "")
    for suffix in ("Index", "Number"):
        tag = tag_for_keyword(stem + suffix)
        if tag is not None and tag in item:
            return str(item[tag].value)
    return str(position)


def code_sequence(
    dataelem: DataElement,
    dataset_name: str = "ds",
    exclude_size: int | None = None,
    include_private: bool = False,
    name_filter: Callable[[str], str] = default_name_filter,
    var_names: deque[str] | None = None,
) -> str:
    """The code that builds the sequence `dataelem` and its items, then sets it.

    Each item gets a variable named after the sequence and the item's number
    (its ``...Number`` or ``...Index`` element when it has one).
    """
    used: deque[str] = deque() if var_names is None else var_names
    keyword = _keyword(dataelem.tag) or f"Tag{int(dataelem.tag):08x}"
    title = dataelem.name
    item_title = title.replace(" Sequence", "")
    base = name_filter(keyword)
    used.append(base)
    seq_var = _unique(base, used)
    lines = ["", f"# {title}", f"{seq_var} = Sequence()", f"{dataset_name}.{keyword} = {seq_var}"]
    for position, item in enumerate(dataelem.value, 1):
        label = _item_label(item, keyword, position)
        lines += ["", f"# {title}: {item_title} {label}"]
        used.append(base.replace("_sequence", "") + label)
        item_var = _unique(used[-1], used)
        first, *rest = code_dataset(
            item, item_var, exclude_size, include_private, var_names=used
        ).split(line_term)
        used.pop()
        lines += [first, f"{seq_var}.append({item_var})", *rest]
    used.pop()
    return line_term.join(lines)


def code_dataset(
    ds: Dataset,
    dataset_name: str = "ds",
    exclude_size: int | None = None,
    include_private: bool = False,
    is_file_meta: bool = False,
    var_names: deque[str] | None = None,
) -> str:
    """The code that builds `ds` as the variable `dataset_name`.

    Private elements are left out unless `include_private`.
    """
    used: deque[str] = deque() if var_names is None else var_names
    kind = "FileMetaDataset" if is_file_meta else "Dataset"
    lines = [f"{dataset_name} = {kind}()"]
    for elem in ds:
        if elem.tag.is_private and not include_private:
            continue
        lines.append(code_dataelem(elem, dataset_name, exclude_size, include_private, used))
        if elem.VR == "SQ":
            lines.append("")
    while len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return line_term.join(lines)


def code_file_from_dataset(
    ds: Dataset, exclude_size: int | None = None, include_private: bool = False
) -> str:
    """The complete module (imports, file meta, data set, encoding) that rebuilds `ds`."""
    filename = getattr(ds, "filename", None)
    what = f"DICOM file '{filename}'" if isinstance(filename, str) else "non-file dataset"
    lines = [
        "# -*- coding: utf-8 -*-",
        f"# Coded version of {what}",
        "# Produced by dcmcore codify utility script",
        code_imports(),
        "",
    ]
    file_meta = getattr(ds, "file_meta", None)
    if file_meta is not None:
        lines += [
            "# File meta info data elements",
            code_dataset(file_meta, "file_meta", exclude_size, include_private, is_file_meta=True),
            "",
        ]
    lines += ["# Main data elements", code_dataset(ds, "ds", exclude_size, include_private), ""]
    if file_meta is not None:
        lines.append("ds.file_meta = file_meta")
    implicit_vr, little_endian = getattr(ds, "original_encoding", (None, None))[:2]
    lines.append(f"ds.set_original_encoding({implicit_vr}, {little_endian})")
    return line_term.join(lines)


def code_file(filename: str, exclude_size: int | None = None, include_private: bool = False) -> str:
    """The code that rebuilds the data set of the DICOM file `filename`.

    The file is read with ``force=True`` (as pydicom's codify does), its element
    structure strictly: data that does not parse as DICOM raises
    (:class:`~dcmcore.errors.InvalidDicomError`) rather than being coded as junk.
    """
    with config.override(reading_validation_mode=config.RAISE):
        ds = dcmread(filename, force=True)
    return code_file_from_dataset(ds, exclude_size, include_private)


def set_parser_arguments(parser: argparse.ArgumentParser, default_exclude_size: int) -> None:
    """Add codify's command-line arguments to `parser`."""
    parser.add_argument("filespec", help="the DICOM file to code")
    parser.add_argument(
        "outfile", nargs="?", default=None,
        help="file to write the Python code to (default: standard output)",
    )  # fmt: skip
    parser.add_argument(
        "-e", "--exclude-size", type=int, default=default_exclude_size,
        help=f"leave out binary values longer than this (default {default_exclude_size} bytes)",
    )  # fmt: skip
    parser.add_argument(
        "-p", "--include-private", action="store_true",
        help="include private elements (default: leave them out)",
    )  # fmt: skip
    parser.add_argument(
        "-s", "--save-as",
        help="file name for the ds.save_as(...) line (default: the input name + '_from_codify')",
    )  # fmt: skip


def do_codify(args: argparse.Namespace) -> None:
    """Code the file of parsed `args` and write it where they say."""
    code = code_file(args.filespec, args.exclude_size, args.include_private)
    save_as = args.save_as or os.path.splitext(args.filespec)[0] + "_from_codify.dcm"
    code += f"\nds.save_as(r'{save_as}', enforce_file_format=True)\n"
    if args.outfile is None:
        sys.stdout.write(code)
    else:
        with open(args.outfile, "w", encoding="utf-8") as out:
            out.write(code)
        print(f"Writing code to file '{args.outfile}'")


def main(default_exclude_size: int, args: Sequence[str] | None = None) -> int:
    """Run codify as a command (``args`` default: ``sys.argv[1:]``); return the exit status."""
    parser = argparse.ArgumentParser(
        prog="codify",
        description="Write Python code that recreates a DICOM file's data set with dcmcore",
    )
    set_parser_arguments(parser, default_exclude_size)
    do_codify(parser.parse_args(args))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(100))
