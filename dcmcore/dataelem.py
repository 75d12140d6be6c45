"""pydicom's ``dataelem`` module: data elements and the conversion of raw ones.

:class:`DataElement` and :class:`RawDataElement` are dcmcore's own
(:mod:`dcmcore.element`); :func:`convert_raw_data_element` takes pydicom 3's
keyword-only form and goes through the :mod:`dcmcore.hooks` like pydicom's.

Examples
--------
>>> from dcmcore.dataelem import DataElement
>>> elem = DataElement(0x00100010, "PN", "Doe^John")
>>> elem.keyword
'PatientName'
"""

from __future__ import annotations

import warnings
from collections.abc import MutableSequence
from typing import TYPE_CHECKING, Any

from dcmcore import element as _element
from dcmcore.element import DataElement, RawDataElement, empty_value_for_VR
from dcmcore.valuerep import (
    ALLOW_BACKSLASH,
    AMBIGUOUS_VR,
    BUFFERABLE_VRS,
    BYTES_VR,
    DEFAULT_CHARSET_VR,
    LONG_VALUE_VR,
    STR_VR,
)

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset

__all__ = [
    "ALLOW_BACKSLASH",
    "AMBIGUOUS_VR",
    "BUFFERABLE_VRS",
    "BYTES_VR",
    "BulkDataType",
    "DEFAULT_CHARSET_VR",
    "DataElement",
    "LONG_VALUE_VR",
    "RawDataElement",
    "STR_VR",
    "convert_raw_data_element",
    "empty_value_for_VR",
]

BulkDataType = None | str | int | float | bytes | dict[str, Any]


def convert_raw_data_element(
    raw: RawDataElement,
    *,
    encoding: str | MutableSequence[str] | None = None,
    ds: Dataset | None = None,
) -> DataElement:
    """Return the :class:`DataElement` decoded from `raw`.

    Parameters
    ----------
    raw : RawDataElement
        The raw element (as the reader produces it).
    encoding : str or list of str, optional
        Python encodings of text values; None: those of `ds` (its own or inherited
        Specific Character Set).
    ds : Dataset, optional
        The dataset `raw` belongs to: resolves private and ambiguous VRs and is
        the source of deferred values.
    """
    if isinstance(encoding, MutableSequence):
        encoding = list(encoding)
    return _element.convert_raw_data_element(raw, encoding, ds)


def _DataElement_from_raw(
    raw_data_element: RawDataElement,
    encoding: str | MutableSequence[str] | None = None,
    dataset: Dataset | None = None,
) -> DataElement:
    """Deprecated (as in pydicom 3): use :func:`convert_raw_data_element`."""
    warnings.warn(
        "'dcmcore.dataelem.DataElement_from_raw' is deprecated and will be removed in "
        "v4.0, please use 'dcmcore.dataelem.convert_raw_data_element' instead",
        DeprecationWarning,
        stacklevel=2,
    )
    return convert_raw_data_element(raw_data_element, encoding=encoding, ds=dataset)


def __getattr__(name: str) -> Any:
    if name == "DataElement_from_raw":
        return _DataElement_from_raw
    raise AttributeError(f"module 'dcmcore.dataelem' has no attribute {name!r}")
