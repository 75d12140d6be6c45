"""The DICOM data set: :class:`Dataset`, :class:`FileDataset` and :class:`FileMetaDataset`.

A :class:`Dataset` is a mapping of :class:`~dcmcore.tag.BaseTag` to
:class:`~dcmcore.element.DataElement` (or still-encoded
:class:`~dcmcore.element.RawDataElement`), with pydicom 3's API: element
values by keyword (``ds.PatientName``), elements by tag (``ds[0x00100010]``),
slices by tag range, private blocks, printing, JSON and writing.

Elements are kept raw until first accessed, then converted once and stored
back. Sequence items read from a file are *lazy*: see :meth:`Dataset._from_loader`.
"""

from __future__ import annotations

import copy as _copy
import io
import os
import re
import warnings
import weakref
from bisect import bisect_left
from collections.abc import Callable, Iterator, MutableMapping, MutableSequence
from typing import TYPE_CHECKING, Any, cast

from dcmcore import config
from dcmcore import element as _element
from dcmcore._keywords import _MISSING, _key_tag, _keyword_tag, _keyword_tags
from dcmcore.dataset_charset import CharacterSetMembers, _convert_encodings
from dcmcore.dataset_io import EncodingMembers
from dcmcore.dataset_walk import TraversalMembers
from dcmcore.dictionary import entry as _entry
from dcmcore.dictionary import keyword_for_tag as _keyword_for_tag
from dcmcore.dictionary import repeater_has_keyword as _repeater_has_keyword
from dcmcore.element import (
    DataElement,
    RawDataElement,
    _convert_raw_data_element,
    convert_raw_data_element,
)
from dcmcore.errors import DcmcoreWarning
from dcmcore.formatting import DEFAULT_ELEMENT_FORMAT, formatted_lines, pretty_str
from dcmcore.pixel_members import PixelMembers
from dcmcore.private import PrivateBlock, PrivateMembers
from dcmcore.sequence import Sequence
from dcmcore.tag import _SHARED, PIXEL_DATA_TAGS, BaseTag, Tag, TagType
from dcmcore.vr import VR as _VR

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.filedataset import FileDataset, FileMetaDataset, validate_file_meta

__all__ = ["Dataset", "FileDataset", "FileMetaDataset", "PrivateBlock", "validate_file_meta"]

_DatasetValue = DataElement | RawDataElement
#: what Dataset() wraps: a mapping of tags to elements (the reader's holds raw ones only)
_Elements = MutableMapping[BaseTag, _DatasetValue] | dict[BaseTag, RawDataElement]
_PIXEL_TAGS = PIXEL_DATA_TAGS
#: bound on parent-chain walks (a dataset put inside its own sequence makes a cycle)
_MAX_PARENT_DEPTH = 1000
_DEFAULT_ENCODING = "iso8859"
# alphanumeric names with an upper-case letter: probably meant as a DICOM keyword
_RE_CAMEL_CASE = re.compile(r"[A-Za-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*|[A-Z][A-Za-z0-9]+")
def _behaviour(name: str) -> str:
    return str(getattr(config, name, "WARN")).upper()


_CHARSET_TAG = BaseTag(0x00080005)


class Dataset(
    CharacterSetMembers, EncodingMembers, PixelMembers, PrivateMembers, TraversalMembers
):
    """A DICOM data set: a mutable mapping of tags to data elements.

    Parameters
    ----------
    *args : Dataset or dict, optional
        A dataset whose elements (the same mapping object, as in pydicom) or a
        ``{BaseTag: DataElement | RawDataElement}`` dict to wrap.
    parent_encoding : str or list of str, optional
        Encodings used when no (0008,0005) is present here nor in a parent.

    Examples
    --------
    >>> ds = Dataset()
    >>> ds.PatientName = "CITIZEN^Joan"
    >>> ds.add_new(0x00100020, "LO", "12345")
    >>> ds.BeamSequence = [Dataset()]
    >>> block = ds.private_block(0x0041, "My Creator", create=True)
    >>> block.add_new(0x01, "LO", "12345")
    """

    indent_chars = "   "
    default_element_format = DEFAULT_ELEMENT_FORMAT
    default_sequence_element_format = DEFAULT_ELEMENT_FORMAT

    # Defaults kept on the class so a new (or lazily loaded) dataset costs little;
    # an instance attribute replaces them when set.
    _parent_encoding: str | list[str] = _DEFAULT_ENCODING
    _read_implicit: bool | None = None
    _read_little: bool | None = None
    _read_charset: str | MutableSequence[str] = ""
    _is_implicit_VR: bool | None = None
    _is_little_endian: bool | None = None
    _parent_ref: weakref.ref[Dataset] | None = None
    _parent_seq_ref: weakref.ref[Sequence] | None = None
    _pixel_array: Any = None
    is_undefined_length_sequence_item = False
    is_decompressed = False

    def __init__(self, *args: Dataset | _Elements, **kwargs: Any) -> None:
        d = self.__dict__
        if "parent_encoding" in kwargs:
            d["_parent_encoding"] = kwargs["parent_encoding"]
        if not args or args[0] is None:
            elements: _Elements = {}
        elif isinstance(args[0], Dataset):
            elements = args[0]._dict
        else:
            elements = args[0]
            if not hasattr(elements, "values"):
                raise TypeError(
                    f"Dataset() takes a Dataset or a mapping of tags to elements, not "
                    f"{type(elements).__name__}"
                )
            for elem in elements.values():
                if isinstance(elem, DataElement) and elem.VR == "SQ":
                    if isinstance(elem._value, Sequence):
                        elem._value.parent_dataset = self
        d["_dict"] = elements
        d["_private_blocks"] = {}
        d["_pixel_array_opts"] = {}
        d["_pixel_id"] = {}

    @classmethod
    def _from_loader(
        cls,
        loader: Callable[[], MutableMapping[BaseTag, _DatasetValue]],
        *,
        parent: Dataset | None = None,
        is_implicit_VR: bool | None,
        is_little_endian: bool | None,
        encoding: str | MutableSequence[str] | None = None,
        source: Any = None,
    ) -> Dataset:
        """Return a dataset whose elements are read by `loader` on first use.

        The elements mapping (``_dict``) does not exist until the first
        access that needs it; ``__getattr__('_dict')`` then calls `loader`
        once, stores the result and drops the loader, so later access has no
        extra cost. If `loader` raises, the error propagates and the next
        access calls it again.

        Parameters
        ----------
        loader : callable
            Returns ``{BaseTag: DataElement | RawDataElement}``.
        parent : Dataset, optional
            The dataset holding the sequence this item belongs to (weakly
            referenced): the item inherits its character set, Pixel
            Representation and deferred-read source.
        is_implicit_VR, is_little_endian : bool or None
            The encoding the elements were read with.
        encoding : str or list of str, optional
            The original character set (see :attr:`original_character_set`).
        source : path, buffer or bytes, optional
            Where deferred values are read from (else the parent's source).
        """
        ds = cls.__new__(cls)
        d = ds.__dict__
        if source is not None:
            d["_source"] = source
        d.update(cls._item_state(parent, encoding, with_source=source is None))
        d["_loader"] = loader
        d["_read_implicit"] = d["_is_implicit_VR"] = is_implicit_VR
        d["_read_little"] = d["_is_little_endian"] = is_little_endian
        return ds

    @staticmethod
    def _item_state(
        parent: Dataset | None,
        encoding: str | MutableSequence[str] | None = None,
        *,
        with_source: bool = True,
    ) -> dict[str, Any]:
        """The attributes a lazily loaded item of a sequence in `parent` starts with.

        Computed once per sequence and shared by its items: the weak parent
        link, and snapshots of the parent's character set, reading mode and
        deferred-read source (used if the parent is garbage collected first).
        """
        d: dict[str, Any] = {}
        if encoding is not None:
            d["_read_charset"] = encoding
        if parent is None:
            return d
        d["_parent_ref"] = weakref.ref(parent)
        d["_parent_encoding"] = parent._text_encoding()
        mode = parent.__dict__.get("_reading_validation_mode")
        if mode is not None:
            d["_reading_validation_mode"] = mode
        if with_source:
            source, timestamp = parent._deferred_source()
            if timestamp is not None:
                d["_source_timestamp"] = timestamp
            if source is not None:
                d["_source"] = source
        return d

    # ------------------------------------------------------------ attributes
    def __getattr__(self, name: str) -> Any:
        if name == "_dict":
            d = self.__dict__
            loader = d.get("_loader")
            elements = {} if loader is None else loader()
            # setdefault is atomic: when two threads load at once, both use the first
            # mapping stored, so a write made through it by one thread is never lost
            elements = d.setdefault("_dict", elements)
            d.pop("_loader", None)
            return elements
        tag = _keyword_tags.get(name, _MISSING)
        if tag is _MISSING:
            tag = _keyword_tag(name)
        if tag is not None:
            stored: dict[Any, Any] = self._dict
            elem = stored.get(tag)
            if elem is not None:
                if elem.__class__ is DataElement:
                    return elem._value
                if elem.__class__ is RawDataElement and type(self).__getitem__ is _DATASET_GETITEM:
                    # what __getitem__ does for a stored raw element, without its call
                    # (nor convert_raw_data_element's when no conversion hook is set)
                    elem = (_element.conversion_hook or _convert_raw_data_element)(
                        elem, None, self
                    )
                    stored[tag] = elem
                    return elem._value if elem.__class__ is DataElement else elem.value
                return self[cast(BaseTag, tag)].value
        # re-raises the original error of a property that raised AttributeError
        return object.__getattribute__(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("is_") or name.islower() or name[0] == "_":
            if name == "file_meta":
                self._set_file_meta(value)
            else:
                object.__setattr__(self, name, value)
            return
        tag = _keyword_tag(name)
        if tag is not None:
            tag = BaseTag(tag)
            elem = self._dict.get(tag)
            if elem is None:
                found = _entry(tag)
                elem = DataElement(tag, found.VR if found is not None else "UN", value)
            else:
                if not isinstance(elem, DataElement):
                    elem = self[tag]
                elem.value = value
            self[tag] = elem
            return
        if _repeater_has_keyword(name):
            raise ValueError(
                f"'{name}' is a DICOM repeating group element and must be added using "
                "the add() or add_new() methods."
            )
        if _RE_CAMEL_CASE.fullmatch(name):
            msg = (
                f"Camel case attribute '{name}' used which is not in the element "
                "keyword data dictionary"
            )
            behaviour = _behaviour("INVALID_KEYWORD_BEHAVIOR")
            if behaviour == "RAISE":
                raise ValueError(msg)
            if behaviour == "WARN":
                warnings.warn(msg, DcmcoreWarning, stacklevel=2)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        tag = _keyword_tag(name)
        if tag is not None and tag in self._dict:
            del self[BaseTag(tag)]
        elif name in self.__dict__:
            del self.__dict__[name]
        else:
            raise AttributeError(name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.dir()))

    def dir(self, *filters: str) -> list[str]:
        """Return the sorted keywords of this level's elements.

        Parameters
        ----------
        *filters : str
            Keep only keywords containing one of these (case-insensitive).
        """
        names = [_keyword_for_tag(tag) for tag in self._dict if not tag & 0x10000]
        names = [name for name in names if name]
        if filters:
            lowered = [f.lower() for f in filters]
            names = [n for n in names if any(f in n.lower() for f in lowered)]
        return sorted(set(names))

    def trait_names(self) -> list[str]:
        """Return the names offered for auto-completion (IPython)."""
        return dir(self)

    # ------------------------------------------------------- parent and encoding
    @property
    def parent_dataset(self) -> Dataset | None:
        """The dataset that holds the sequence this item is in, or None."""
        ref = self._parent_ref
        return None if ref is None else ref()

    @property
    def parent_seq(self) -> Sequence | None:
        """The :class:`~dcmcore.sequence.Sequence` this item is in, or None."""
        ref = self._parent_seq_ref
        return None if ref is None else ref()

    def _deferred_source(self) -> tuple[Any, float | None]:
        """Where deferred values are read from: ``(path | buffer | bytes | None, mtime)``."""
        ds: Dataset | None = self
        depth = 0
        while ds is not None and depth < _MAX_PARENT_DEPTH:
            d = ds.__dict__
            if "_source" in d:
                return d["_source"], d.get("_source_timestamp", d.get("timestamp"))
            filename, buffer = d.get("filename"), d.get("buffer")
            if buffer is not None and (not filename or not getattr(buffer, "closed", False)):
                return buffer, None  # a closed buffer without a file name: reading says so
            if filename:
                return filename, d.get("timestamp")
            ds = ds.parent_dataset
            depth += 1
        return None, None

    # ------------------------------------------------------------- mapping
    def __getitem__(self, key: slice | TagType) -> Any:
        tag: int
        if type(key) is BaseTag:
            tag = key
        elif type(key) is int:  # an equal BaseTag key would compare in Python: use the shared one
            tag = _SHARED.get(key, key)
        elif type(key) is slice:
            return self._dataset_slice(key)
        else:
            try:
                tag = _key_tag(key)
            except Exception as exc:
                raise KeyError(f"'{key}'") from exc
        try:
            elem = self._dict[tag]
        except KeyError:
            try:
                missing = Tag(tag)
            except (OverflowError, ValueError) as exc:
                raise KeyError(f"'{key}'") from exc
            raise KeyError(missing) from None
        if elem.__class__ is DataElement or isinstance(elem, DataElement):
            return elem
        elem = convert_raw_data_element(elem, None, self)
        self._dict[tag] = elem
        return elem

    def get_item(self, key: slice | TagType, *, keep_deferred: bool = False) -> Any:
        """Return the element for `key` without converting a raw one.

        A deferred raw element is read and converted unless `keep_deferred`.
        A slice returns a :class:`Dataset`.
        """
        if isinstance(key, slice):
            return self._dataset_slice(key)
        tag = Tag(key)
        elem = self._dict.get(tag)
        if (
            isinstance(elem, RawDataElement)
            and elem.value is None
            and not keep_deferred
            and elem.length != 0
        ):
            return self[tag]
        return elem

    def __setitem__(self, key: slice | TagType, elem: _DatasetValue) -> None:
        if isinstance(key, slice):
            raise NotImplementedError("Slicing is not supported when setting Dataset items")
        try:
            key = Tag(key)
        except Exception as exc:
            raise ValueError(f"Unable to convert the key '{key}' to an element tag") from exc
        if not isinstance(elem, (DataElement, RawDataElement)):
            raise TypeError("Dataset items must be 'DataElement' instances")
        elem_tag = elem.tag if isinstance(elem.tag, BaseTag) else Tag(elem.tag)
        if key != elem_tag:
            raise ValueError(f"The key '{key}' doesn't match the 'DataElement' tag '{elem_tag}'")
        if elem_tag & 0x10000 and elem_tag & 0xFF00:
            creator_tag = BaseTag((elem_tag & 0xFFFF0000) | ((elem_tag & 0xFF00) >> 8))
            if creator_tag in self._dict:
                if isinstance(elem, RawDataElement):
                    elem = convert_raw_data_element(elem, None, self)
                elem.private_creator = self[creator_tag].value
        if elem_tag in _PIXEL_TAGS:
            self._reset_pixel_cache()
        self._dict[elem_tag] = elem
        if isinstance(elem, DataElement) and elem.VR == "SQ":
            if not isinstance(elem._value, Sequence):
                elem.value = Sequence(elem._value or [])
            elem._value.parent_dataset = self

    def __delitem__(self, key: slice | TagType) -> None:
        if isinstance(key, slice):
            tags = self._slice_tags(key.start, key.stop, key.step)
        else:
            tags = [key if key.__class__ is BaseTag else Tag(key)]
        for tag in tags:
            del self._dict[tag]
            if tag & 0x10000 and 0x10 <= tag & 0xFFFF <= 0xFF:
                self.__dict__.pop("_private_blocks", None)
            if tag in _PIXEL_TAGS:
                self._reset_pixel_cache()

    def __contains__(self, name: Any) -> bool:
        if name.__class__ is int and 0 <= name <= 0xFFFFFFFF:
            return name in self._dict
        try:
            return _key_tag(name) in self._dict
        except Exception as exc:
            msg = (
                f"Invalid value '{name}' used with the 'in' operator: must be an element "
                "tag as a 2-tuple or int, or an element keyword"
            )
            if isinstance(exc, OverflowError):
                msg = (
                    "Invalid element tag value used with the 'in' operator: tags have a "
                    "maximum value of (0xFFFF, 0xFFFF)"
                )
            behaviour = _behaviour("INVALID_KEY_BEHAVIOR")
            if behaviour == "RAISE":
                raise ValueError(msg) from exc
            if behaviour == "WARN":
                warnings.warn(msg, DcmcoreWarning, stacklevel=2)
        return False

    def __iter__(self) -> Iterator[DataElement]:
        d = self._dict
        if type(self).__getitem__ is not _DATASET_GETITEM:  # a subclass's own __getitem__
            for tag in sorted(d, key=int):
                yield self[tag]
            return
        # the encodings of text read with a known character set, found once, not per
        # element (what _text_encoding gives every raw text element; the Specific
        # Character Set element itself is decoded on its own terms)
        read = self.__dict__.get("_read_charset")
        encoding = _convert_encodings(read) if read else None
        own_charset = d.get(_CHARSET_TAG)
        for tag in sorted(d, key=int):
            # what __getitem__ does for a stored tag, without its call
            elem = d.get(tag)
            if elem.__class__ is DataElement:
                yield elem
            elif elem.__class__ is RawDataElement:
                elem = (_element.conversion_hook or _convert_raw_data_element)(
                    elem, None if elem is own_charset else encoding, self
                )
                d[tag] = elem
                yield elem
            else:  # removed meanwhile (KeyError), or another element class
                yield self[tag]

    def __len__(self) -> int:
        return len(self._dict)

    def __eq__(self, other: Any) -> bool:
        if other is self:
            return True
        if isinstance(other, self.__class__):
            mine, theirs = self._dict, other._dict
            if len(mine) != len(theirs) or any(tag not in theirs for tag in mine):
                return False
            return all(self[tag] == other[tag] for tag in mine)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        return None

    def keys(self) -> Any:
        """The tags of the elements (``dict.keys()``)."""
        return self._dict.keys()

    def values(self) -> Any:
        """The elements, raw ones unconverted (``dict.values()``)."""
        return self._dict.values()

    def items(self) -> Any:
        """The ``(tag, element)`` pairs, raw ones unconverted (``dict.items()``)."""
        return self._dict.items()

    def elements(self) -> Iterator[DataElement | RawDataElement]:
        """Yield this level's elements in tag order, raw ones unconverted."""
        for tag in sorted(self._dict, key=int):
            yield self.get_item(tag)

    def get(self, key: str | int | tuple[int, int] | BaseTag, default: Any = None) -> Any:
        """``dict.get()`` by keyword (returns the value) or by tag (returns the element)."""
        if isinstance(key, str):
            try:
                return getattr(self, key)
            except AttributeError:
                return default
        try:
            tag = Tag(key)
        except Exception as exc:
            raise TypeError("Dataset.get key must be a string or tag") from exc
        try:
            return self[tag]
        except KeyError:
            return default

    def data_element(self, name: str) -> DataElement | None:
        """Return the element with keyword `name`, or None if it is not present.

        pydicom raises KeyError when `name` is a valid keyword whose element
        is absent; dcmcore returns None, as pydicom documents.
        """
        tag = _keyword_tag(name)
        if tag is None or tag not in self._dict:
            return None
        return self[BaseTag(tag)]

    def add(self, data_element: DataElement) -> None:
        """Add `data_element` (``ds[data_element.tag] = data_element``)."""
        self[data_element.tag] = data_element

    def add_new(self, tag: TagType, VR: str, value: Any) -> None:
        """Create an element from `tag`, `VR` and `value` and add it."""
        self.add(DataElement(tag, VR, value))

    def clear(self) -> None:
        """Delete every element."""
        self._dict.clear()
        self.__dict__.pop("_private_blocks", None)
        self._reset_pixel_cache()

    def pop(self, key: BaseTag | TagType, *args: Any) -> _DatasetValue:
        """``dict.pop()`` by tag or keyword."""
        try:
            key = Tag(key)
        except Exception:
            pass
        result = self._dict.pop(key, *args)
        if isinstance(key, BaseTag):
            if key.is_private_creator:
                self.__dict__.pop("_private_blocks", None)
            if key in _PIXEL_TAGS:
                self._reset_pixel_cache()
        return result

    def popitem(self) -> tuple[BaseTag, _DatasetValue]:
        """``dict.popitem()``."""
        return self._dict.popitem()

    def setdefault(self, key: TagType, default: Any = None) -> DataElement:
        """``dict.setdefault()`` by tag or keyword; `default` is an element or a value."""
        tag = Tag(key)
        if tag in self._dict:
            return self[tag]
        if not isinstance(default, DataElement):
            if tag.is_private:
                vr = "UN"
            else:
                found = _entry(tag)
                if found is None:
                    # pydicom 3.0.2 checks the writing mode; its documentation the reading one
                    if config.settings.reading_validation_mode == config.RAISE:
                        raise KeyError(f"Unknown DICOM tag {tag}")
                    warnings.warn(
                        f"Unknown DICOM tag {tag} - setting VR to 'UN'", DcmcoreWarning, stacklevel=2
                    )
                    vr = "UN"
                else:
                    vr = found.VR
            default = DataElement(tag, vr, default)
        self[tag] = default
        return default

    def update(self, d: Dataset | MutableMapping[Any, Any]) -> None:
        """``dict.update()`` taking keywords (values) or tags (elements)."""
        for key, value in list(d.items()):
            if isinstance(key, str):
                setattr(self, key, value)
            else:
                self[Tag(key)] = value

    # --------------------------------------------------------------- slices
    def _slice_tags(self, start: Any, stop: Any, step: int | None) -> list[BaseTag]:
        # sort and bisect plain ints: BaseTag's comparisons run in Python
        all_tags = sorted(self._dict, key=int)
        values = [int(tag) for tag in all_tags]
        lo = 0 if start is None else bisect_left(values, _slice_bound(start))
        hi = len(all_tags) if stop is None else bisect_left(values, _slice_bound(stop))
        return all_tags[lo:hi:step]

    _slice_dataset = _slice_tags  # pydicom's name

    def _dataset_slice(self, key: slice) -> Dataset:
        tags = self._slice_tags(key.start, key.stop, key.step)
        ds = Dataset({tag: self.get_item(tag) for tag in tags})
        d = ds.__dict__
        is_implicit, is_little = self.original_encoding
        ds.set_original_encoding(is_implicit, is_little, self.__dict__.get("_read_charset"))
        d["_is_implicit_VR"] = self._is_implicit_VR
        d["_is_little_endian"] = self._is_little_endian
        if self._parent_ref is not None:
            d["_parent_ref"] = self._parent_ref
        # the slice decodes its raw elements as this dataset would
        d["_parent_encoding"] = self._character_set
        source, timestamp = self._deferred_source()
        if source is not None:
            d["_source"] = source
            if timestamp is not None:
                d["_source_timestamp"] = timestamp
        return ds

    def group_dataset(self, group: int) -> Dataset:
        """Return a :class:`Dataset` of the elements of `group` only."""
        return self[group << 16 : (group + 1) << 16]

    def update_raw_element(
        self, tag: TagType, *, vr: str | None = None, value: bytes | None = None
    ) -> None:
        """Change the VR and/or the encoded value of a still-raw element.

        Raises
        ------
        ValueError
            If neither is given or `vr` is not a VR.
        TypeError
            If `value` is not bytes, or the element is already converted.
        KeyError
            If there is no element with `tag`.
        """
        if vr is None and value is None:
            raise ValueError("Either or both of 'vr' and 'value' are required")
        if vr is not None:
            try:
                _VR[vr]
            except KeyError:
                raise ValueError(f"Invalid VR value '{vr}'") from None
        if value is not None and not isinstance(value, bytes):
            raise TypeError(f"'value' must be bytes, not '{type(value).__name__}'")
        tag = Tag(tag)
        raw = self.get_item(tag, keep_deferred=True)
        if raw is None:
            raise KeyError(f"No element with tag {tag} was found")
        if not isinstance(raw, RawDataElement):
            raise TypeError(
                f"The element with tag {tag} has already been converted to a "
                "'DataElement' instance, this method must be called earlier"
            )
        changes: dict[str, Any] = {}
        if vr is not None:
            changes["VR"] = vr
        if value is not None:
            changes["value"] = value
            changes["length"] = len(value)
        self._dict[tag] = raw._replace(**changes)

    # ----------------------------------------------------------------- text
    def formatted_lines(
        self,
        element_format: str = DEFAULT_ELEMENT_FORMAT,
        sequence_element_format: str = DEFAULT_ELEMENT_FORMAT,
        indent_format: str | None = None,
    ) -> Iterator[str]:
        """Yield one formatted line per element, sequences flattened.

        The formats use ``%(name)s`` fields named after DataElement members
        (tag, name, VR, VM, repval, keyword, value, ...).
        """
        return formatted_lines(self, element_format, sequence_element_format, indent_format)

    def _pretty_str(self, indent: int = 0, top_level_only: bool = False) -> str:
        return pretty_str(self, indent, top_level_only)

    def __str__(self) -> str:
        return pretty_str(self)

    __repr__ = __str__

    def top(self) -> str:
        """Return the text of the top-level elements only."""
        return pretty_str(self, top_level_only=True)

    # ------------------------------------------------------ copy and pickle
    def copy(self) -> Dataset:
        """Return a shallow copy: a new element mapping holding the same elements.

        pydicom's copy shares the element mapping with the original, so that
        adding an element to one adds it to both; dcmcore gives a shallow
        copy of the mapping, as "shallow copy" documents.
        """
        return _copy.copy(self)

    def __copy__(self) -> Dataset:
        cls = self.__class__
        new = cls.__new__(cls)
        elements = self._dict
        new.__dict__.update(self.__dict__)
        new.__dict__["_dict"] = dict(elements)
        new.__dict__.pop("_private_blocks", None)
        return new

    def __getstate__(self) -> dict[str, Any]:
        self._dict  # noqa: B018 - a lazy dataset loads before it is copied or pickled
        state = dict(self.__dict__)
        for name in ("_parent_seq_ref", "_parent_ref", "_private_blocks", "_loader", "_charset_memo"):
            state.pop(name, None)
        source = state.get("_source")
        if isinstance(source, memoryview):
            state["_source"] = source.tobytes()
        elif source is not None and not isinstance(
            source, (str, bytes, bytearray, os.PathLike, io.BytesIO)
        ):
            del state["_source"]  # an open file object: deferred values can no longer be read
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for elem in self.__dict__.get("_dict", {}).values():
            if isinstance(elem, DataElement) and elem.VR == "SQ":
                seq = elem._value
                if isinstance(seq, Sequence) and seq.parent_dataset is None:
                    seq.parent_dataset = self

    # ---------------------------------------------------------------- files
    def ensure_file_meta(self) -> None:
        """Create an empty ``file_meta`` if there is none."""
        if self.__dict__.get("file_meta") is None:
            self.file_meta = _file_meta_class()()

    def _set_file_meta(self, value: Any) -> None:
        if value is not None and not isinstance(value, Dataset):
            raise TypeError(f"'{type(self).__name__}.file_meta' must be a 'FileMetaDataset' instance")
        if value is not None:
            file_meta_class = _file_meta_class()
            if not isinstance(value, file_meta_class):
                value = file_meta_class(value)
        self.__dict__["file_meta"] = value


def _slice_bound(value: Any) -> int:
    if isinstance(value, int):
        return int(value)
    return int(Tag(value))


_FILE_NAMES = frozenset({"FileDataset", "FileMetaDataset", "validate_file_meta"})
_file_meta_cls: Any = None


def _file_meta_class() -> Any:
    global _file_meta_cls
    if _file_meta_cls is None:
        from dcmcore.filedataset import FileMetaDataset  # cycle: filedataset imports this module

        _file_meta_cls = FileMetaDataset
    return _file_meta_cls


def __getattr__(name: str) -> Any:
    # FileDataset and FileMetaDataset live in dcmcore.filedataset (which imports this
    # module); they are importable from here too, as in pydicom
    if name in _FILE_NAMES:
        import dcmcore.filedataset as filedataset  # cycle: filedataset imports this module

        value = getattr(filedataset, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Dataset.__getitem__, for __iter__'s check that a subclass does not replace it
_DATASET_GETITEM = Dataset.__getitem__
