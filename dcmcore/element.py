"""Data elements: :class:`DataElement`, :class:`RawDataElement` and raw conversion.

A :class:`RawDataElement` is what the reader produces: the tag, the VR as
found in the file (``None`` for implicit VR), and the undecoded value bytes.
It becomes a :class:`DataElement` the first time it is accessed, through
:func:`convert_raw_data_element`, which resolves the VR, decodes the value
and stores the result back in the dataset.

This module imports nothing from :mod:`dcmcore.io`: a raw ``SQ`` value is
split into items by the splitter the parser registers when it is imported
(:func:`set_item_splitter`), and :func:`dcmcore.sequence.sequence_from_items`
builds the lazily parsed items from what it hands back.
"""

from __future__ import annotations

import io
import sys
import warnings
from collections.abc import Callable, MutableSequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from dcmcore import config
from dcmcore._raw_vr import _private_creator_of, _resolve_vr
from dcmcore.converters import _DECODERS
from dcmcore.converters import decode_value as _decode_value
from dcmcore.converters import empty_value_for_VR as _empty_value_for_VR
from dcmcore.converters import validate_value as _validate_value
from dcmcore.deferred import read_deferred
from dcmcore.dictionary import dictionary_has_tag as _dictionary_has_tag
from dcmcore.dictionary import entry as _entry
from dcmcore.dictionary import keyword_for_tag as _keyword_for_tag
from dcmcore.dictionary import private_entry as _private_entry
from dcmcore.errors import (
    BytesLengthException,
    DcmcoreWarning,
)
from dcmcore.sequence import ItemSplitter, Sequence, sequence_depth, sequence_from_items
from dcmcore.tag import _SHARED, PIXEL_DATA_TAGS, BaseTag, Tag, shared_tag
from dcmcore.uid import UID
from dcmcore.values import DA, DS, DT, IS, TM, MultiValue, PersonName
from dcmcore.vr import AMBIGUOUS_VR, BYTES_VR, CHARSET_VR, DEFAULT_CHARSET_VR, TEXT_VR

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset

__all__ = [
    "DataElement",
    "RawDataElement",
    "convert_raw_data_element",
    "empty_value_for_VR",
    "set_item_splitter",
]

#: DA/DT/TM classes for datetime_conversion
_DATETIME_CLASSES: dict[str, type] = {"DA": DA, "DT": DT, "TM": TM}
#: splits a raw SQ value into item sources; registered by dcmcore.io.parser on import
_item_splitter: ItemSplitter | None = None


def set_item_splitter(splitter: ItemSplitter) -> None:
    """Register how raw ``SQ`` values are split into items (the parser does, on import).

    Parameters
    ----------
    splitter : callable
        ``splitter(raw, depth)`` returns one ``(loader, is_implicit_VR,
        is_little_endian, is_undefined_length)`` tuple per item of the raw
        sequence element `raw`, nested `depth` levels deep; ``loader()``
        returns the item's ``{tag: element}`` mapping.
    """
    global _item_splitter
    _item_splitter = splitter


def empty_value_for_VR(VR: str | None, raw: bool = False) -> Any:
    """Return the value of an empty element with `VR` (pydicom's function).

    Parameters
    ----------
    VR : str or None
        The element's VR.
    raw : bool, optional
        True for the empty value of a raw element (bytes).
    """
    return _empty_value_for_VR(VR, raw)


def _validate(vr: str, value: Any, mode: int) -> None:
    if mode != config.IGNORE:
        _validate_value(vr, value, mode)


#: VRs whose str or bytes values are never split on a backslash.
_NO_SPLIT_VR = TEXT_VR - {"UR"} | BYTES_VR | {"US or SS or OW", "US or OW", "OB or OW"}
#: VRs whose long values are summarised when printed.
_LONG_VALUE_VR = {"LT", "UC", "UT"} | BYTES_VR | AMBIGUOUS_VR
#: VRs that may hold an io.BufferedIOBase value.
_BUFFERABLE_VR = (BYTES_VR | {"OB or OW"}) - {"UN"}
#: LUT Descriptor tags: the first value is always unsigned, whatever the VR.
_LUT_DESCRIPTOR_TAGS = frozenset({0x00281101, 0x00281102, 0x00281103, 0x00283002})
_PIXEL_DATA_TAGS = PIXEL_DATA_TAGS
_CHARSET_TAG = 0x00080005
_int_eq = int.__eq__
#: the VRs of a raw element that are resolved from the dictionary or the dataset
_RESOLVED_VRS = AMBIGUOUS_VR | {"UN"}
_UNDEFINED_LENGTH = 0xFFFFFFFF
#: bytes per value of the fixed-size binary VRs (config.convert_wrong_length_to_UN)
_VALUE_SIZE: Final = {"US": 2, "SS": 2, "UL": 4, "SL": 4, "FL": 4, "AT": 4, "FD": 8, "UV": 8,
                      "SV": 8}  # fmt: skip


class RawDataElement(NamedTuple):
    """An element as read from the file, value still encoded.

    ``value is None`` with `value_tell` set means a deferred value, read from
    the dataset's source the first time the element is accessed. A raw
    ``SQ`` holds the undecoded sequence bytes, items included.
    """

    tag: BaseTag
    VR: str | None
    length: int
    value: bytes | None
    value_tell: int | None
    is_implicit_VR: bool
    is_little_endian: bool
    is_raw: bool = True
    is_undefined_length: bool = False

    @property
    def is_buffered(self) -> bool:
        """Always False: raw values are bytes (pydicom's 9th field, kept as a property)."""
        return False


class DataElement:
    """A DICOM data element: tag, VR and value.

    Parameters
    ----------
    tag : int, str or tuple of int
        The element's tag in any form accepted by :func:`~dcmcore.tag.Tag`.
    VR : str
        The element's two-letter Value Representation.
    value : Any
        The value; converted to the type used for `VR` (``PersonName`` for
        PN, ``DSfloat`` for DS, ``IS``, ``UID``, ``MultiValue`` for several
        values or a backslash-separated string) unless `already_converted`.
    file_value_tell : int, optional
        Offset of the value in the file it was read from.
    is_undefined_length : bool, optional
        True if the element's length was undefined (0xFFFFFFFF) in the file.
    already_converted : bool, optional
        True to store `value` as given, without conversion or validation.
    validation_mode : int, optional
        How invalid values are handled; the default is
        ``config.settings.writing_validation_mode`` (as pydicom documents).

    Examples
    --------
    >>> DataElement(0x00100010, "PN", "Doe^John")
    (0010,0010) Patient's Name                      PN: 'Doe^John'
    """

    __slots__ = (
        "tag",
        "VR",
        "_value",
        "file_tell",
        "is_undefined_length",
        "private_creator",
        "_validation_mode",
        "__dict__",  # allocated only if an attribute outside the slots is set (pydicom allows it)
    )

    descripWidth = 35
    maxBytesToDisplay = 16
    showVR = True
    is_raw = False

    def __init__(
        self,
        tag: int | str | tuple[int, int],
        VR: str,
        value: Any,
        file_value_tell: int | None = None,
        is_undefined_length: bool = False,
        already_converted: bool = False,
        validation_mode: int | None = None,
    ) -> None:
        if validation_mode is None and not already_converted:
            validation_mode = config.settings.writing_validation_mode
        self.tag = tag if type(tag) is BaseTag else Tag(tag)
        self.VR = VR
        # None: the writing validation mode current when a value is set (read elements)
        self._validation_mode = validation_mode
        self.file_tell = file_value_tell
        self.is_undefined_length = is_undefined_length
        self.private_creator: str | None = None
        if already_converted:
            self._value = value
        else:
            self.value = value

    # ------------------------------------------------------------------ value
    @property
    def validation_mode(self) -> int:
        """How invalid values set on this element are handled (IGNORE, WARN or RAISE)."""
        mode = self._validation_mode
        return config.settings.writing_validation_mode if mode is None else mode

    @validation_mode.setter
    def validation_mode(self, mode: int | None) -> None:
        self._validation_mode = mode

    @property
    def value(self) -> Any:
        """The element's value; setting it converts and validates it for the VR."""
        return self._value

    @value.setter
    def value(self, val: Any) -> None:
        if isinstance(val, io.BufferedIOBase):
            if self.VR not in _BUFFERABLE_VR:
                raise ValueError(
                    f"Elements with a VR of '{self.VR}' cannot be used with buffered "
                    f"values, supported VRs are: {', '.join(sorted(_BUFFERABLE_VR - AMBIGUOUS_VR))}"
                )
            self._value = val
            return
        if self.VR not in _NO_SPLIT_VR:
            if isinstance(val, str):
                if "\\" in val:
                    val = val.split("\\")
            elif isinstance(val, bytes) and b"\\" in val:
                val = val.split(b"\\")
        self._value = self._convert_value(val)

    def _convert_value(self, val: Any) -> Any:
        if self.tag in _PIXEL_DATA_TAGS and type(val).__name__ == "ndarray":
            raise TypeError(
                f"The value for {self.tag} '{self.name}' should be set using 'bytes' not "
                "'numpy.ndarray'. See the Dataset.set_pixel_data() method for an "
                "alternative that supports ndarrays."
            )
        if self.VR == "SQ":
            if isinstance(val, Sequence):
                return val
            return Sequence(val)
        if not hasattr(val, "append"):
            return self._convert(val)
        if len(val) == 1:
            return self._convert(val[0])
        if self.tag in _LUT_DESCRIPTOR_TAGS and val:
            _validate("US", val[0], self.validation_mode)
            for item in val[1:]:
                _validate(self.VR, item, self.validation_mode)
            return MultiValue(_identity, val)
        return MultiValue(self._convert, val)

    def _convert(self, val: Any) -> Any:
        """Convert one value to the type used for the element's VR."""
        vr = self.VR
        mode = self.validation_mode
        if isinstance(val, bytes) and vr in DEFAULT_CHARSET_VR:
            val = val.decode("ascii", errors="replace")
        if vr == "PN":
            if val is None or isinstance(val, PersonName):
                return val
            return PersonName(val, validation_mode=mode)
        if vr == "DS":
            return DS(val, False, mode)
        if vr == "IS":
            return IS(val, mode)
        if vr == "UI":
            if val is None:
                return None
            _validate(vr, val, mode)
            return val if isinstance(val, UID) else UID(val)
        if vr == "AT":
            if val is None or val == "":
                return val
            return val if type(val) is BaseTag else Tag(val)
        if vr in ("DA", "DT", "TM") and config.settings.datetime_conversion:
            _validate(vr, val, mode)
            if isinstance(val, str) and val:
                return _DATETIME_CLASSES[vr](val)
            return val
        _validate(vr, val, mode)
        return val

    def validate(self, value: Any) -> None:
        """Validate `value` for this element's VR using its validation mode."""
        _validate(self.VR, value, self.validation_mode)

    @property
    def VM(self) -> int:
        """The value multiplicity (SQ elements always have VM 1)."""
        if self.VR == "SQ":
            return 1
        value = self._value
        if value is None:
            return 0
        if isinstance(value, (str, bytes, bytearray, PersonName)):
            return 1 if value else 0
        if isinstance(value, io.BufferedIOBase):
            return 1
        try:
            return len(value)
        except TypeError:
            return 1

    @property
    def is_buffered(self) -> bool:
        """True if the value is a buffered file-like object."""
        return isinstance(self._value, io.BufferedIOBase)

    @property
    def is_empty(self) -> bool:
        """True if the element has no value."""
        if self.VR == "SQ":
            return not self._value
        return self.VM == 0

    @property
    def empty_value(self) -> Any:
        """The value an empty element of this VR has."""
        return empty_value_for_VR(self.VR)

    def clear(self) -> None:
        """Set the value to the empty value for the VR."""
        self._value = self.empty_value

    # --------------------------------------------------------- description
    @property
    def name(self) -> str:
        """The element's name from the dictionary.

        ``[name]`` for known private elements, ``'Private Creator'`` or
        ``'Private tag data'`` for other private ones, ``'Group Length'`` for
        unknown ``(gggg,0000)`` tags, else ``''``.
        """
        tag = self.tag
        if tag & 0x10000:
            if self.private_creator:
                found = _private_entry(tag, self.private_creator)
                if found is not None:
                    return f"[{found.name}]"
            elif tag & 0xFF00 == 0:
                return "Private Creator"
            return "Private tag data"
        found = _entry(tag)
        if found is not None:
            return found.name
        if tag & 0xFFFF == 0:
            return "Group Length"
        return ""

    def description(self) -> str:
        """Return the element's name (pydicom 2 compatible)."""
        return self.name

    @property
    def keyword(self) -> str:
        """The element's keyword; ``''`` for private, unknown and (as in pydicom)
        repeating-group elements."""
        if self.tag & 0x10000 or not _dictionary_has_tag(self.tag):
            return ""
        return _keyword_for_tag(self.tag)

    @property
    def is_private(self) -> bool:
        """True if the element's tag is private."""
        return self.tag.is_private

    @property
    def is_retired(self) -> bool:
        """True if the dictionary marks the element as retired (own entries only, as pydicom)."""
        if self.tag & 0x10000 or not _dictionary_has_tag(self.tag):
            return False
        found = _entry(self.tag)
        return bool(found is not None and found.is_retired)

    @property
    def repval(self) -> str:
        """A short text form of the value, long values summarised."""
        value = self._value
        if isinstance(value, io.BufferedIOBase):
            return repr(value)
        if self.VR in _LONG_VALUE_VR:
            try:
                length = len(value)
            except TypeError:
                pass
            else:
                if length > self.maxBytesToDisplay:
                    return f"Array of {length} elements"
        vm = self.VM
        if vm > self.maxBytesToDisplay:
            return f"Array of {vm} elements"
        if isinstance(value, UID):
            return value.name
        return repr(value)

    # ------------------------------------------------------------ protocol
    def __getitem__(self, key: int) -> Any:
        try:
            return self._value[key]
        except TypeError:
            raise TypeError("DataElement value is unscriptable (not a Sequence)") from None

    def __eq__(self, other: Any) -> Any:
        if other is self:
            return True
        if isinstance(other, self.__class__):
            if self.tag != other.tag or self.VR != other.VR:
                return False
            mine, theirs = self._value, other._value
            if isinstance(mine, io.BufferedIOBase) or isinstance(theirs, io.BufferedIOBase):
                return _buffered_content(mine) == _buffered_content(theirs)  # as pydicom
            numpy = sys.modules.get("numpy")
            if numpy is not None and isinstance(mine, numpy.ndarray):
                return bool(
                    isinstance(theirs, numpy.ndarray)
                    and mine.shape == theirs.shape
                    and numpy.allclose(mine, theirs)
                )
            return bool(mine == theirs)
        return NotImplemented

    def __ne__(self, other: Any) -> Any:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        value = self.repval or ""
        name = f"{self.name[: self.descripWidth]:<{self.descripWidth}}"
        if self.showVR:
            return f"{self.tag} {name} {self.VR}: {value}"
        return f"{self.tag} {name} {value}"

    __repr__ = __str__

    def __reduce_ex__(self, protocol: Any) -> Any:
        # state applied after the new object is memoised: a MultiValue holding
        # this element's bound _convert refers back to it
        return (_new_element, (self.__class__,), self._state())

    def _state(self) -> tuple[Any, ...]:
        return (
            self.tag,
            self.VR,
            self._value,
            self.file_tell,
            self.is_undefined_length,
            self.private_creator,
            self._validation_mode,
            self.__dict__ or None,
        )

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (
            self.tag,
            self.VR,
            self._value,
            self.file_tell,
            self.is_undefined_length,
            self.private_creator,
            self._validation_mode,
            extra,
        ) = state
        if extra:
            self.__dict__.update(extra)

    # ---------------------------------------------------------------- JSON
    def to_json_dict(
        self,
        bulk_data_element_handler: Callable[[DataElement], str] | None,
        bulk_data_threshold: int,
    ) -> dict[str, Any]:
        """Return the element as a DICOM JSON Model dict (Part 18, Annex F).

        Delegates to :func:`dcmcore.io.json.element_to_json_dict`.
        """
        from dcmcore.io import json as dicom_json  # facade: io sits above the data model

        return dicom_json.element_to_json_dict(
            self, bulk_data_element_handler, bulk_data_threshold
        )

    def to_json(
        self,
        bulk_data_threshold: int = 1024,
        bulk_data_element_handler: Callable[[DataElement], str] | None = None,
        dump_handler: Callable[[dict[str, Any]], str] | None = None,
    ) -> str:
        """Return the element as a DICOM JSON string."""
        import json

        data = self.to_json_dict(bulk_data_element_handler, bulk_data_threshold)
        if dump_handler is None:
            return json.dumps(data, sort_keys=True)
        return dump_handler(data)

    @classmethod
    def from_json(
        cls,
        dataset_class: type[Dataset],
        tag: str,
        vr: str,
        value: Any,
        value_key: str | None,
        bulk_data_uri_handler: Callable[..., Any] | None = None,
    ) -> DataElement:
        """Return an element from a DICOM JSON Model attribute.

        Delegates to :func:`dcmcore.io.json.element_from_json`.
        """
        from dcmcore.io import json as dicom_json  # facade: io sits above the data model

        return dicom_json.element_from_json(
            cls, dataset_class, tag, vr, value, value_key, bulk_data_uri_handler
        )


def _buffered_content(value: Any) -> Any:
    """The bytes of a buffered value from its position on (the position is kept)."""
    if not isinstance(value, io.BufferedIOBase):
        return value
    start = value.tell()
    try:
        return value.read()
    finally:
        value.seek(start)


def _identity(value: Any) -> Any:
    return value


_object_new = object.__new__


def _new_element(cls: type[DataElement]) -> DataElement:
    return cls.__new__(cls)


# --------------------------------------------------------------------------
# Raw element conversion
# --------------------------------------------------------------------------
def _sequence_of(raw: RawDataElement, ds: Dataset | None, undefined: bool) -> Sequence:
    """The Sequence of lazily parsed items of the raw SQ element `raw` held by `ds`."""
    if _item_splitter is None:
        raise RuntimeError(
            f"Cannot split the raw sequence {raw.tag}: no item splitter is registered "
            "(importing dcmcore.io.parser registers it; dcmread and dcmwrite do)"
        )
    items = _item_splitter(raw, sequence_depth(ds) + 1)
    return sequence_from_items(items, parent=ds, undefined_length=undefined)


#: Set by :mod:`dcmcore.hooks` while pydicom-style raw element hooks are registered:
#: ``conversion_hook(raw, encoding, ds)`` then replaces :func:`convert_raw_data_element`.
conversion_hook: Callable[[RawDataElement, Any, Any], DataElement] | None = None


def convert_raw_data_element(
    raw: RawDataElement,
    encoding: str | list[str] | None = None,
    ds: Dataset | None = None,
) -> DataElement:
    """Return the :class:`DataElement` decoded from `raw` (through :mod:`dcmcore.hooks`
    when hooks are registered).

    Parameters
    ----------
    raw : RawDataElement
        The raw element.
    encoding : str or list of str, optional
        The Python encodings for text values; when None, those of `ds`
        (its own or inherited Specific Character Set) are used.
    ds : Dataset, optional
        The dataset `raw` belongs to: used to resolve private and ambiguous
        VRs, to read deferred values from its source, and as the parent of
        sequence items.

    Returns
    -------
    DataElement
    """
    hook = conversion_hook
    if hook is not None:
        return hook(raw, encoding, ds)
    return _convert_raw_data_element(raw, encoding, ds)


def _convert_raw_data_element(
    raw: RawDataElement, encoding: str | list[str] | None, ds: Dataset | None
) -> DataElement:
    """dcmcore's own conversion of `raw` (see :func:`convert_raw_data_element`)."""
    tag, vr, length, data, _, _, little, _, undefined = raw
    if type(tag) is not BaseTag:
        tag = _SHARED.get(tag) or shared_tag(int(tag))
        raw = raw._replace(tag=tag)
    if vr.__class__ is not str or vr in _RESOLVED_VRS:  # also None: implicit VR
        vr, raw = _resolve_vr(raw, ds)
        little = raw.is_little_endian
    undefined = length == _UNDEFINED_LENGTH or undefined
    if data is None and length not in (0, _UNDEFINED_LENGTH):
        raw = raw._replace(value=read_deferred(raw, ds))
        data = raw.value

    if vr == "SQ":
        if not data:
            value: Any = Sequence()
            value.is_undefined_length = undefined
            if ds is not None:
                value.parent_dataset = ds
        else:
            value = _sequence_of(raw._replace(VR="SQ"), ds, undefined)
    else:
        if data.__class__ is not bytes and isinstance(data, (memoryview, bytearray)):
            data = bytes(data)
        if not data:
            value = empty_value_for_VR(vr)
        else:
            if encoding is None and vr in CHARSET_VR:
                # its own value can't depend on itself (VR LO seen); int's == (BaseTag's
                # __eq__ runs in Python)
                if _int_eq(tag, _CHARSET_TAG):
                    encoding = ["iso8859"]
                elif ds is not None:
                    encoding = ds._text_encoding()
            if isinstance(encoding, str):
                encoding = [encoding]
            mode = ds.__dict__.get("_reading_validation_mode") if ds is not None else None
            size = _VALUE_SIZE.get(vr)
            if size and len(data) % size and config.settings.convert_wrong_length_to_UN:
                warnings.warn(
                    f"Expected total bytes to be an even multiple of bytes per value ({size}) "
                    f"for {tag} with VR '{vr}', got {len(data)}. Setting VR to 'UN'.",
                    DcmcoreWarning,
                    stacklevel=3,
                )
                vr = "UN"  # pydicom's config.convert_wrong_length_to_UN: keep the bytes
            try:
                if mode is None:
                    decoder = _DECODERS.get(vr)
                    if decoder is not None:  # decode_value's dispatch, without its call
                        value = decoder(data, little, encoding, tag, vr)
                    else:  # raises for SQ and unknown VRs
                        value = _decode_value(
                            vr, data, little_endian=little, encodings=encoding, tag=tag
                        )
                else:  # the mode the dataset was read with (dcmread's validation_mode)
                    with config.override(reading_validation_mode=mode):
                        value = _decode_value(
                            vr, data, little_endian=little, encodings=encoding, tag=tag
                        )
            except BytesLengthException as exc:
                raise BytesLengthException(
                    f"{exc} This occurred while trying to parse {tag} according to VR '{vr}'."
                ) from exc
            if tag in _LUT_DESCRIPTOR_TAGS and isinstance(value, MutableSequence) and value:
                first = value[0]
                if isinstance(first, int) and first < 0:
                    value[0] = first + 65536
    # DataElement(tag, vr, value, raw.value_tell, undefined, already_converted=True),
    # without the call
    elem = _object_new(DataElement)
    elem.tag = tag
    elem.VR = vr
    elem._value = value
    elem.file_tell = raw.value_tell
    elem.is_undefined_length = undefined
    elem.private_creator = None
    elem._validation_mode = None
    if tag & 0x10000 and tag & 0xFF00:
        elem.private_creator = _private_creator_of(tag, ds)
    return elem
