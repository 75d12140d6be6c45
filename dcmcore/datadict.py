"""pydicom's ``datadict`` module: data dictionary lookups and run-time additions.

The dictionary is dcmcore's own (:mod:`dcmcore.dictionary`); this module gives it
pydicom 3's names, signatures and tuple forms: an entry is ``(VR, VM, name,
is_retired, keyword)`` with ``is_retired`` ``"Retired"`` or ``""``, a private entry
``(VR, VM, name, is_retired)``.

:data:`DicomDictionary` and :data:`keyword_dict` are live views of the public
dictionary (assigning to them adds entries, as ``DicomDictionary.update(...)``
does in pydicom). ``RepeatersDictionary``, ``masks``, ``REPEATER_KEYWORDS`` and
``private_dictionaries`` are built on access from the bundled tables: add private
entries with :func:`add_private_dict_entries`.

Examples
--------
>>> from dcmcore.datadict import add_dict_entry, dictionary_VR
>>> add_dict_entry(0x10021001, "UL", "TestOne", "Test One")
>>> dictionary_VR(0x10021001)
'UL'
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from dcmcore import _keywords
from dcmcore import dictionary as _dictionary
from dcmcore.dictionary import (
    DictEntry,
    dictionary_has_tag,
    dictionary_is_retired,
    dictionary_keyword,
    dictionary_VM,
    dictionary_VR,
    keyword_for_tag,
    private_dictionary_description,
    private_dictionary_VM,
    private_dictionary_VR,
    repeater_has_keyword,
    repeater_has_tag,
    tag_for_keyword,
)
from dcmcore.tag import BaseTag, Tag

__all__ = [
    "DicomDictionary",
    "REPEATER_KEYWORDS",
    "RepeatersDictionary",
    "TagType",
    "add_dict_entries",
    "add_dict_entry",
    "add_private_dict_entries",
    "add_private_dict_entry",
    "dictionary_VM",
    "dictionary_VR",
    "dictionary_description",
    "dictionary_has_tag",
    "dictionary_is_retired",
    "dictionary_keyword",
    "get_entry",
    "get_private_entry",
    "keyword_dict",
    "keyword_for_tag",
    "mask_match",
    "masks",
    "private_dictionaries",
    "private_dictionary_VM",
    "private_dictionary_VR",
    "private_dictionary_description",
    "repeater_has_keyword",
    "repeater_has_tag",
    "tag_for_keyword",
]

TagType = int | str | tuple[int, int] | BaseTag
EntryType = tuple[str, str, str, str, str]
PrivateEntryType = tuple[str, str, str, str]


def _as_tuple(found: DictEntry) -> EntryType:
    return (found.VR, found.VM, found.name, "Retired" if found.is_retired else "", found.keyword)


def _as_entry(value: tuple[str, ...]) -> DictEntry:
    vr, vm, name = value[0], value[1], value[2]
    retired = len(value) > 3 and bool(value[3])
    keyword = value[4] if len(value) > 4 else ""
    return DictEntry(vr, vm, name, retired, keyword)


def _forget_keywords() -> None:
    # the dataset caches keyword lookups by attribute name, misses included

    _keywords._keyword_tags.clear()


def dictionary_description(tag: TagType) -> str:
    """Return the name of public `tag` (``KeyError`` when unknown)."""
    return _dictionary.dictionary_description(tag)


def get_entry(tag: TagType) -> EntryType:
    """Return the public entry ``(VR, VM, name, is_retired, keyword)`` of `tag`.

    Raises
    ------
    KeyError
        If `tag` is private or not in the dictionary (repeating groups are).
    """
    value = Tag(tag)
    found = None if value.is_private else _dictionary.entry(value)
    if found is None or (found is _dictionary.GROUP_LENGTH_ENTRY and value & 0xFFFF == 0
                         and not dictionary_has_tag(value)):  # fmt: skip
        raise KeyError(f"Tag {value} not found in DICOM dictionary")
    return _as_tuple(found)


def get_private_entry(tag: TagType, private_creator: str) -> PrivateEntryType:
    """Return the private entry ``(VR, VM, name, is_retired)`` of `tag` for `private_creator`.

    Raises
    ------
    KeyError
        If the creator or the tag is unknown.
    """
    value = Tag(tag)
    found = _dictionary.private_entry(value, private_creator)
    if found is None:
        raise KeyError(
            f"Tag '{value}' not in private dictionary for private creator '{private_creator}'"
        )
    return _as_tuple(found)[:4]


def add_dict_entry(
    tag: int, VR: str, keyword: str, description: str, VM: str = "1", is_retired: str = ""
) -> None:
    """Add one public dictionary entry, so that `keyword` works on datasets.

    Raises
    ------
    ValueError
        If `tag` is private (use :func:`add_private_dict_entry`).
    """
    add_dict_entries({tag: (VR, VM, description, is_retired, keyword)})


def add_dict_entries(new_entries_dict: dict[int, tuple[str, str, str, str, str]]) -> None:
    """Add public dictionary entries: tag -> ``(VR, VM, name, is_retired, keyword)``.

    Raises
    ------
    ValueError
        If a tag is private (use :func:`add_private_dict_entries`).
    """
    if any(BaseTag(tag).is_private for tag in new_entries_dict):
        raise ValueError(
            'Private tags cannot be added using "add_dict_entries" - '
            'use "add_private_dict_entries" instead'
        )
    _dictionary.add_entries({tag: _as_entry(value) for tag, value in new_entries_dict.items()})
    _forget_keywords()


def add_private_dict_entry(
    private_creator: str, tag: int, VR: str, description: str, VM: str = "1"
) -> None:
    """Add one private dictionary entry of `private_creator` (block byte ignored).

    Raises
    ------
    ValueError
        If `tag` is not private.
    """
    add_private_dict_entries(private_creator, {tag: (VR, VM, description, "")})


def add_private_dict_entries(
    private_creator: str, new_entries_dict: dict[int, tuple[str, str, str, str]]
) -> None:
    """Add private entries of `private_creator`: tag -> ``(VR, VM, name, is_retired)``.

    Raises
    ------
    ValueError
        If a tag is not private.
    """
    if not all(BaseTag(tag).is_private for tag in new_entries_dict):
        raise ValueError(
            "Non-private tags cannot be added using 'add_private_dict_entries()' - "
            "use 'add_dict_entries()' instead"
        )
    _dictionary.add_private_entries(
        private_creator,
        {tag: _as_entry(tuple(value[:4])) for tag, value in new_entries_dict.items()},
    )


def mask_match(tag: int) -> str | None:
    """Return the repeating-group mask (e.g. ``'60xx3000'``) matching `tag`, else None."""
    for mask, (value, bits) in _masks().items():
        if (tag ^ value) & bits == 0:
            return mask
    return None


class _PublicView(MutableMapping[int, EntryType]):
    """pydicom's ``DicomDictionary``: the public entries as tuples; assignment adds."""

    def __getitem__(self, tag: int) -> EntryType:
        value = int(tag)
        if not _dictionary.dictionary_has_tag(value):
            raise KeyError(tag)
        found = _dictionary.entry(value)
        assert found is not None
        return _as_tuple(found)

    def __setitem__(self, tag: int, value: EntryType) -> None:
        add_dict_entries({tag: value})

    def __delitem__(self, tag: int) -> None:
        raise TypeError("dcmcore's data dictionary entries cannot be removed")

    def __iter__(self) -> Iterator[int]:
        return iter(list(_dictionary._public_table or _dictionary._load_public()))

    def __len__(self) -> int:
        return len(_dictionary._public_table or _dictionary._load_public())

    def __contains__(self, tag: object) -> bool:
        return isinstance(tag, int) and _dictionary.dictionary_has_tag(tag)


class _KeywordView(MutableMapping[str, int]):
    """pydicom's ``keyword_dict``: keyword -> tag of the public dictionary."""

    def __getitem__(self, keyword: str) -> int:
        tag = tag_for_keyword(keyword)
        if tag is None:
            raise KeyError(keyword)
        return tag

    def __setitem__(self, keyword: str, tag: int) -> None:
        current = DicomDictionary.get(tag)
        if current is None:
            raise KeyError(f"add the entry of tag {tag:#010x} to DicomDictionary first")
        if current[4] != keyword:
            add_dict_entries({tag: (*current[:4], keyword)})

    def __delitem__(self, keyword: str) -> None:
        raise TypeError("dcmcore's data dictionary keywords cannot be removed")

    def __iter__(self) -> Iterator[str]:
        return iter(list(_dictionary._keywords or _dictionary._load_keywords()))

    def __len__(self) -> int:
        return len(_dictionary._keywords or _dictionary._load_keywords())


DicomDictionary: MutableMapping[int, EntryType] = _PublicView()
keyword_dict: MutableMapping[str, int] = _KeywordView()


def _repeaters() -> dict[str, EntryType]:
    result = {}
    for line in _dictionary._public_data()[1].split("\n"):
        mask, vr, vm, name, retired, keyword = line.split("\t")
        result[mask] = (vr, vm, name, "Retired" if retired == "R" else "", keyword)
    return result


def _masks() -> dict[str, tuple[int, int]]:
    return {
        mask: (
            int(mask.replace("x", "0"), 16),
            int("".join("0" if c == "x" else "F" for c in mask), 16),
        )
        for mask in _repeaters()
    }


def _private_dictionaries() -> dict[str, dict[str, PrivateEntryType]]:
    result: dict[str, dict[str, PrivateEntryType]] = {}
    for creator, text in _dictionary._private_data().items():
        entries: dict[str, PrivateEntryType] = {}
        for line in text.split("\n") if text else ():
            key, vr, vm, name, retired = line.split("\t")
            entries[key] = (vr, vm, name, "Retired" if retired == "R" else "")
        result[creator] = entries
    for creator, table in _dictionary._private_tables.items():
        added = result.setdefault(creator, {})
        for block_key, item in table.any_block.items():
            added.setdefault(
                f"{block_key >> 16:04X}xx{block_key & 0xFF:02X}",
                _as_tuple(item)[:4],
            )
    return result


_BUILT = {
    "RepeatersDictionary": _repeaters,
    "masks": _masks,
    "REPEATER_KEYWORDS": lambda: [entry[4] for entry in _repeaters().values()],
    "private_dictionaries": _private_dictionaries,
}

# Declared for type checkers; built on access by __getattr__.
RepeatersDictionary: dict[str, EntryType]
masks: dict[str, tuple[int, int]]
REPEATER_KEYWORDS: list[str]
private_dictionaries: dict[str, dict[str, PrivateEntryType]]


def __getattr__(name: str) -> Any:
    if name in _BUILT:
        return _BUILT[name]()
    raise AttributeError(f"module 'dcmcore.datadict' has no attribute {name!r}")
