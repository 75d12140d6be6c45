"""The value of an SQ element: a list of :class:`~dcmcore.dataset.Dataset` items.

A :class:`Sequence` knows the dataset that holds it (:attr:`parent_dataset`,
a weak reference) and hands that parent to every item it holds, so an item
finds its inherited Specific Character Set and Pixel Representation in O(1).

Sequences read from a file are built by :func:`sequence_from_items` from the
item sources the parser hands back (a loader per item, called on first access).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, MutableMapping
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
    shared["_parent_seq_ref"] = weakref.ref(seq)
    sources = items if isinstance(items, list) else list(items)
    if sources:
        # the item sources themselves stand in the list; each becomes its Dataset the
        # first time it is reached (Sequence._item_at / Sequence._make_all)
        list.extend(seq, sources)
        seq.__dict__["_pending"] = (cls, shared)
    seq._parent_ref = shared.get("_parent_ref")
    return seq


def _item_from_source(cls: Any, shared: dict[str, Any], source: ItemSource) -> Dataset:
    """The lazily loaded item Dataset of one item source (its elements not yet parsed)."""
    loader, implicit, little, undefined = source
    ds = cls.__new__(cls)
    d = ds.__dict__
    d.update(shared)
    d["_loader"] = loader
    d["_read_implicit"] = d["_is_implicit_VR"] = implicit
    d["_read_little"] = d["_is_little_endian"] = little
    if undefined:  # written back the same way by the writer
        d["is_undefined_length_sequence_item"] = True
    return ds


#: held while an item source becomes its Dataset: two threads reaching the same
#: item first get the same Dataset
_MAKE_LOCK = threading.Lock()


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

    # ------------------------------------------------------- lazy item making
    # A sequence read from a file holds, until they are reached, the item sources the
    # parser handed back instead of its Datasets (``_pending`` then holds the dataset
    # class and the state its items share). Indexing makes the items it reaches; every
    # other way of reading the items (iteration, comparison, copies...) makes them all
    # first, so list methods that read the list's storage directly see Datasets.

    def _item_at(self, index: Any, source: ItemSource) -> Dataset:
        pending = self.__dict__.get("_pending")
        with _MAKE_LOCK:
            current = list.__getitem__(self, index)
            if current is not source or pending is None:  # made meanwhile
                return current
            item = _item_from_source(pending[0], pending[1], source)
            list.__setitem__(self, index, item)
        return item

    def _make_all(self) -> None:
        """Make every item still held as its source (see the comment above)."""
        with _MAKE_LOCK:
            pending = self.__dict__.pop("_pending", None)
            if pending is None:
                return
            cls, shared = pending
            for i, item in enumerate(list.__iter__(self)):
                if item.__class__ is tuple:
                    list.__setitem__(self, i, _item_from_source(cls, shared, item))

    def __getitem__(self, index: Any) -> Any:
        item = list.__getitem__(self, index)
        if "_pending" not in self.__dict__:
            return item
        if isinstance(index, slice):
            self._make_all()
            return list.__getitem__(self, index)
        if item.__class__ is tuple:
            return self._item_at(index, item)
        return item

    def __iter__(self) -> Iterator[Dataset]:
        if "_pending" in self.__dict__:
            self._make_all()
        return list.__iter__(self)

    def __reversed__(self) -> Iterator[Dataset]:
        self._make_all()
        return list.__reversed__(self)

    def __contains__(self, item: object) -> bool:
        self._make_all()
        return list.__contains__(self, item)

    def index(self, *args: Any) -> int:
        self._make_all()
        return list.index(self, *args)

    def count(self, item: Any) -> int:
        self._make_all()
        return list.count(self, item)

    def copy(self) -> list[Dataset]:
        self._make_all()
        return list.copy(self)

    def pop(self, index: SupportsIndex = -1) -> Dataset:
        self[index]  # noqa: B018 - makes the item if it is still a source
        return list.pop(self, index)

    def remove(self, item: Any) -> None:
        self._make_all()
        list.remove(self, item)

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._make_all()
        list.sort(self, *args, **kwargs)

    def __eq__(self, other: object) -> bool:
        self._make_all()
        if isinstance(other, Sequence):
            other._make_all()
        return list.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None

    def __lt__(self, other: Any) -> bool:
        self._make_all()
        return list.__lt__(self, other)

    def __le__(self, other: Any) -> bool:
        self._make_all()
        return list.__le__(self, other)

    def __gt__(self, other: Any) -> bool:
        self._make_all()
        return list.__gt__(self, other)

    def __ge__(self, other: Any) -> bool:
        self._make_all()
        return list.__ge__(self, other)

    def __add__(self, other: Any) -> Any:
        self._make_all()
        return list.__add__(self, other)

    def __radd__(self, other: Any) -> Any:
        # ``[x] + seq`` would read the list's storage directly (unmade items)
        if not isinstance(other, list):
            return NotImplemented
        self._make_all()
        return list.__add__(other, self)

    def __mul__(self, count: SupportsIndex) -> Any:
        self._make_all()
        return list.__mul__(self, count)

    __rmul__ = __mul__

    def __imul__(self, count: SupportsIndex) -> Sequence:
        self._make_all()
        list.__imul__(self, count)
        return self

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
        self._make_all()
        state = {k: v for k, v in self.__dict__.items() if k != "_parent_ref"}
        return (self.__class__, (list(self),), state)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_parent_ref", None)

    def __copy__(self) -> Sequence:
        self._make_all()
        new = self.__class__.__new__(self.__class__)
        list.__init__(new, self)
        new.__dict__.update(self.__dict__)
        return new

    # ------------------------------------------------------------- display
    def __str__(self) -> str:
        return f"[{''.join(str(item) for item in self)}]"

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}, length {len(self)}>"
