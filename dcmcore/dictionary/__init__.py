"""The DICOM data dictionary, private dictionaries and UID registry.

The tables live in generated modules (``_edition``, ``_data``, ``_uids``, ``_private``; see
``tools/gen_dictionary.py``) as tab-separated text, so importing this package only
loads a few string constants. Each table is parsed into dicts the first time it is
used; after that every lookup is a dict access.

Public lookups (:func:`entry`, ``dictionary_*``) cover PS3.6 data elements, PS3.7
command elements (group 0000) and the masked entries of the standard: repeating groups
``(50xx,eeee)``, ``(60xx,eeee)``, ``(7Fxx,eeee)`` and masks such as ``(0020,31xx)``,
``(1000,xxx0)`` and ``(1010,xxxx)``. :func:`entry` also knows the group length rule:
any ``(gggg,0000)`` not in the dictionary is ``UL``/``1`` "Group Length".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from dcmcore.dictionary._edition import EDITION
from dcmcore.dictionary._uids import UIDS
from dcmcore.tag import Tag, TagType

__all__ = [
    "EDITION",
    "DictEntry",
    "UIDInfo",
    "entry",
    "tag_for_keyword",
    "keyword_for_tag",
    "dictionary_VR",
    "dictionary_VM",
    "dictionary_description",
    "dictionary_is_retired",
    "dictionary_keyword",
    "dictionary_has_tag",
    "repeater_has_tag",
    "repeater_has_keyword",
    "private_entry",
    "private_dictionary_VR",
    "private_dictionary_VM",
    "private_dictionary_description",
    "private_creators",
    "add_entries",
    "add_private_entries",
    "uid_info",
    "uid_for_keyword",
    "iter_uids",
]


class DictEntry(NamedTuple):
    """One data dictionary entry."""

    VR: str
    """Value representation; may be a choice such as ``'US or SS'`` or ``'OB or OW'``."""
    VM: str
    """Value multiplicity, e.g. ``'1'``, ``'1-n'``, ``'2-2n'``."""
    name: str
    """The element's name (description)."""
    is_retired: bool
    keyword: str
    """The element's keyword; ``''`` for private elements and group lengths."""


class UIDInfo(NamedTuple):
    """One UID registry entry."""

    name: str
    type: str
    info: str
    is_retired: bool
    keyword: str


GROUP_LENGTH_ENTRY = DictEntry("UL", "1", "Group Length", False, "")

# Lazily built tables. Building twice from two threads is harmless (same content),
# so no lock: each table is bound in one assignment after it is complete.
_public_table: dict[int, DictEntry | str] | None = None
_keywords: dict[str, int] | None = None
_repeaters: list[tuple[int, dict[int, DictEntry]]] | None = None
_repeater_keywords: frozenset[str] | None = None
_uid_table: dict[str, UIDInfo] | None = None
_uid_keywords: dict[str, str] | None = None
_private_tables: dict[str, _PrivateTable] = {}


def _public_data() -> tuple[str, str]:
    """The generated public tables: (elements, repeating-group masks), one line each."""
    from dcmcore.dictionary import _data  # deferred: 380 kB generated table, 3 ms to load

    return _data.PUBLIC, _data.REPEATERS


def _private_data() -> dict[str, str]:
    """The generated private dictionary: creator -> its table as text."""
    from dcmcore.dictionary import _private  # deferred: 380 kB generated table, 4 ms to load

    return _private.PRIVATE


def _load_public() -> dict[int, DictEntry | str]:
    """Index the public table by tag; each line is parsed into a DictEntry when first used."""
    global _public_table
    lines = _public_data()[0].split("\n")
    table: dict[int, DictEntry | str] = dict(zip([int(line[:8], 16) for line in lines], lines))
    _public_table = table
    return table


def _public_get(tag: int) -> DictEntry | None:
    table = _public_table if _public_table is not None else _load_public()
    found = table.get(tag)
    if found.__class__ is str:
        _, vr, vm, name, retired, keyword = found.split("\t")
        found = DictEntry(vr, vm, name, retired == "R", keyword)
        table[tag] = found  # same value for every thread: a racing rebuild is harmless
    return found  # type: ignore[return-value]


def _load_keywords() -> dict[str, int]:
    global _keywords
    keywords = {}
    for line in _public_data()[0].split("\n"):
        keyword = line[line.rindex("\t") + 1 :]
        if keyword:
            keywords[keyword] = int(line[:8], 16)
    _keywords = keywords
    return keywords


def _load_repeaters() -> list[tuple[int, dict[int, DictEntry]]]:
    global _repeaters, _repeater_keywords
    # Group the masks by which bits they fix, so a lookup is one dict access per
    # distinct bit pattern (a handful) rather than one test per mask.
    by_bits: dict[int, dict[int, DictEntry]] = {}
    keywords = set()
    for line in _public_data()[1].split("\n"):
        mask, vr, vm, name, retired, keyword = line.split("\t")
        bits = int("".join("0" if c == "x" else "F" for c in mask), 16)
        value = int(mask.replace("x", "0"), 16)
        by_bits.setdefault(bits, {})[value] = DictEntry(vr, vm, name, retired == "R", keyword)
        keywords.add(keyword)
    # Most specific patterns (most fixed bits) first.
    ordered = sorted(by_bits.items(), key=lambda kv: -bin(kv[0]).count("1"))
    _repeater_keywords = frozenset(keywords)
    _repeaters = ordered
    return ordered


def _as_int(tag: TagType) -> int:
    if isinstance(tag, int):
        return int(tag)
    return int(Tag(tag))


def _repeater_entry(tag: int) -> DictEntry | None:
    if (tag >> 16) & 1:  # private group: never a repeating-group element
        return None
    masks = _repeaters if _repeaters is not None else _load_repeaters()
    for bits, table in masks:
        found = table.get(tag & bits)
        if found is not None:
            return found
    return None


def _lookup(tag: int) -> DictEntry | None:
    found = _public_get(tag)
    if found is None:
        found = _repeater_entry(tag)
    return found


def entry(tag: int) -> DictEntry | None:
    """Return the public dictionary entry for `tag`, or ``None`` when unknown.

    Parameters
    ----------
    tag : int
        The tag as an int (a :class:`~dcmcore.tag.BaseTag` works too; other forms
        accepted by :func:`~dcmcore.tag.Tag` are converted).

    Returns
    -------
    DictEntry or None
        Exact entries first, then repeating-group/masked entries, then the group
        length rule: ``(gggg,0000)`` gives ``DictEntry('UL', '1', 'Group Length',
        False, '')``. Private tags other than group lengths give ``None``: use
        :func:`private_entry` for those.
    """
    if tag.__class__ is not int:
        tag = int(tag) if isinstance(tag, int) else _as_int(tag)
    table = _public_table if _public_table is not None else _load_public()
    found = table.get(tag)
    if found is not None:
        if found.__class__ is str:
            return _public_get(tag)
        return found  # type: ignore[return-value]
    found = _repeater_entry(tag)
    if found is None and not tag & 0xFFFF:
        return GROUP_LENGTH_ENTRY
    return found


def tag_for_keyword(keyword: str) -> int | None:
    """Return the tag for a public element `keyword`, or ``None`` if it is not one.

    Repeating-group keywords (e.g. ``'OverlayRows'``) have no single tag and give
    ``None``, as in pydicom.
    """
    keywords = _keywords if _keywords is not None else _load_keywords()
    return keywords.get(keyword)


def keyword_for_tag(tag: TagType) -> str:
    """Return the keyword of `tag`, or ``''`` when it is unknown (or a group length)."""
    try:
        found = _lookup(_as_int(tag))
    except (TypeError, ValueError, OverflowError):
        return ""
    return found.keyword if found is not None else ""


def _require(tag: TagType) -> DictEntry:
    value = _as_int(tag)
    found = _lookup(value)
    if found is None:
        raise KeyError(
            f"Tag ({value >> 16:04X},{value & 0xFFFF:04X}) not found in DICOM dictionary"
        )
    return found


def dictionary_VR(tag: TagType) -> str:
    """Return the VR of public `tag` (repeating groups included).

    Raises
    ------
    KeyError
        If `tag` is not in the public dictionary (group lengths included, as in pydicom).
    """
    return _require(tag).VR


def dictionary_VM(tag: TagType) -> str:
    """Return the VM of public `tag`; ``KeyError`` when unknown."""
    return _require(tag).VM


def dictionary_description(tag: TagType) -> str:
    """Return the name of public `tag`; ``KeyError`` when unknown."""
    return _require(tag).name


def dictionary_is_retired(tag: TagType) -> bool:
    """Return whether public `tag` is retired; ``KeyError`` when unknown."""
    return _require(tag).is_retired


def dictionary_keyword(tag: TagType) -> str:
    """Return the keyword of public `tag`; ``KeyError`` when unknown."""
    return _require(tag).keyword


def dictionary_has_tag(tag: TagType) -> bool:
    """Return whether `tag` has its own (non-masked) entry in the public dictionary.

    As in pydicom, repeating-group elements such as ``(6002,0010)`` give ``False``;
    see :func:`repeater_has_tag`.
    """
    try:
        value = _as_int(tag)
    except (TypeError, ValueError, OverflowError):
        return False
    table = _public_table if _public_table is not None else _load_public()
    return value in table


def repeater_has_tag(tag: TagType) -> bool:
    """Return whether `tag` matches a repeating-group or masked public entry."""
    try:
        return _repeater_entry(_as_int(tag)) is not None
    except (TypeError, ValueError, OverflowError):
        return False


def repeater_has_keyword(keyword: str) -> bool:
    """Return whether `keyword` belongs to a repeating-group or masked public entry."""
    if _repeater_keywords is None:
        _load_repeaters()
    return keyword in _repeater_keywords  # type: ignore[operator]


# --- private dictionaries -------------------------------------------------------------


class _PrivateTable:
    """One creator's private elements, keyed three ways (most specific first)."""

    __slots__ = ("exact", "any_block", "any_group_byte")

    def __init__(self, text: str) -> None:
        self.exact: dict[int, DictEntry] = {}
        self.any_block: dict[int, DictEntry] = {}  # ggggxxee -> (gggg << 16) | ee
        self.any_group_byte: dict[int, DictEntry] = {}  # ggxxxxee -> (gg << 16) | ee
        if not text:
            return
        for line in text.split("\n"):
            key, vr, vm, name, retired = line.split("\t")
            item = DictEntry(vr, vm, name, retired == "R", "")
            if "x" not in key:
                self.exact[int(key, 16)] = item
            elif key[4:6] == "xx" and key[2:4] != "xx":
                self.any_block[(int(key[:4], 16) << 16) | int(key[6:], 16)] = item
            elif key[2:6] == "xxxx":
                self.any_group_byte[(int(key[:2], 16) << 16) | int(key[6:], 16)] = item
            # (gggg,bbxx) rows are skipped: see get()

    def get(self, tag: int) -> DictEntry | None:
        found = self.exact.get(tag)
        if found is not None:
            return found
        group = tag >> 16
        offset = tag & 0xFF
        found = self.any_block.get((group << 16) | offset)
        if found is not None:
            return found
        # (gggg,bbxx) rows are not matched: in the source data they are GDCM's
        # "Private Element Creator" placeholders, which would give every unknown
        # element of the block a wrong name and VR (pydicom does not match them either)
        return self.any_group_byte.get(((group >> 8) << 16) | offset)


def _private_table(creator: str) -> _PrivateTable | None:
    table = _private_tables.get(creator)
    if table is not None:
        return table
    private = _private_data()
    text = private.get(creator)
    if text is None:
        stripped = creator.strip(" \x00")
        text = private.get(stripped)
        if text is None:
            return None
        creator = stripped
    table = _PrivateTable(text)
    _private_tables[creator] = table
    return table


def private_entry(tag: int, private_creator: str) -> DictEntry | None:
    """Return the private dictionary entry for `tag` reserved by `private_creator`.

    Parameters
    ----------
    tag : int
        The private element's tag, e.g. ``0x00191012`` (block ``0x10``).
    private_creator : str
        The value of the private creator element reserving the tag's block.

    Returns
    -------
    DictEntry or None
        Entries are looked up by exact tag, then block-independent
        ``(gggg,xxee)``, then ``(ggxx,xxee)``. The keyword of
        a private entry is ``''``. ``None`` when creator or tag is unknown.
    """
    if not isinstance(private_creator, str):
        return None
    table = _private_table(private_creator)
    if table is None:
        return None
    return table.get(_as_int(tag))


def _require_private(tag: TagType, private_creator: str) -> DictEntry:
    found = private_entry(_as_int(tag), private_creator)
    if found is None:
        raise KeyError(f"Tag {tag!r} not in private dictionary for creator {private_creator!r}")
    return found


def private_dictionary_VR(tag: TagType, private_creator: str) -> str:
    """Return the VR of a private element; ``KeyError`` when unknown."""
    return _require_private(tag, private_creator).VR


def private_dictionary_VM(tag: TagType, private_creator: str) -> str:
    """Return the VM of a private element; ``KeyError`` when unknown."""
    return _require_private(tag, private_creator).VM


def private_dictionary_description(tag: TagType, private_creator: str) -> str:
    """Return the name of a private element; ``KeyError`` when unknown."""
    return _require_private(tag, private_creator).name


def private_creators() -> list[str]:
    """Return the private creator names that have a private dictionary."""
    private = _private_data()
    return list(private) + [name for name in _private_tables if name not in private]


# --- additions at run time ------------------------------------------------------------


def add_entries(entries: Mapping[int, DictEntry]) -> None:
    """Add (or replace) public dictionary entries, e.g. for a newer edition's elements.

    Parameters
    ----------
    entries : mapping of int to DictEntry
        Tag to entry; an entry's keyword becomes usable as a dataset attribute.

    Examples
    --------
    >>> from dcmcore import dictionary
    >>> dictionary.add_entries({0x10021001: dictionary.DictEntry("UL", "1", "Test One",
    ...                         False, "TestOne")})  # doctest: +SKIP
    """
    table = _public_table if _public_table is not None else _load_public()
    keywords = _keywords if _keywords is not None else _load_keywords()
    for tag, item in entries.items():
        found = DictEntry(*item)
        table[int(tag)] = found
        if found.keyword:
            keywords[found.keyword] = int(tag)


def add_private_entries(private_creator: str, entries: Mapping[int, DictEntry]) -> None:
    """Add (or replace) private dictionary entries of `private_creator`.

    Parameters
    ----------
    private_creator : str
        The private creator value reserving the entries' block.
    entries : mapping of int to DictEntry
        Tag to entry; the block byte of the tag is ignored (``(gggg,xxee)``), so the
        entry applies in whichever block the creator reserves.
    """
    table = _private_table(private_creator)
    if table is None:
        table = _PrivateTable("")
        _private_tables[private_creator] = table
    for tag, item in entries.items():
        value = int(tag)
        table.any_block[(value >> 16 << 16) | (value & 0xFF)] = DictEntry(*item)


# --- UID registry ---------------------------------------------------------------------


def _load_uids() -> dict[str, UIDInfo]:
    global _uid_table, _uid_keywords
    table: dict[str, UIDInfo] = {}
    keywords: dict[str, str] = {}
    for line in UIDS.split("\n"):
        uid, name, typ, info, retired, keyword = line.split("\t")
        table[uid] = UIDInfo(name, typ, info, retired == "R", keyword)
        if keyword:
            keywords[keyword] = uid
    _uid_keywords = keywords
    _uid_table = table
    return table


def uid_info(uid: str) -> UIDInfo | None:
    """Return the UID registry entry for `uid`, or ``None`` when it is not registered."""
    table = _uid_table if _uid_table is not None else _load_uids()
    return table.get(str(uid))


def uid_for_keyword(keyword: str) -> str | None:
    """Return the UID registered under `keyword` (e.g. ``'CTImageStorage'``), or ``None``."""
    if _uid_keywords is None:
        _load_uids()
    return _uid_keywords.get(keyword)  # type: ignore[union-attr]


def iter_uids() -> Iterator[tuple[str, UIDInfo]]:
    """Iterate over ``(uid, UIDInfo)`` for every registered UID, in registry order."""
    table = _uid_table if _uid_table is not None else _load_uids()
    return iter(list(table.items()))
