"""pydicom's ``jsonrep`` module: DICOM JSON (PS3.18 Annex F) value conversion.

The conversion is dcmcore's own (:mod:`dcmcore.io.json`); this module gives
pydicom 3's :class:`JsonDataElementConverter` and :func:`convert_to_python_number`.

Examples
--------
>>> from dcmcore import Dataset
>>> from dcmcore.jsonrep import JsonDataElementConverter
>>> JsonDataElementConverter(Dataset, "00280010", "US", [512], "Value").get_element_values()
512
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dcmcore.element import empty_value_for_VR
from dcmcore.io import json as _json
from dcmcore.io.json import JSON_VALUE_KEYS
from dcmcore.valuerep import FLOAT_VR, INT_VR

__all__ = [
    "BulkDataHandlerType",
    "BulkDataType",
    "BulkDataURIType",
    "FLOAT_VR",
    "INT_VR",
    "InlineBinaryType",
    "JSONValueType",
    "JSON_VALUE_KEYS",
    "JsonDataElementConverter",
    "OtherValueType",
    "PNValueType",
    "SQValueType",
    "ValueType",
    "convert_to_python_number",
]

JSONValueType = dict[str, Any] | bytes | bytearray | str | list[dict[str, Any]] | None
BulkDataType = None | str | int | float | bytes
BulkDataHandlerType = Callable[[str, str, str], BulkDataType] | None
BulkDataURIType = str
InlineBinaryType = str | list[str]
PNValueType = None | str | dict[str, str]
SQValueType = dict[str, Any] | None
ValueType = PNValueType | int | float
OtherValueType = None | str | int | float | PNValueType | SQValueType


def convert_to_python_number(value: Any, vr: str) -> Any:
    """Convert `value` (or each item of a list) to int or float as `vr` says.

    Integer VRs (and ``'US or SS'``) give int, FL/FD/DS give float; other VRs and
    ``None`` are returned unchanged.
    """
    if value is None:
        return value
    if vr in (INT_VR - {"AT"}) | {"US or SS"}:
        kind: type = int
    elif vr in FLOAT_VR:
        kind = float
    else:
        return value
    if isinstance(value, (list, tuple)):

        return [kind(v) if v is not None else empty_value_for_VR(vr) for v in value]
    return kind(value)


class JsonDataElementConverter:
    """Convert the JSON form of one element to its Python value (pydicom's class).

    Parameters
    ----------
    dataset_class : type
        Class of the sequence items created.
    tag : str
        The tag as 8 hex digits.
    vr : str
        The element's VR.
    value : list or str
        The value of the `value_key` entry.
    value_key : str or None
        ``"Value"``, ``"InlineBinary"``, ``"BulkDataURI"`` or None.
    bulk_data_uri_handler : callable, optional
        ``(tag, vr, uri) -> value`` or ``(uri) -> value``.
    """

    def __init__(
        self,
        dataset_class: type,
        tag: str,
        vr: str,
        value: Any,
        value_key: str | None,
        bulk_data_uri_handler: Callable[[str, str, str], Any] | Callable[[str], Any] | None = None,
    ) -> None:
        self.dataset_class = dataset_class
        self.tag = tag
        self.vr = vr
        self.value = value
        self.value_key = value_key
        self.bulk_data_element_handler = bulk_data_uri_handler

    def get_element_values(self) -> Any:
        """Return the element's Python value."""
        return _json.element_from_json(
            None, self.dataset_class, self.tag, self.vr, self.value, self.value_key,
            self.bulk_data_element_handler,
        ).value  # fmt: skip

    def get_regular_element_value(self, value: Any) -> Any:
        """Return the Python value of one item of a ``"Value"`` list."""
        return JsonDataElementConverter(
            self.dataset_class, self.tag, self.vr, [value], "Value", self.bulk_data_element_handler
        ).get_element_values()

    def get_sequence_item(self, value: dict[str, Any] | None) -> Any:
        """Return the dataset of one sequence item's JSON object."""
        if value is None:
            return self.dataset_class()
        return _json.from_json(
            value, self.bulk_data_element_handler, dataset_class=self.dataset_class
        )

    def get_pn_element_value(self, value: str | dict[str, str]) -> str:
        """Return the PN string of one PN JSON value (``{"Alphabetic": ...}``)."""
        return str(self.get_regular_element_value(value))
