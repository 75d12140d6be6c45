"""The DICOM JSON Model (Part 18, Annex F): datasets to and from JSON.

Output follows pydicom 3's ``to_json_dict`` exactly (it is tested against it):
``{"GGGGEEEE": {"vr": VR, "Value": [...]}}`` with PN values as component
groups, AT values as 8-digit hex strings, IS/SS/US/... as JSON integers, DS/FL/FD
as JSON numbers, binary VRs as base64 ``InlineBinary`` (or a ``BulkDataURI`` from
a handler, above a size threshold), sequences as lists of datasets; elements
with an empty value keep only their ``vr``.

pydicom's output differs from Part 18 in a few places (group lengths included,
empty sequences with ``"Value": []``, empty person name groups written, empty
values in multi-valued attributes as ``""``); ``strict=True`` follows Part 18.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import inspect
import io
import json
import logging
import warnings
from collections.abc import Callable
from typing import Any

from dcmcore import config, dictionary
from dcmcore.converters import empty_value_for_VR
from dcmcore.dataset import Dataset
from dcmcore.element import DataElement, RawDataElement, convert_raw_data_element
from dcmcore.errors import DcmcoreWarning, JSONKeyError, JSONValueError
from dcmcore.io._json_values import check_value, decode_inline_binary, describe_tag, json_error
from dcmcore.io.parser import _is_sequence
from dcmcore.tag import BaseTag, Tag
from dcmcore.values import MultiValue
from dcmcore.vr import AMBIGUOUS_VR, is_valid_vr

__all__ = [
    "to_json_dict",
    "to_json",
    "from_json",
    "element_to_json_dict",
    "element_to_json",
    "element_from_json",
    "JSON_VALUE_KEYS",
]

logger = logging.getLogger("dcmcore")

#: Deepest sequence nesting accepted by :func:`from_json`.
MAX_DEPTH = 100
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("dcmcore_json_depth", default=0)

#: The keys that carry an element's value, in the order they are looked for.
JSON_VALUE_KEYS = ("Value", "InlineBinary", "BulkDataURI")

# binary VRs (and ambiguous ones that may be binary) go to InlineBinary / BulkDataURI
_BINARY_VR = frozenset(
    {"OB", "OD", "OF", "OL", "OV", "OW", "UN", "US or SS or OW", "US or OW", "OB or OW"}
)
_PN_GROUPS = ("Alphabetic", "Ideographic", "Phonetic")
_INT_VR = frozenset({"IS", "SL", "SS", "SV", "UL", "US", "UV", "US or SS"})
_FLOAT_VR = frozenset({"DS", "FD", "FL"})

#: With suppress_invalid_tags: the validation mode for parsing the structure of
#: lazily read sequences and items (the one outside the RAISE override), else None
_structure_mode: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "dcmcore_json_structure_mode", default=None
)

BulkDataElementHandler = Callable[[Any], str]
BulkDataURIHandler = Callable[..., Any]


# ---------------------------------------------------------------------------
# to JSON


def _is_empty(elem: Any) -> bool:
    empty = getattr(elem, "is_empty", None)
    if empty is not None:
        return bool(empty)
    value = elem.value
    if value is None:
        return True
    if isinstance(value, (str, bytes, bytearray, list, tuple)):
        return len(value) == 0
    try:
        return len(value) == 0
    except TypeError:
        return False


def _values(elem: Any) -> list:
    """The element's values as a list (VM 1 values wrapped)."""

    value = elem.value
    if isinstance(value, (list, tuple, MultiValue)):
        return list(value)
    if hasattr(value, "tolist"):  # numpy DS/IS values (config.use_DS_numpy): plain numbers
        found = value.tolist()
        return found if isinstance(found, list) else [found]
    return [value]


def _pn_components(value: Any) -> list[str]:
    comps = getattr(value, "components", None)
    if comps is None:
        comps = str(value).split("=")
    return list(comps)


def element_to_json_dict(
    elem: Any,
    bulk_data_element_handler: BulkDataElementHandler | None,
    bulk_data_threshold: int,
    *,
    strict: bool = False,
) -> dict[str, Any]:
    """Return the DICOM JSON Model dict of one data element.

    Parameters
    ----------
    elem : DataElement
        A converted element.
    bulk_data_element_handler : callable or None
        Called with the element for binary values longer than the threshold;
        returns the ``BulkDataURI``.
    bulk_data_threshold : int
        Length of the base64 text above which the handler is used.
    strict : bool
        Follow Part 18 where pydicom does not (see :func:`to_json_dict`).

    Returns
    -------
    dict
    """
    vr = str(elem.VR)
    out: dict[str, Any] = {"vr": vr}
    if vr in _BINARY_VR:
        if not _is_empty(elem):
            value = elem.value
            if isinstance(value, io.BufferedIOBase):  # a buffered value: its bytes
                buffer, start = value, value.tell()
                try:
                    value = buffer.read()
                finally:
                    buffer.seek(start)
            if bulk_data_element_handler is not None and len(value) > (
                (bulk_data_threshold // 4) * 3
            ):
                out["BulkDataURI"] = bulk_data_element_handler(elem)
            else:
                out["InlineBinary"] = base64.b64encode(bytes(value)).decode("ascii")
        return out
    if vr == "SQ":
        items = [
            to_json_dict(item, bulk_data_threshold, bulk_data_element_handler, strict=strict)
            for item in (elem.value or ())
        ]
        if items or not strict:
            out["Value"] = items
        return out
    if _is_empty(elem):
        return out
    values = _values(elem)
    if vr == "PN":
        groups: list[Any] = []
        for v in values:
            comps = _pn_components(v)
            if strict:
                # F.2.2: only the non-empty component groups; an empty name is null
                named = {k: c for k, c in zip(_PN_GROUPS, comps) if c}
                groups.append(named or None)
                continue
            group = {"Alphabetic": comps[0] if comps else ""}
            if len(comps) > 1:
                group["Ideographic"] = comps[1]
            if len(comps) > 2:
                group["Phonetic"] = comps[2]
            groups.append(group)
        out["Value"] = groups
    elif vr == "AT":
        out["Value"] = [format(int(v), "08X") for v in values]
    elif vr in _INT_VR:
        out["Value"] = [int(v) if v is not None else _empty_value(vr) for v in values]
    elif vr in _FLOAT_VR:
        out["Value"] = [float(v) if v is not None else _empty_value(vr) for v in values]
    else:
        out["Value"] = values
    if strict:
        # F.2.5: empty values of a multi-valued attribute are null
        out["Value"] = [None if v == "" else v for v in out["Value"]]
    return out


def element_to_json(
    elem: Any,
    bulk_data_threshold: int = 1024,
    bulk_data_element_handler: BulkDataElementHandler | None = None,
    dump_handler: Callable[[dict[str, Any]], str] | None = None,
) -> str:
    """Return the DICOM JSON text of one data element (see :func:`element_to_json_dict`)."""
    data = element_to_json_dict(elem, bulk_data_element_handler, bulk_data_threshold)
    return (dump_handler or _dumps)(data)


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True)


def to_json_dict(
    ds: Any,
    bulk_data_threshold: int = 1024,
    bulk_data_element_handler: BulkDataElementHandler | None = None,
    suppress_invalid_tags: bool = False,
    *,
    strict: bool = False,
) -> dict[str, Any]:
    """Return the DICOM JSON Model dict of a dataset (Part 18, Annex F).

    Parameters
    ----------
    ds : Dataset
        The dataset (its file meta is not included).
    bulk_data_threshold : int
        Length of base64 text above which a binary value is given as a
        ``BulkDataURI`` (only when `bulk_data_element_handler` is given).
    bulk_data_element_handler : callable, optional
        Takes a data element, returns its ``BulkDataURI``; also used in sequences.
    suppress_invalid_tags : bool
        Log and leave out elements whose value cannot be converted, instead of raising.
    strict : bool
        Follow Part 18 where pydicom's output (the default) does not: leave out
        group lengths (F.2.2), give an empty sequence no ``Value`` (F.2.5), write
        only the non-empty person name component groups (F.2.2), and write
        empty values of multi-valued attributes as ``null`` (F.2.5).

    Returns
    -------
    dict
        Keyed by 8-digit upper-case hex tags, in tag order.
    """
    out: dict[str, Any] = {}
    token = None
    if suppress_invalid_tags and _structure_mode.get() is None:

        # invalid values must raise to be left out (pydicom reads strictly here too);
        # sequences and items are parsed lazily, with the read's leniency (see _structure)
        token = _structure_mode.set(config.settings.reading_validation_mode)
        context: Any = config.override(reading_validation_mode=config.RAISE)
    else:
        context = contextlib.nullcontext()
    try:
        with context:
            _to_json_items(
                ds, out, bulk_data_threshold, bulk_data_element_handler,
                suppress_invalid_tags, strict,
            )  # fmt: skip
    finally:
        if token is not None:
            _structure_mode.reset(token)
    return out


def _to_json_items(
    ds: Any,
    out: dict[str, Any],
    bulk_data_threshold: int,
    bulk_data_element_handler: BulkDataElementHandler | None,
    suppress_invalid_tags: bool,
    strict: bool,
) -> None:
    elements = _structure(ds, lambda: ds._dict)
    for tag in sorted(elements, key=int):
        if strict and not tag & 0xFFFF:
            continue
        key = f"{tag:08X}"
        try:
            out[key] = element_to_json_dict(
                _get_element(ds, tag, elements), bulk_data_element_handler, bulk_data_threshold,
                strict=strict,
            )  # fmt: skip
        except Exception as exc:
            if not suppress_invalid_tags:
                logger.error(f"Error while processing tag {key}")
                raise
            logger.warning(f"Error while processing tag {key}: {exc}")


def _structure(ds: Any, action: Callable[[], Any]) -> Any:
    """Run `action` (parsing of sequence structure) with the leniency of the read.

    Only the conversion of values is strict with ``suppress_invalid_tags``: a
    truncated item that only warned when read must not drop the whole sequence.
    """
    mode = _structure_mode.get()
    if mode is None:
        return action()

    mode = ds.__dict__.get("_reading_validation_mode", mode)
    with config.override(reading_validation_mode=mode):
        return action()


def _get_element(ds: Any, tag: Any, elements: dict) -> Any:
    """``ds[tag]``; a raw sequence is split into its items with the read's leniency."""
    raw: Any = elements[tag]
    is_raw = type(raw) is not tuple and isinstance(raw, tuple)  # a RawDataElement
    if _structure_mode.get() is not None and is_raw:

        value = raw.value if raw.value is not None else b""
        little = bool(raw.is_little_endian) or raw.VR == "UN"
        if _is_sequence(int(tag), raw.VR, value, 0, little):
            return _structure(ds, lambda: ds[tag])
    return ds[tag]


def to_json(
    ds: Any,
    bulk_data_threshold: int = 1024,
    bulk_data_element_handler: BulkDataElementHandler | None = None,
    dump_handler: Callable[[dict[str, Any]], str] | None = None,
    suppress_invalid_tags: bool = False,
    *,
    strict: bool = False,
) -> str:
    """Return the DICOM JSON text of a dataset.

    Parameters are those of :func:`to_json_dict` (including `strict`), plus
    `dump_handler`, which turns the dict into text (default: :func:`json.dumps`
    with sorted keys).
    """
    data = to_json_dict(
        ds, bulk_data_threshold, bulk_data_element_handler, suppress_invalid_tags, strict=strict
    )
    return (dump_handler or _dumps)(data)


# ---------------------------------------------------------------------------
# from JSON


def _wrap_uri_handler(handler: BulkDataURIHandler | None) -> Callable[[str, str, str], Any] | None:
    """Accept handlers taking ``(uri)`` as well as ``(tag, vr, uri)``."""
    if handler is None:
        return None
    try:
        nparams = len(inspect.signature(handler).parameters)
    except (TypeError, ValueError):
        nparams = 3
    if nparams == 1:
        return lambda tag, vr, uri: handler(uri)
    return handler


def _empty_value(vr: str) -> Any:

    return empty_value_for_VR(vr)


def _pn_from_json(value: Any, tag: str) -> str:
    if not isinstance(value, dict):
        warnings.warn(
            f"Value of data element '{tag}' {describe_tag(tag)} with VR PN (Person Name) is "
            "not formatted correctly (a string instead of an object); read as the string",
            DcmcoreWarning,
            stacklevel=4,
        )
        return value
    if "Phonetic" in value:
        comps = ["", "", ""]
    elif "Ideographic" in value:
        comps = ["", ""]
    else:
        comps = [""]
    comps[0] = value.get("Alphabetic", "")
    if "Ideographic" in value:
        comps[1] = value["Ideographic"]
    if "Phonetic" in value:
        comps[2] = value["Phonetic"]
    return "=".join(comps)


def _one_value(
    dataset_class: type, tag: str, vr: str, value: Any, handler: Any, mode: int | None = None
) -> Any:
    if vr == "SQ":
        if value is not None and not isinstance(value, dict):
            raise json_error(
                tag, vr, f"Sequence item of data element '{tag}' must be an object, not "
                f"{type(value).__name__}",
            )  # fmt: skip
        return _dataset_from_dict(dataset_class, value or {}, handler, parent_tag=tag, mode=mode)
    if value is None:
        return _empty_value(vr)
    value = check_value(tag, vr, value)
    if vr == "PN":
        return _pn_from_json(value, tag)
    if vr == "AT":
        try:
            number = int(value, 16)
        except (TypeError, ValueError):
            number = -1
        if not 0 <= number <= 0xFFFFFFFF:
            warnings.warn(
                f"Invalid value '{value}' for AT element {describe_tag(tag)} with VR AT "
                "- ignoring it",
                DcmcoreWarning,
                stacklevel=4,
            )
            return None
        if len(value.strip()) != 8:
            warnings.warn(
                f"Value '{value}' for AT element {describe_tag(tag)} with VR AT is not 8 hex "
                f"digits; read as ({number >> 16:04X},{number & 0xFFFF:04X})",
                DcmcoreWarning,
                stacklevel=4,
            )
        return number
    return value


def _to_number(value: Any, vr: str) -> Any:
    kind: type | None = int if vr in _INT_VR else float if vr in _FLOAT_VR else None
    if kind is None or value is None:
        return value
    if isinstance(value, list):
        return [kind(v) if v is not None else _empty_value(vr) for v in value]
    return kind(value)


def _element_value(
    dataset_class: type,
    tag: str,
    vr: str,
    value: Any,
    value_key: str | None,
    handler: Any,
    mode: int | None = None,
) -> Any:
    if value_key is None:
        return _empty_value(vr)
    if value_key == "Value":
        if not isinstance(value, list):
            raise json_error(
                tag, vr, f"'Value' of data element '{tag}' must be a list, not "
                f"{type(value).__name__}",
            )  # fmt: skip
        if not value:
            return _empty_value(vr)
        values = [_one_value(dataset_class, tag, vr, v, handler, mode) for v in value]
        if vr == "SQ":
            return values
        result: Any = values[0] if len(values) == 1 else values
        return _to_number(result, vr)
    # Part 18 Table F.3.1-1 gives a string; its F.4 example a list of one string
    if isinstance(value, list):
        value = value[0] if value else ""
    if value_key == "InlineBinary":
        return decode_inline_binary(tag, vr, value)
    if value_key == "BulkDataURI":
        if not isinstance(value, str):
            raise json_error(
                tag, vr, f"Invalid attribute value for data element '{tag}' - the value for "
                f"'BulkDataURI' must be str, not {type(value).__name__}",
            )  # fmt: skip
        if handler is None:
            warnings.warn(
                f"No bulk data URI handler provided for retrieval of value of data element '{tag}'",
                DcmcoreWarning,
                stacklevel=3,
            )
            return _empty_value(vr)
        return handler(tag, vr, value)
    raise ValueError(f"Unknown attribute name '{value_key}' for tag {tag}")


def element_from_json(
    element_class: type | None,
    dataset_class: type,
    tag: str,
    vr: str,
    value: Any,
    value_key: str | None,
    bulk_data_uri_handler: BulkDataURIHandler | None = None,
) -> Any:
    """Create a :class:`~dcmcore.element.DataElement` from its JSON parts.

    Parameters
    ----------
    element_class : type or None
        Class of the element created (default :class:`~dcmcore.element.DataElement`).
    dataset_class : type
        Class of the sequence items.
    tag : str
        The tag as 8 hex digits.
    vr : str
        The element's VR.
    value : Any
        The value of the `value_key` entry.
    value_key : str or None
        ``"Value"``, ``"InlineBinary"``, ``"BulkDataURI"`` or None (empty value).
    bulk_data_uri_handler : callable, optional
        ``(tag, vr, uri) -> value`` or ``(uri) -> value``; without it bulk data
        elements get an empty value (with a warning).

    Returns
    -------
    DataElement

    Raises
    ------
    ValueError
        If the element cannot be created from the value.
    """
    handler = _wrap_uri_handler(bulk_data_uri_handler)
    return _element(dataset_class, tag, vr, value, value_key, handler, element_class)


def _element(
    dataset_class: type,
    tag: str,
    vr: str,
    value: Any,
    value_key: str | None,
    handler: Any,
    element_class: type | None = None,
    mode: int | None = None,
) -> Any:
    if element_class is None:

        element_class = DataElement
    if mode is None:

        mode = config.settings.reading_validation_mode
    elem_value = _element_value(dataset_class, tag, vr, value, value_key, handler, mode)
    try:
        int_tag = BaseTag(int(tag, 16)) if len(tag) == 8 else Tag(tag)
    except (ValueError, TypeError, OverflowError) as exc:
        raise JSONValueError(f"Invalid tag '{tag}' in DICOM JSON") from exc
    if vr == "UN" and isinstance(elem_value, bytes):
        # a value of an unknown VR: decode it if the dictionary knows the tag
        known = _known_un(int_tag, elem_value)
        if known is not None:
            return known
    try:
        # JSON is input data: validated as values read from a file are
        return element_class(int_tag, vr, elem_value, validation_mode=mode)
    except Exception as exc:
        shown = repr(elem_value)
        raise json_error(
            tag, vr, f"Data element '{tag}' could not be loaded from JSON: "
            f"{shown[:200]}{'...' if len(shown) > 200 else ''} ({exc})",
        ) from exc


def _known_un(tag: int, value: bytes) -> Any:

    try:
        entry = dictionary.entry(tag)
    except Exception:  # noqa: BLE001 - no dictionary: keep UN
        return None
    if entry is None or entry.VR == "UN" or " or " in entry.VR:
        return None

    raw = RawDataElement(BaseTag(tag), None, len(value), value, 0, True, True)
    try:
        return convert_raw_data_element(raw, None, None)
    except Exception:  # noqa: BLE001 - keep the bytes as UN
        return None


def _dataset_from_dict(
    dataset_class: type,
    data: dict,
    handler: Any,
    parent_tag: str | None = None,
    mode: int | None = None,
) -> Any:
    if mode is None:

        mode = config.settings.reading_validation_mode
    depth = _depth.get()
    if depth >= MAX_DEPTH:
        raise JSONValueError(f"DICOM JSON sequences are nested more than {MAX_DEPTH} levels deep")
    token = _depth.set(depth + 1)
    try:
        return _fill(dataset_class(), dataset_class, data, handler, parent_tag, mode)
    finally:
        _depth.reset(token)


def _fill(
    ds: Any, dataset_class: type, data: dict, handler: Any, parent_tag: str | None, mode: int
) -> Any:
    for key, mapping in data.items():
        if not isinstance(mapping, dict) or "vr" not in mapping:
            where = f"Data element '{parent_tag}'" if parent_tag else f"Data element '{key}'"
            about = f" (in an item of {describe_tag(parent_tag)} with VR SQ)" if parent_tag else ""
            raise JSONKeyError(f"{where} must have key 'vr': {key!r} of DICOM JSON element "
                               f"{describe_tag(key)}{about} is not an element object")
        vr = mapping["vr"]
        if not isinstance(vr, str) or not (is_valid_vr(vr) or vr in AMBIGUOUS_VR):
            raise json_error(key, str(vr)[:20], f"{vr!r} is not a VR")
        value_key = next((k for k in JSON_VALUE_KEYS if k in mapping), None)
        value = mapping[value_key] if value_key is not None else [""]
        ds.add(_element(dataset_class, key, vr, value, value_key, handler, None, mode))
    return ds


def from_json(
    json_dataset: dict[str, Any] | str | bytes | bytearray,
    bulk_data_uri_handler: BulkDataURIHandler | None = None,
    *,
    dataset_class: type | None = None,
) -> Any:
    """Create a dataset from DICOM JSON (Part 18, Annex F).

    Parameters
    ----------
    json_dataset : dict, str or bytes
        The JSON text, or its already parsed dict.
    bulk_data_uri_handler : callable, optional
        ``(tag, vr, uri) -> value`` or ``(uri) -> value`` to fetch ``BulkDataURI``
        values; without it those elements get an empty value (with a warning).
    dataset_class : type, optional
        Class of the result and its sequence items (default :class:`Dataset`).

    Returns
    -------
    Dataset

    Raises
    ------
    JSONKeyError
        If an element has no ``vr`` (also a ``KeyError``).
    JSONValueError
        If the text is not JSON, or a value does not have the type its VR takes in the
        model (also a ``TypeError`` and a ``ValueError``); the message names the tag
        and the VR. Where a slip has one obvious meaning (a number for a text VR, a
        numeric string for a numeric VR) it is converted with a
        :class:`~dcmcore.errors.DcmcoreWarning` naming them instead.
    """
    if dataset_class is None:

        dataset_class = Dataset
    if isinstance(json_dataset, (str, bytes, bytearray)):
        try:
            json_dataset = json.loads(json_dataset)
        except ValueError as exc:  # json.JSONDecodeError, UnicodeDecodeError
            raise JSONValueError(f"The DICOM JSON text is not JSON: {exc}") from exc
    if not isinstance(json_dataset, dict):
        raise JSONValueError("A DICOM JSON dataset must be a JSON object")
    return _dataset_from_dict(dataset_class, json_dataset, _wrap_uri_handler(bulk_data_uri_handler))
