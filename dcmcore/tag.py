"""DICOM tags: the (group, element) pair that names a data element.

:class:`BaseTag` is an ``int`` subclass, so tags sort, hash and compare as
plain integers, and :func:`Tag` builds one from every form pydicom accepts.
"""

from __future__ import annotations

from typing import Any, Final, TypeAlias

__all__ = [
    "BaseTag",
    "Tag",
    "TagType",
    "TupleTag",
    "tag_in_exception",
    "ItemTag",
    "ItemDelimiterTag",
    "SequenceDelimiterTag",
    "PixelDataTag",
    "PIXEL_DATA_TAGS",
    "shared_tag",
]


class BaseTag(int):
    """A DICOM tag stored as a 32-bit integer ``(group << 16) | element``."""

    __slots__ = ()

    @property
    def group(self) -> int:
        """The tag's group number."""
        return self >> 16

    @property
    def element(self) -> int:
        """The tag's element number."""
        return self & 0xFFFF

    elem = element

    @property
    def is_private(self) -> bool:
        """True for a tag in an odd group (a private tag)."""
        return bool(self.group & 1)

    @property
    def is_private_creator(self) -> bool:
        """True for a private creator tag, ``(gggg,0010)`` to ``(gggg,00FF)`` in an odd group."""
        return self.is_private and 0x0010 <= self.element <= 0x00FF

    @property
    def private_creator(self) -> BaseTag:
        """The tag of the private creator that reserves this private tag's block."""
        return BaseTag((self & 0xFFFF0000) | (self.element >> 8))

    @property
    def json_key(self) -> str:
        """The tag as the 8-digit upper-case hex key used by DICOM JSON."""
        return f"{self:08X}"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, int):
            return int(self) == int(other)
        try:
            return int(self) == int(Tag(other))
        except (ValueError, TypeError, OverflowError):
            return False

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __lt__(self, other: Any) -> bool:
        if not isinstance(other, int):
            other = Tag(other)
        return int(self) < int(other)

    def __le__(self, other: Any) -> bool:
        return self == other or self < other

    def __gt__(self, other: Any) -> bool:
        return not self <= other

    def __ge__(self, other: Any) -> bool:
        return not self < other

    __hash__ = int.__hash__

    def __str__(self) -> str:
        return f"({self.group:04X},{self.element:04X})"

    __repr__ = __str__


TagType: TypeAlias = "int | str | tuple[int, int] | BaseTag"

#: One BaseTag per tag value seen by :func:`shared_tag` (every BaseTag is an object the
#: garbage collector tracks: sharing them keeps a read from creating one per element).
_SHARED: Final[dict[int, BaseTag]] = {}
#: Bound on the cache, so data full of distinct (private) tags cannot grow it without end.
_SHARED_MAX: Final = 1 << 16


def shared_tag(value: int) -> BaseTag:
    """Return the shared :class:`BaseTag` for the 32-bit tag `value`.

    The reader uses it for every element, so a tag value is one object however
    many data sets hold it. `value` must already be in range (no check).

    Examples
    --------
    >>> shared_tag(0x00100010) is shared_tag(0x00100010)
    True
    """
    tag = _SHARED.get(value)
    if tag is None:
        tag = BaseTag(value)
        if len(_SHARED) < _SHARED_MAX:
            _SHARED[value] = tag
    return tag


def _from_int(value: int) -> BaseTag:
    if value < 0:  # ValueError, as pydicom
        raise ValueError(f"Unable to create an element tag from '{value}': tags must be positive")
    if value > 0xFFFFFFFF:
        raise OverflowError(f"Tag must be between 0 and 0xFFFFFFFF, got {value:#x}")
    return _SHARED.get(value) or shared_tag(int(value))


def _from_str(value: str) -> BaseTag:
    text = value.strip()
    try:
        return _from_int(int(text, 16))
    except ValueError:
        pass
    from dcmcore.dictionary import tag_for_keyword  # cycle: the dictionary imports tag

    found = tag_for_keyword(text)
    if found is None:
        raise ValueError(
            f"Unable to create a tag from {value!r}: not a hex number nor a known keyword"
        )
    return shared_tag(found)


def Tag(arg: TagType | Any, arg2: int | None = None) -> BaseTag:
    """Create a :class:`BaseTag` from any form a DICOM tag is written in.

    Parameters
    ----------
    arg : int, str, tuple of two int, or BaseTag
        ``0x00100010``; ``"0x00100010"`` or ``"00100010"``; ``(0x0010, 0x0010)``;
        a keyword such as ``"PatientName"``; or the group when `arg2` is given.
    arg2 : int, optional
        The element number, when `arg` is the group.

    Returns
    -------
    BaseTag

    Raises
    ------
    ValueError
        If a string is neither hex nor a known keyword, a tuple is not two items, or
        the value is negative.
    OverflowError
        If the value does not fit in 32 bits or a part does not fit in 16 bits.
    """
    if arg2 is not None:
        arg = (arg, arg2)
    if isinstance(arg, BaseTag):
        return arg
    if isinstance(arg, int):
        return _from_int(arg)
    if isinstance(arg, str):
        return _from_str(arg)
    if isinstance(arg, (tuple, list)):
        if len(arg) != 2:
            raise ValueError(f"Tag must be a pair (group, element), got {arg!r}")
        group, element = (int(p, 16) if isinstance(p, str) else int(p) for p in arg)
        if group < 0 or element < 0:  # ValueError, as pydicom
            raise ValueError(f"Unable to create an element tag from {arg!r}: tags must be positive")
        if not (group <= 0xFFFF and element <= 0xFFFF):
            raise OverflowError(f"Tag group and element must each fit in 16 bits: {arg!r}")
        return shared_tag((group << 16) | element)
    try:
        return _from_int(int(arg))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"Unable to create a tag from {arg!r}") from exc


def TupleTag(group_element: tuple[int, int]) -> BaseTag:
    """Create a :class:`BaseTag` from a ``(group, element)`` tuple."""
    return BaseTag((group_element[0] << 16) | group_element[1])


class tag_in_exception:
    """Context manager that adds the tag being processed to any exception raised inside."""

    def __init__(self, tag: BaseTag) -> None:
        self.tag = tag

    def __enter__(self) -> tag_in_exception:
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is not None and exc.args and isinstance(exc.args[0], str):
            exc.args = (f"With tag {self.tag}: {exc.args[0]}",) + exc.args[1:]


ItemTag = BaseTag(0xFFFEE000)
ItemDelimiterTag = BaseTag(0xFFFEE00D)
SequenceDelimiterTag = BaseTag(0xFFFEE0DD)
PixelDataTag = BaseTag(0x7FE00010)

PIXEL_DATA_TAGS: Final[frozenset[BaseTag]] = frozenset(
    {PixelDataTag, BaseTag(0x7FE00008), BaseTag(0x7FE00009)})
"""The pixel data elements: Pixel Data, Float Pixel Data and Double Float Pixel Data.

The one definition of the set; everything that treats pixel data specially uses it."""
