"""The columns of a metadata table: which element, which Arrow type, how a value converts.

A :class:`Column` is resolved once on the client from a keyword (the data
dictionary gives the tag, VR and VM) and travels to the workers inside a
:class:`TableSpec`, a small frozen value that pickles.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import pandas as pd
import pyarrow as pa

from dcmcore.dictionary import entry, tag_for_keyword
from dcmcore.values import MultiValue

__all__ = [
    "BASE_KEYWORDS",
    "DEFAULT_KEYWORDS",
    "Column",
    "TableSpec",
    "table_spec",
]

#: Element columns every table has (after ``path``, ``size`` and ``TransferSyntaxUID``).
BASE_KEYWORDS: Final = (
    "SOPClassUID",
    "SOPInstanceUID",
    "StudyInstanceUID",
    "SeriesInstanceUID",
    "Modality",
    "Rows",
    "Columns",
    "NumberOfFrames",
)
#: Extra element columns of :func:`~dcmcore.dask.read_metadata` unless others are asked
#: for; the Image Pixel ones let :func:`~dcmcore.dask.stack` use the table as it is.
DEFAULT_KEYWORDS: Final = (
    "PatientID",
    "StudyDate",
    "SeriesNumber",
    "InstanceNumber",
    "SamplesPerPixel",
    "BitsAllocated",
    "PixelRepresentation",
    "PhotometricInterpretation",
)

_INT_VRS: Final = frozenset({"US", "UL", "SS", "SL", "UV", "SV", "IS", "US or SS"})
_FLOAT_VRS: Final = frozenset({"FL", "FD", "DS"})
_TEXT_VRS: Final = frozenset(
    {"AE", "AS", "CS", "DT", "LO", "LT", "PN", "SH", "ST", "UC", "UI", "UR", "UT", "AT"}
)
_SEVERAL: Final = (list, tuple, MultiValue)
_SCALARS: Final[dict[str, pa.DataType]] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "date": pa.date32(),
    "time": pa.time64("us"),
    "str": pa.string(),
}


@dataclass(frozen=True, slots=True)
class Column:
    """One element column.

    Attributes
    ----------
    name : str
        The element's keyword (the column name).
    tag : int
        The element's tag.
    kind : str
        ``"int"``, ``"float"``, ``"date"``, ``"time"`` or ``"str"``.
    multi : bool
        The element may hold several values (VM other than 1): the column holds lists.
    vr : str
        The element's VR in the data dictionary (used when the file does not say).
    """

    name: str
    tag: int
    kind: str
    multi: bool
    vr: str = ""

    @property
    def arrow_type(self) -> pa.DataType:
        """The column's Arrow type (a list type for multi-valued elements)."""
        scalar = _SCALARS[self.kind]
        return pa.list_(scalar) if self.multi else scalar

    def convert(self, value: object) -> object:
        """The Python value for one cell from an element's value (None when empty/invalid)."""
        if value is None or value == "" or value == b"":
            return None
        if self.multi:
            items = list(value) if isinstance(value, _SEVERAL) else [value]
            return [_scalar(self.kind, v) for v in items]
        if isinstance(value, _SEVERAL):  # several values in a single-valued element
            if self.kind != "str":
                value = value[0] if value else None
            else:
                return "\\".join(str(v) for v in value)
        return _scalar(self.kind, value)


def _scalar(kind: str, value: object) -> object:
    if value is None or value == "":
        return None
    if kind == "str":
        return str(value)
    if kind == "int":
        try:
            return int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None
    if kind == "float":
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
    if kind == "date":
        return _date(str(value))
    return _time(str(value))


def _date(text: str) -> datetime.date | None:
    """A DA value (``YYYYMMDD``, or the old ``YYYY.MM.DD``) as a date; None if invalid."""
    text = text.strip().replace(".", "")
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _time(text: str) -> datetime.time | None:
    """A TM value (``HH[MM[SS[.F{1,6}]]]``, or the old ``HH:MM:SS``) as a time; None if invalid."""
    text = text.strip().replace(":", "")
    whole, _, frac = text.partition(".")
    if len(whole) not in (2, 4, 6) or not whole.isdigit() or (frac and not frac.isdigit()):
        return None
    parts = [int(whole[i : i + 2]) for i in range(0, len(whole), 2)] + [0, 0]
    micro = int((frac + "000000")[:6]) if frac else 0
    try:
        return datetime.time(parts[0], parts[1], min(parts[2], 59), micro)
    except ValueError:
        return None


def _column(keyword: str) -> Column:
    tag = tag_for_keyword(keyword)
    found = entry(tag) if tag is not None else None
    if tag is None or found is None:
        raise ValueError(f"'{keyword}' is not a DICOM keyword")
    vr = found.VR
    if vr in _INT_VRS:
        kind = "int"
    elif vr in _FLOAT_VRS:
        kind = "float"
    elif vr == "DA":
        kind = "date"
    elif vr == "TM":
        kind = "time"
    elif vr in _TEXT_VRS:
        kind = "str"
    else:
        raise ValueError(
            f"'{keyword}' ({vr}) cannot be a column: sequences and binary values are not indexed"
        )
    return Column(keyword, tag, kind, found.VM != "1", vr)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """What a metadata table holds: the element columns, in order.

    The table's columns are ``path``, ``size``, ``TransferSyntaxUID``, the
    element columns and ``error``.
    """

    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        """All column names, in order."""
        return ["path", "size", "TransferSyntaxUID", *(c.name for c in self.columns), "error"]

    def frame(self, data: dict[str, list[object]]) -> pd.DataFrame:
        """A pandas DataFrame with Arrow-backed columns from one list per column."""
        types: list[pa.DataType] = [pa.string(), pa.int64(), pa.string()]
        types += [c.arrow_type for c in self.columns]
        types.append(pa.string())
        cols = {
            name: pd.Series(
                pd.arrays.ArrowExtensionArray(pa.array(data[name], type=t)), name=name, copy=False
            )
            for name, t in zip(self.names, types)
        }
        return pd.DataFrame(cols)

    def empty(self) -> pd.DataFrame:
        """The zero-row table (Dask's ``meta``)."""
        return self.frame({name: [] for name in self.names})


def table_spec(keywords: Iterable[str] = DEFAULT_KEYWORDS) -> TableSpec:
    """The table of the base columns plus `keywords` (duplicates dropped).

    Raises
    ------
    ValueError
        A keyword is unknown, or names a sequence or binary element.
    """
    if isinstance(keywords, str):
        keywords = [keywords]
    names: list[str] = []
    for kw in (*BASE_KEYWORDS, *keywords):
        if kw not in names and kw != "TransferSyntaxUID":
            names.append(kw)
    return TableSpec(tuple(_column(kw) for kw in names))

