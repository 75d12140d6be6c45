"""How a :class:`~dcmcore.dataset.Dataset` finds the character set of its text values.

A dataset's own (0008,0005) *Specific Character Set* applies, else its parent's
(sequence items inherit); text that is still raw decodes with the character set it
was *read* with, even if (0008,0005) has been changed since.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from dcmcore.charset import convert_encodings
from dcmcore.converters import _settings
from dcmcore.element import DataElement
from dcmcore.tag import BaseTag

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset

__all__ = ["CharacterSetMembers"]

_CHARSET_TAG = BaseTag(0x00080005)
_MAX_PARENT_DEPTH = 1000
_encodings_cache: dict[Any, list[str]] = {}


def _convert_encodings(value: Any) -> list[str]:
    """``charset.convert_encodings`` with a small cache (called for every text value).

    The returned list is shared: callers must not modify it.
    """
    # a value cached while lenient must still raise when strict (RAISE reading mode);
    # the settings read as converters does (config.settings' __getattr__ is slow)
    settings = _settings()
    strict = settings["strict_charset"]
    mode = settings["reading_validation_mode"]
    key: Any
    if value.__class__ is str:
        key = (value, strict, mode)
    else:
        try:
            key = (tuple(value), strict, mode)
            hash(key)
        except TypeError:
            key = None
    if key is not None:
        cached = _encodings_cache.get(key)
        if cached is not None:
            return cached
    result = list(convert_encodings(value))
    if key is not None:
        if len(_encodings_cache) > 256:
            _encodings_cache.clear()
        _encodings_cache[key] = result
    return result


class CharacterSetMembers:
    """Mixin of :class:`~dcmcore.dataset.Dataset`: the character set of text values."""

    _dict: dict[Any, Any]
    _parent_encoding: str | list[str]

    @property
    def parent_dataset(self) -> Dataset | None:
        """The dataset holding the sequence this item is in (the Dataset defines it)."""
        raise NotImplementedError

    @property
    def _character_set(self) -> list[str]:
        """The Python encodings for text values: own (0008,0005), else inherited.

        The returned list is shared: do not modify it.
        """
        ds = self
        for _ in range(_MAX_PARENT_DEPTH):
            result = ds._own_character_set()
            if result is not None:
                return result
            parent = ds.parent_dataset
            if parent is None:
                break
            ds = parent
        return _convert_encodings(ds._parent_encoding)

    def _text_encoding(self) -> list[str]:
        """The Python encodings that still-raw text elements are decoded with.

        That is the character set the data was *encoded* in: for a dataset read
        from a file, the one it was read with (even if (0008,0005) was changed
        since, as pydicom does); for an item read from a file, its own (0008,0005)
        or the encoding its parent was read with; otherwise :attr:`_character_set`.
        """
        d = self.__dict__
        read = d.get("_read_charset")
        if read:
            return _convert_encodings(read)
        if d.get("_read_implicit") is not None and "_parent_encoding" in d:
            own = self._own_character_set()
            return own if own is not None else _convert_encodings(d["_parent_encoding"])
        return self._character_set

    def _own_character_set(self) -> list[str] | None:
        elem = self._dict.get(_CHARSET_TAG)
        if elem is None:
            return None
        memo = self.__dict__.get("_charset_memo")
        if memo is not None and memo[0] is elem and memo[1] is elem.value:
            return memo[2]
        if not isinstance(elem, DataElement):
            elem = cast("Dataset", self)[_CHARSET_TAG]
        value = elem.value
        if not value:
            return None
        result = _convert_encodings(value)
        self.__dict__["_charset_memo"] = (elem, value, result)
        return result
