"""The value of an SQ element: a list of :class:`~dcmcore.dataset.Dataset` items.

A :class:`Sequence` knows the dataset that holds it (:attr:`parent_dataset`,
a weak reference) and hands that parent to every item it holds, so an item
finds its inherited Specific Character Set and Pixel Representation in O(1).

Sequences read from a file are built by :func:`sequence_from_items` from the
item sources the parser hands back (a loader per item, called on first access).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, MutableMapping
from typing import TYPE_CHECKING, Any, SupportsIndex, TypeAlias

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset
    from dcmcore.element import RawDataElement

__all__ = ["Sequence", "ItemSource", "ItemSplitter", "sequence_depth", "sequence_from_items"]

#: One item of an encoded sequence: ``(loader, is_implicit_VR, is_little_endian,
#: is_undefined_length)``; ``loader()`` returns the item's ``{tag: element}`` mapping.
ItemSource: TypeAlias = "tuple[Callable[[], MutableMapping[Any, Any]], bool, bool, bool]"
#: ``splitter(raw, depth)``: the item sources of a raw SQ element nested `depth` levels deep.
ItemSplitter: TypeAlias = "Callable[[RawDataElement, int], list[ItemSource]]"
#: bound on parent-chain walks (a dataset put inside its own sequence makes a cycle)
_MAX_DEPTH_WALK = 1000

_Dataset: Any = None


def _dataset_class() -> Any:
    global _Dataset
    if _Dataset is None:
        from dcmcore.dataset import Dataset  # cycle: dataset imports this module

        _Dataset = Dataset
    return _Dataset


def sequence_depth(ds: Dataset | None) -> int:
    """How many sequences enclose `ds` (0 for a top-level data set or None)."""
    depth = 0
    while ds is not None and depth <= _MAX_DEPTH_WALK:
        seq = ds.parent_seq
        if seq is None:
            break
        ds = seq.parent_dataset
        depth += 1
    return depth


def sequence_from_items(
    items: Iterable[ItemSource],
    *,
    parent: Dataset | None = None,
    undefined_length: bool = False,
    encoding: str | list[str] | None = None,
) -> Sequence:
    """Return a :class:`Sequence` of lazily loaded items, one per item source.

    Parameters
    ----------
    items : iterable of (loader, bool, bool, bool)
        ``(loader, is_implicit_VR, is_little_endian, is_undefined_length)``
        per item, as the parser's item splitter hands them back; each item
        calls its loader the first time its elements are needed.
    parent : Dataset, optional
        The dataset holding the sequence: the items inherit its character set,
        reading mode and deferred-read source (computed once for all items).
    undefined_length : bool
        Whether the SQ element had an undefined length.
    encoding : str or list of str, optional
        The items' original character set, if known.

    Examples
    --------
    >>> seq = sequence_from_items([(dict, False, True, False)])
    >>> len(seq), len(seq[0])
    (1, 0)
    """
    cls = _dataset_class()
    shared = cls._item_state(parent, encoding)
    seq = Sequence()
    seq.is_undefined_length = undefined_length
    seq_ref = weakref.ref(seq)
    shared["_parent_seq_ref"] = seq_ref
    new = cls.__new__
    datasets = []
    for loader, implicit, little, undefined in items:
        ds = new(cls)
        d = ds.__dict__
        d.update(shared)
        d["_loader"] = loader
        d["_read_implicit"] = d["_is_implicit_VR"] = implicit
        d["_read_little"] = d["_is_little_endian"] = little
        if undefined:  # written back the same way by the writer
            d["is_undefined_length_sequence_item"] = True
        datasets.append(ds)
    list.extend(seq, datasets)
    seq._parent_ref = shared.get("_parent_ref")
    return seq


class Sequence(list):
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
