"""Text forms of a dataset: ``str(ds)``, :meth:`Dataset.top` and :meth:`Dataset.formatted_lines`.

The layout follows pydicom's, so printed datasets read the same in both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from dcmcore import config
from dcmcore.tag import tag_in_exception

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset
    from dcmcore.element import DataElement

__all__ = ["formatted_lines", "pretty_str", "DEFAULT_ELEMENT_FORMAT"]

DEFAULT_ELEMENT_FORMAT = "%(tag)s %(name)-35.35s %(VR)s: %(repval)s"

#: element members never offered to a format string (they need arguments or mutate)
_EXCLUDED = frozenset(
    {"from_json", "to_json", "to_json_dict", "clear", "description", "validate"}
)


class _ElementFields(Mapping[str, Any]):
    """The public members of an element, computed only when a format string asks."""

    __slots__ = ("_elem",)

    def __init__(self, elem: DataElement) -> None:
        self._elem = elem

    def __getitem__(self, key: str) -> Any:
        if key.startswith("_") or key in _EXCLUDED:
            raise KeyError(key)
        try:
            value = getattr(self._elem, key)
        except AttributeError:
            raise KeyError(key) from None
        return value() if callable(value) else value

    def __iter__(self) -> Iterator[str]:
        return (
            name for name in dir(self._elem) if not name.startswith("_") and name not in _EXCLUDED
        )

    def __len__(self) -> int:
        return sum(1 for _ in self)


def formatted_lines(
    ds: Dataset,
    element_format: str = DEFAULT_ELEMENT_FORMAT,
    sequence_element_format: str = DEFAULT_ELEMENT_FORMAT,
    indent_format: str | None = None,
) -> Iterator[str]:
    """Implement :meth:`Dataset.formatted_lines` (every element, sequences flattened)."""
    for elem in ds.iterall():
        fields = _ElementFields(elem)
        if elem.VR == "SQ":
            yield sequence_element_format % fields
        else:
            yield element_format % fields


def pretty_str(ds: Dataset, indent: int = 0, top_level_only: bool = False) -> str:
    """Return the text of `ds` as pydicom prints it, nested items indented."""
    strings: list[str] = []
    indent_str = ds.indent_chars * indent
    next_indent_str = ds.indent_chars * (indent + 1)
    file_meta = ds.__dict__.get("file_meta")
    if file_meta and getattr(config, "show_file_meta", True):
        strings.append(f"{'Dataset.file_meta ':-<49}")
        for elem in file_meta:
            with tag_in_exception(elem.tag):
                strings.append(indent_str + repr(elem))
        strings.append(f"{'':-<49}")
    for elem in ds:
        with tag_in_exception(elem.tag):
            if elem.VR == "SQ":
                strings.append(
                    f"{indent_str}{elem.tag}  {elem.name}  {len(elem.value)} item(s) ---- "
                )
                if not top_level_only:
                    for item in elem.value:
                        strings.append(pretty_str(item, indent + 1))
                        strings.append(next_indent_str + "---------")
            else:
                strings.append(indent_str + repr(elem))
    return "\n".join(strings)
