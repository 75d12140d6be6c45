"""Dataset keys to tags: DICOM keywords (cached), or any form :func:`~dcmcore.tag.Tag` takes."""

from __future__ import annotations

from typing import Any

from dcmcore.dictionary import tag_for_keyword as _tag_for_keyword
from dcmcore.tag import BaseTag, Tag, shared_tag

#: keyword -> tag (None for names that are not keywords), filled on first use
_keyword_tags: dict[str, int | None] = {}
_MISSING = object()


def _keyword_tag(name: str) -> int | None:
    """``dictionary.tag_for_keyword`` cached for attribute names."""
    try:
        return _keyword_tags[name]
    except KeyError:
        pass
    found = _tag_for_keyword(name)
    # the shared tag: the reader's keys are the same objects, so lookups match by identity
    tag = None if found is None else shared_tag(found)
    if len(_keyword_tags) < 20000:
        _keyword_tags[name] = tag
    return tag


def _key_tag(key: Any) -> BaseTag:
    """The tag for a Dataset key: keyword fast path, then any form :func:`Tag` accepts."""
    if key.__class__ is str:
        tag = _keyword_tags.get(key, _MISSING)
        if tag is _MISSING:
            tag = _keyword_tag(key)
        if tag is not None:
            return tag  # type: ignore[return-value]
    return Tag(key)
