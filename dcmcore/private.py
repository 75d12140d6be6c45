"""Private data elements: :class:`PrivateBlock` and the Dataset's private-tag helpers.

A private block is the range ``(gggg,xx00)``-``(gggg,xxFF)`` of an odd group
reserved by the private creator element ``(gggg,00xx)`` (Part 5, 7.8.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from dcmcore.dictionary import private_entry as _private_entry
from dcmcore.element import DataElement
from dcmcore.tag import BaseTag

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset

__all__ = ["PrivateBlock", "PrivateMembers"]


class PrivateBlock:
    """A block of private elements in a :class:`~dcmcore.dataset.Dataset`.

    Attributes
    ----------
    group : int
        The private (odd) group.
    private_creator : str
        The private creator string reserving the block.
    dataset : Dataset
        The dataset holding the block.
    block_start : int
        The first element number of the block, ``0xXX00``.
    """

    def __init__(
        self, key: tuple[int, str], dataset: Dataset, private_creator_element: int
    ) -> None:
        self.group = key[0]
        self.private_creator = key[1]
        self.dataset = dataset
        self.block_start = private_creator_element << 8

    def get_tag(self, element_offset: int) -> BaseTag:
        """Return the tag of the element at `element_offset` (0x00-0xFF) in the block.

        Raises
        ------
        ValueError
            If `element_offset` is greater than 0xFF.
        """
        if element_offset > 0xFF:
            raise ValueError("Element offset must be less than 256")
        return BaseTag((self.group << 16) | self.block_start | element_offset)

    def __contains__(self, element_offset: int) -> bool:
        return self.get_tag(element_offset) in self.dataset

    def __getitem__(self, element_offset: int) -> DataElement:
        return self.dataset[self.get_tag(element_offset)]

    def __delitem__(self, element_offset: int) -> None:
        del self.dataset[self.get_tag(element_offset)]

    def add_new(self, element_offset: int, VR: str, value: Any) -> None:
        """Add a private element at `element_offset` of this block.

        Parameters
        ----------
        element_offset : int
            The low byte of the element number (0x00-0xFF).
        VR : str
            The element's VR.
        value : Any
            The element's value, as for :meth:`Dataset.add_new`.
        """
        tag = self.get_tag(element_offset)
        self.dataset.add_new(tag, VR, value)
        self.dataset[tag].private_creator = self.private_creator

    def __deepcopy__(self, memo: Any) -> PrivateBlock:
        copied = self.__class__((self.group, self.private_creator), self.dataset, self.block_start >> 8)
        memo[id(self)] = copied
        return copied

    def __repr__(self) -> str:
        return (
            f"<PrivateBlock group 0x{self.group:04X} creator {self.private_creator!r} "
            f"start 0x{self.block_start:04X}>"
        )


def _check_group(group: int, private_creator: str | None = None) -> None:
    if private_creator is not None and not private_creator:
        raise ValueError("Private creator must have a value")
    if group % 2 == 0:
        raise ValueError("Tag must be private if private creator is given")


def _creator_elements(ds: Dataset, group: int) -> list[DataElement]:
    return [ds[tag] for tag in ds._slice_tags((group << 16) | 0x0010, (group << 16) | 0x0100, None)]


def private_block(
    ds: Dataset, group: int, private_creator: str, create: bool = False
) -> PrivateBlock:
    """Implement :meth:`Dataset.private_block`."""
    key = (group, private_creator)
    blocks = ds.__dict__.setdefault("_private_blocks", {})
    if key in blocks:
        return blocks[key]
    _check_group(group, private_creator)
    for elem in _creator_elements(ds, group):
        if elem.value == private_creator:
            block = PrivateBlock(key, ds, elem.tag.element)
            blocks[key] = block
            return block
    if not create:
        raise KeyError(f"Private creator '{private_creator}' not found")
    free = next(
        (el for el in range(0x10, 0x100) if ((group << 16) | el) not in ds._dict), None
    )
    if free is None:
        raise ValueError(f"No free private block left in group 0x{group:04X}")
    ds.add_new(BaseTag((group << 16) | free), "LO", private_creator)
    block = PrivateBlock(key, ds, free)
    blocks[key] = block
    return block


def private_creators(ds: Dataset, group: int) -> list[str]:
    """Implement :meth:`Dataset.private_creators`."""
    if group % 2 == 0:
        raise ValueError("Group must be an odd number")
    return [elem.value for elem in _creator_elements(ds, group)]


def add_new_private(
    ds: Dataset,
    private_creator: str,
    group: int,
    element_offset: int,
    value: Any,
    vr: str | None = None,
) -> None:
    """Implement :meth:`Dataset.add_new_private`."""
    _check_group(group, private_creator)
    if vr is None:
        # private dictionaries are keyed by creator and element offset, whatever the block
        probe = BaseTag((group << 16) | 0x1000 | (element_offset & 0xFF))
        found = _private_entry(probe, private_creator)
        if found is None:
            raise KeyError(
                f"Private tag ({group:04X},xx{element_offset & 0xFF:02X}) of creator "
                f"'{private_creator}' is not in the private dictionary: give the VR"
            )
        vr = found.VR
    block = private_block(ds, group, private_creator, create=True)
    block.add_new(element_offset, vr, value)


def remove_private_tags(ds: Dataset) -> None:
    """Implement :meth:`Dataset.remove_private_tags`."""

    def remove(dataset: Dataset, elem: DataElement) -> None:
        if elem.tag.is_private:
            del dataset[elem.tag]

    ds.walk(remove)


def _as_dataset(members: PrivateMembers) -> Dataset:
    """`members` as the :class:`Dataset` it is mixed into (for the type checker)."""
    return cast("Dataset", members)


class PrivateMembers:
    """Mixin of :class:`~dcmcore.dataset.Dataset`: the private-block members."""

    __slots__ = ()

    def private_block(self, group: int, private_creator: str, create: bool = False) -> PrivateBlock:
        """Return the :class:`PrivateBlock` of `private_creator` in `group`.

        Raises
        ------
        ValueError
            If `group` is not private or `private_creator` is empty.
        KeyError
            If the creator is absent and `create` is False.
        """
        return private_block(_as_dataset(self), group, private_creator, create)

    def private_creators(self, group: int) -> list[str]:
        """Return the private creator names in the odd `group`."""
        return private_creators(_as_dataset(self), group)

    def get_private_item(self, group: int, element_offset: int, private_creator: str) -> DataElement:
        """Return the private element at `element_offset` of `private_creator`'s block."""
        block = self.private_block(group, private_creator)
        return _as_dataset(self)[block.get_tag(element_offset)]

    def add_new_private(
        self,
        private_creator: str,
        group: int,
        element_offset: int,
        value: Any,
        vr: str | None = None,
    ) -> None:
        """Add a private element, reserving a block for `private_creator` if needed.

        Raises
        ------
        ValueError
            If `group` is not private or `private_creator` is empty.
        KeyError
            If `vr` is None and the private dictionary does not know the tag.
        """
        add_new_private(_as_dataset(self), private_creator, group, element_offset, value, vr)

    def remove_private_tags(self) -> None:
        """Remove every private element, recursing into sequences."""
        remove_private_tags(_as_dataset(self))

