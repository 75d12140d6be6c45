"""Dataset members that visit every element: ``iterall``, ``walk`` and ``decode``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableSequence
from typing import TYPE_CHECKING, Any, cast

from dcmcore.charset import decode_bytes
from dcmcore.element import DataElement
from dcmcore.tag import tag_in_exception
from dcmcore.values import MultiValue, PersonName
from dcmcore.vr import CHARSET_VR

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset

__all__ = ["TraversalMembers"]


class TraversalMembers:
    """Mixin of :class:`~dcmcore.dataset.Dataset`: recursion over elements and items."""

    __slots__ = ()
    _dict: dict[Any, Any]

    if TYPE_CHECKING:  # provided by Dataset

        @property
        def _character_set(self) -> list[str]: ...

        def __iter__(self) -> Iterator[DataElement]: ...

        def __getitem__(self, key: Any) -> Any: ...

    def iterall(self) -> Iterator[DataElement]:
        """Yield every element, recursing into sequence items."""
        for elem in self:
            yield elem
            if elem.VR == "SQ":
                for item in elem.value:
                    yield from item.iterall()

    def walk(self, callback: Callable[[Dataset, DataElement], None], recursive: bool = True) -> None:
        """Call ``callback(dataset, element)`` for each element, in tag order.

        Parameters
        ----------
        callback : callable
            Takes the dataset holding the element and the element.
        recursive : bool, optional
            Recurse into sequence items (default True).
        """
        ds = cast("Dataset", self)
        for tag in sorted(self._dict, key=int):
            with tag_in_exception(tag):
                elem = self[tag]
                callback(ds, elem)
                if recursive and tag in self._dict and elem.VR == "SQ":
                    for item in elem.value:
                        item.walk(callback)

    def decode(self) -> None:
        """Decode every element with the character set that applies to it.

        Raw elements are converted (their text decoded with the dataset's
        Specific Character Set, inherited by items); text values set as
        ``bytes`` are decoded to ``str``, and names made from bytes are decoded
        with the dataset's character set.
        """
        encodings = self._character_set

        def decode_one(vr: str, value: Any) -> Any:
            if isinstance(value, bytes):
                if vr == "PN":
                    return PersonName(value, encodings)
                return _decode_text(value, encodings)
            if vr == "PN" and isinstance(value, PersonName) and value.encodings is None:
                if value.original_string is not None:
                    return value.decode(encodings)
            return value

        def decode_callback(ds: Dataset, elem: DataElement) -> None:
            if elem.VR == "SQ":
                for item in elem.value:
                    item.decode()
                return
            if elem.VR not in CHARSET_VR:
                return
            value = elem.value
            if isinstance(value, (str, bytes, PersonName)):
                decoded = decode_one(elem.VR, value)
                if decoded is not value:
                    elem._value = decoded
            elif isinstance(value, MutableSequence):
                items = [decode_one(elem.VR, v) for v in value]
                if any(new is not old for new, old in zip(items, value)):
                    elem._value = MultiValue(_identity, items)

        self.walk(decode_callback, recursive=False)


def _identity(value: Any) -> Any:
    return value


def _decode_text(value: bytes, encodings: list[str]) -> str:
    return decode_bytes(value, encodings)


