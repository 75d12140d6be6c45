"""The value of an SQ element: a list of :class:`~dcmcore.dataset.Dataset` items.

A :class:`Sequence` knows the dataset that holds it (:attr:`parent_dataset`,
a weak reference) and hands that parent to every item it holds, so an item
finds its inherited Specific Character Set and Pixel Representation in O(1).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, SupportsIndex

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset

__all__ = ["Sequence"]

_Dataset: Any = None


def _dataset_class() -> Any:
    global _Dataset
    if _Dataset is None:
        from dcmcore.dataset import Dataset

        _Dataset = Dataset
    return _Dataset


class Sequence(list):  # type: ignore[type-arg]
    """A list of :class:`~dcmcore.dataset.Dataset` items (the value of an SQ element).

    Parameters
    ----------
    iterable : iterable of Dataset, optional
        The items.

    Raises
    ------
    TypeError
        If an item is not a Dataset, or a single Dataset is given instead of
        an iterable of them.
    """

    def __init__(self, iterable: Iterable[Dataset] | None = None) -> None:
        self._parent_ref: weakref.ref[Dataset] | None = None
        #: True if the SQ element used an undefined length (0xFFFFFFFF)
        self.is_undefined_length = False
        if iterable is None:
            super().__init__()
            return
        if isinstance(iterable, _dataset_class()):
            raise TypeError("The Sequence constructor requires an iterable")
        items = [self._adopt(item) for item in iterable]
        super().__init__(items)

    # ---------------------------------------------------------------- parent
    @property
    def parent_dataset(self) -> Dataset | None:
        """The dataset holding this sequence's element, or None."""
        ref = self.__dict__.get("_parent_ref")
        return None if ref is None else ref()

    @parent_dataset.setter
    def parent_dataset(self, value: Dataset | None) -> None:
        ref = None if value is None else weakref.ref(value)
        self._parent_ref = ref
        for item in self:
            item.__dict__["_parent_ref"] = ref

    def _adopt(self, item: Any) -> Dataset:
        item = self._validate(item)
        item.__dict__["_parent_seq_ref"] = weakref.ref(self)
        item.__dict__["_parent_ref"] = self.__dict__.get("_parent_ref")
        return item

    @staticmethod
    def _validate(item: Any) -> Dataset:
        """Return `item` if it is a Dataset, else raise TypeError (pydicom's hook)."""
        if isinstance(item, _dataset_class()):
            return item
        raise TypeError("Sequence contents must be 'Dataset' instances.")

    # ------------------------------------------------------- list mutation
    def append(self, item: Dataset) -> None:
        super().append(self._adopt(item))

    def insert(self, index: SupportsIndex, item: Dataset) -> None:
        super().insert(index, self._adopt(item))

    def extend(self, items: Iterable[Dataset]) -> None:
        if isinstance(items, _dataset_class()):
            raise TypeError("An iterable of 'Dataset' is required")
        super().extend([self._adopt(item) for item in items])

    def __iadd__(self, items: Iterable[Dataset]) -> Sequence:  # type: ignore[override,misc]
        self.extend(items)
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            if isinstance(value, _dataset_class()):
                raise TypeError("Can only assign an iterable of 'Dataset'")
            super().__setitem__(index, [self._adopt(item) for item in value])
        else:
            super().__setitem__(index, self._adopt(value))

    # ---------------------------------------------------------- copy/pickle
    def __reduce_ex__(self, protocol: Any) -> Any:
        state = {k: v for k, v in self.__dict__.items() if k != "_parent_ref"}
        return (self.__class__, (list(self),), state)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_parent_ref", None)

    def __copy__(self) -> Sequence:
        new = self.__class__.__new__(self.__class__)
        list.__init__(new, self)
        new.__dict__.update(self.__dict__)
        return new

    # ------------------------------------------------------------- display
    def __str__(self) -> str:
        return f"[{''.join(str(item) for item in self)}]"

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}, length {len(self)}>"
