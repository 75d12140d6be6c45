"""pydicom's ``filewriter`` module: writing Part 10 files, data sets and elements.

:func:`dcmwrite` and :func:`write_file_meta_info` are dcmcore's writer
(:mod:`dcmcore.io.writer`); :func:`write_dataset`, :func:`write_data_element` and
the per-VR ``write_*`` functions encode through dcmcore's encoder
(:mod:`dcmcore.io.encoder`) in the encoding of the :class:`~dcmcore.filebase.DicomIO`
they are given (``fp.is_implicit_VR``, ``fp.is_little_endian``), as pydicom's do.

Examples
--------
>>> from dcmcore import Dataset
>>> from dcmcore.filebase import DicomBytesIO
>>> from dcmcore.filewriter import write_dataset
>>> ds = Dataset()
>>> ds.PatientName = "Doe^John"
>>> fp = DicomBytesIO()
>>> fp.is_implicit_VR, fp.is_little_endian = False, True
>>> write_dataset(fp, ds)
18
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableSequence
from typing import Any, Literal

from dcmcore.charset import convert_encodings, default_encoding
from dcmcore.converters import decode_value, encode_value
from dcmcore.element import DataElement, RawDataElement, convert_raw_data_element
from dcmcore.io.encoder import Encoding, encode_dataset, encode_element, resolve_ambiguous_vr
from dcmcore.io.writer import dcmwrite, determine_encoding, write_file_meta_info
from dcmcore.uid import DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ImplicitVRLittleEndian
from dcmcore.vr import AMBIGUOUS_VR, EXPLICIT_VR_LENGTH_32

__all__ = [
    "correct_ambiguous_vr",
    "correct_ambiguous_vr_element",
    "dcmwrite",
    "multi_string",
    "write_ATvalue",
    "write_DA",
    "write_DT",
    "write_OBvalue",
    "write_OWvalue",
    "write_PN",
    "write_TM",
    "write_UI",
    "write_UN",
    "write_data_element",
    "write_dataset",
    "write_file_meta_info",
    "write_number_string",
    "write_numbers",
    "write_sequence",
    "write_sequence_item",
    "write_string",
    "write_text",
    "writers",
]

_ = (DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ImplicitVRLittleEndian)
_FORMAT_VR = {
    "H": "US",
    "h": "SS",
    "L": "UL",
    "l": "SL",
    "Q": "UV",
    "q": "SV",
    "f": "FL",
    "d": "FD",
}


def _encoding_of(fp: Any, dataset: Any = None) -> tuple[bool, bool]:
    implicit = getattr(fp, "_implicit_vr", None)
    little = getattr(fp, "_little_endian", None)
    if implicit is None or little is None:
        if dataset is None:
            raise AttributeError(
                "'fp.is_implicit_VR' and 'fp.is_little_endian' must be set before writing"
            )
        found = determine_encoding(dataset, None, implicit, little)
        implicit = found[0] if implicit is None else implicit
        little = found[1] if little is None else little
    return bool(implicit), bool(little)


def _python_encodings(encodings: str | MutableSequence[str] | None) -> list[str] | None:
    if encodings is None:
        return None
    return [encodings] if isinstance(encodings, str) else list(encodings)


def multi_string(val: str | Iterable[str]) -> str:
    """Join several string values with backslashes (one string is returned as is)."""
    return val if isinstance(val, str) else "\\".join(val)


def write_dataset(
    fp: Any, dataset: Any, parent_encoding: str | list[str] = default_encoding
) -> int:
    """Write `dataset`'s elements (no preamble nor file meta) to `fp`; return bytes written.

    The encoding is that of `fp` (a :class:`~dcmcore.filebase.DicomIO`), else the
    dataset's own.
    """
    implicit, little = _encoding_of(fp, dataset)
    chunks: list[Any] = []
    encode_dataset(dataset, Encoding(implicit, little), chunks, _python_encodings(parent_encoding))
    for chunk in chunks:
        fp.write(chunk)
    return sum(map(len, chunks))


def write_data_element(
    fp: Any,
    elem: DataElement | RawDataElement,
    encodings: str | list[str] | None = None,
) -> None:
    """Write one element (header and value) to `fp` in `fp`'s encoding."""
    if isinstance(elem, RawDataElement):

        elem = convert_raw_data_element(elem)
    chunks: list[Any] = []
    encode_element(elem, Encoding(*_encoding_of(fp)), chunks, _python_encodings(encodings))
    for chunk in chunks:
        fp.write(chunk)


def _write_value(fp: Any, vr: str, value: Any, encodings: list[str] | None = None) -> None:
    fp.write(encode_value(vr, value, little_endian=_encoding_of(fp)[1], encodings=encodings))


def write_numbers(fp: Any, elem: DataElement, struct_format: str) -> None:
    """Write the binary numbers of `elem` with a :mod:`struct` format character."""
    _write_value(fp, _FORMAT_VR.get(struct_format[-1], elem.VR), elem.value)


def write_OBvalue(fp: Any, elem: DataElement) -> None:
    """Write an OB value (padded to even length)."""
    _write_value(fp, "OB", elem.value)


def write_OWvalue(fp: Any, elem: DataElement) -> None:
    """Write an OW value (its bytes as held)."""
    _write_value(fp, "OW", elem.value)


def write_UN(fp: Any, elem: DataElement) -> None:
    """Write a UN value."""
    _write_value(fp, "UN", elem.value)


def write_UI(fp: Any, elem: DataElement) -> None:
    """Write a UI value (NUL padded)."""
    _write_value(fp, "UI", elem.value)


def write_ATvalue(fp: Any, elem: DataElement) -> None:
    """Write an AT value."""
    _write_value(fp, "AT", elem.value)


def write_string(fp: Any, elem: DataElement, padding: str = " ") -> None:
    """Write a text value of a default-character-set VR (AE, AS, CS...)."""
    _write_value(fp, elem.VR, elem.value)


def write_text(fp: Any, elem: DataElement, encodings: list[str] | None = None) -> None:
    """Write a text value (SH, LO, ST, LT, UC, UT) with `encodings`."""
    _write_value(fp, elem.VR, elem.value, encodings)


def write_PN(fp: Any, elem: DataElement, encodings: list[str] | None = None) -> None:
    """Write a PN value with `encodings`."""
    _write_value(fp, "PN", elem.value, encodings)


def write_number_string(fp: Any, elem: DataElement) -> None:
    """Write a DS or IS value."""
    _write_value(fp, elem.VR, elem.value)


def write_DA(fp: Any, elem: DataElement) -> None:
    """Write a DA value."""
    _write_value(fp, "DA", elem.value)


def write_DT(fp: Any, elem: DataElement) -> None:
    """Write a DT value."""
    _write_value(fp, "DT", elem.value)


def write_TM(fp: Any, elem: DataElement) -> None:
    """Write a TM value."""
    _write_value(fp, "TM", elem.value)


def write_sequence_item(fp: Any, dataset: Any, encodings: list[str]) -> None:
    """Write one sequence item (item header, elements, and an item delimiter when
    the item has undefined length)."""
    implicit, little = _encoding_of(fp)
    enc = Encoding(implicit, little)
    chunks: list[Any] = []
    encode_dataset(dataset, enc, chunks, _python_encodings(encodings))
    order: Literal["little", "big"] = "little" if little else "big"
    undefined = getattr(dataset, "is_undefined_length_sequence_item", False)
    length = 0xFFFFFFFF if undefined else sum(map(len, chunks))
    fp.write(b"\xfe\xff\x00\xe0" if little else b"\xff\xfe\xe0\x00")
    fp.write(length.to_bytes(4, order))
    for chunk in chunks:
        fp.write(chunk)
    if undefined:
        fp.write((b"\xfe\xff\x0d\xe0" if little else b"\xff\xfe\xe0\x0d") + bytes(4))


def write_sequence(fp: Any, elem: DataElement, encodings: list[str]) -> None:
    """Write the items of a sequence element (not its header nor delimiter)."""
    for item in elem.value:
        write_sequence_item(fp, item, encodings)


def correct_ambiguous_vr_element(
    elem: DataElement | RawDataElement,
    ds: Any,
    is_little_endian: bool,
    ancestors: list[Any] | None = None,
) -> DataElement | RawDataElement:
    """Replace an ambiguous VR (``'US or SS'``, ``'OB or OW'``...) of `elem` by the one to write.

    The choice follows the Pixel Representation, Bits Allocated, LUT Descriptor...
    of `ds` and its parents. US/SS values held as bytes are decoded.
    """
    vr = elem.VR
    if vr not in AMBIGUOUS_VR:
        return elem
    undefined = bool(getattr(elem, "is_undefined_length", False))
    new_vr = resolve_ambiguous_vr(
        str(vr), int(elem.tag), ds, elem.value, undefined_length=undefined
    )
    if isinstance(elem, RawDataElement):
        return elem._replace(VR=new_vr)
    value = elem.value
    elem.VR = new_vr
    if new_vr in ("US", "SS") and isinstance(value, bytes):
        elem.value = decode_value(new_vr, value, little_endian=is_little_endian)
    return elem


def correct_ambiguous_vr(
    ds: Any, is_little_endian: bool, ancestors: list[Any] | None = None
) -> Any:
    """Resolve every ambiguous VR in `ds` and its sequences (in place); return `ds`."""
    for tag in list(ds.keys()):
        elem = ds.get_item(tag)
        if isinstance(elem, RawDataElement):
            continue  # raw elements resolve their VR when converted
        if elem.VR == "SQ":
            for item in elem.value:
                correct_ambiguous_vr(item, is_little_endian)
        elif elem.VR in AMBIGUOUS_VR:
            correct_ambiguous_vr_element(elem, ds, is_little_endian)
    return ds


#: VR -> writer, or ``(writer, extra argument)``, as pydicom's table.
writers: dict[str, Callable[..., None] | tuple[Callable[..., None], Any]] = {
    "AE": write_string, "AS": write_string, "AT": write_ATvalue, "CS": write_string,
    "DA": write_DA, "DS": write_number_string, "DT": write_DT, "IS": write_number_string,
    "LO": write_text, "LT": write_text, "OB": write_OBvalue, "OD": write_OWvalue,
    "OF": write_OWvalue, "OL": write_OWvalue, "OV": write_OWvalue, "OW": write_OWvalue,
    "PN": write_PN, "SH": write_text, "SQ": write_sequence, "ST": write_text,
    "TM": write_TM, "UC": write_text, "UI": write_UI, "UN": write_UN, "UR": write_string,
    "UT": write_text, "OB or OW": write_OBvalue, "US or OW": write_OWvalue,
    "US or SS": write_OWvalue, "US or SS or OW": write_OWvalue,
}  # fmt: skip
for _fmt, _vr in _FORMAT_VR.items():
    writers[_vr] = (write_numbers, _fmt)

_unused = (convert_encodings, EXPLICIT_VR_LENGTH_32)
