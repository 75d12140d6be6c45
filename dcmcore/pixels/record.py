"""Which codec plugins decoded an array or a dataset's pixel data, readable after the call.

:func:`decoded_by` answers for the arrays :func:`~dcmcore.pixels.pixel_array` and
:func:`~dcmcore.pixels.iter_pixels` return (from a dataset, a path or a file) and for a
dataset whose compressed pixel data was decoded (``pixel_array``) or decompressed. The
records are kept beside the objects, not on them (an ndarray takes no attributes, and
the return types stay pydicom's), and go when the object goes.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, cast

from dcmcore.codecs.providers import syntax_name
from dcmcore.codecs.runner import CodecRunner, Failure
from dcmcore.pixels.module import PIXEL_TAGS
from dcmcore.protocols import DatasetLike

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.pixels.parallel import FrameOutcome

__all__ = ["DecodedBy", "decoded_by", "remember", "record_of"]


@dataclass(frozen=True)
class DecodedBy:
    """Which codec plugins decoded some pixel data.

    Attributes
    ----------
    transfer_syntax_uid : str
        The syntax the pixel data was decoded from.
    decoders : tuple of str
        Names of the decoders that decoded frames, the first used first (one, unless
        a decoder failed on some frames and another took them over).
    distributions : tuple of str
        The distribution providing each decoder (``"dcmcore"`` for dcmcore's own;
        ``""`` for one registered at run time without a distribution).
    frames : tuple of int
        How many frames each decoder decoded.
    failures : tuple of (str, str)
        Decoders that failed on a frame before another one decoded it, and why.

    Examples
    --------
    >>> arr = dcmcore.pixels.pixel_array("ct_rle.dcm")  # doctest: +SKIP
    >>> print(dcmcore.pixels.decoded_by(arr))  # doctest: +SKIP
    rle (dcmcore-rle), RLE Lossless
    """

    transfer_syntax_uid: str
    decoders: tuple[str, ...]
    distributions: tuple[str, ...]
    frames: tuple[int, ...]
    failures: tuple[Failure, ...] = ()

    @property
    def decoder(self) -> str:
        """The decoder of the first frame (``""`` if no frame was decoded)."""
        return self.decoders[0] if self.decoders else ""

    def __str__(self) -> str:
        used = [f"{name} ({dist})" if dist else name
                for name, dist in zip(self.decoders, self.distributions)]
        if len(used) > 1:
            used = [f"{u} for {n} frame{'s' * (n != 1)}" for u, n in zip(used, self.frames)]
        text = ", then ".join(used) + f", {syntax_name(self.transfer_syntax_uid)}"
        if self.failures:
            text += "; failed first: " + "; ".join(f"{n} ({why})" for n, why in self.failures)
        return text


def record_of(runner: CodecRunner, outcomes: Sequence[FrameOutcome]) -> DecodedBy:
    """The record of frames decoded by `runner` (`outcomes`: one per frame, in order)."""
    counts: dict[str, int] = {}
    failures: list[Failure] = []
    for outcome in outcomes:
        counts[outcome.decoder] = counts.get(outcome.decoder, 0) + 1
        failures += outcome.failures
    names = tuple(counts)
    return DecodedBy(runner.info.transfer_syntax_uid, names,
                     tuple(runner.codec(n).provided_by for n in names),
                     tuple(counts.values()), tuple(failures))


_lock: Final = threading.Lock()
#: id(object) -> (weak reference to it, its record, id of the pixel data value it is for)
_records: dict[int, tuple[weakref.ref[Any], DecodedBy, int | None]] = {}


def _pixel_value_id(ds: DatasetLike) -> int | None:
    for tag in PIXEL_TAGS:
        if tag in ds:
            return id(ds[tag].value)
    return None


def _forget(key: int) -> None:
    with _lock:
        _records.pop(key, None)


def remember(obj: object, record: DecodedBy, *, dataset: bool = False) -> None:
    """Keep `record` for `obj` (an array, or a dataset when `dataset`) while it lives.

    A dataset's record holds while its pixel data is the value it was made for.
    """
    try:
        ref = weakref.ref(obj)
    except TypeError:  # an object without weak references: nothing to remember it by
        return
    key = id(obj)
    with _lock:
        known = _records.get(key)
        _records[key] = (
            ref, record, _pixel_value_id(cast(DatasetLike, obj)) if dataset else None
        )
    if known is None or known[0]() is not obj:
        weakref.finalize(obj, _forget, key)


def decoded_by(obj: object) -> DecodedBy | None:
    """Which codec plugins decoded `obj`, an array or a dataset.

    Parameters
    ----------
    obj : numpy.ndarray or Dataset
        An array returned by :func:`~dcmcore.pixels.pixel_array` or
        :func:`~dcmcore.pixels.iter_pixels` (the array itself, not a view or a copy
        of it), or a dataset whose compressed pixel data was decoded by
        ``pixel_array`` (the function or the property) or ``decompress``.

    Returns
    -------
    DecodedBy or None
        None when no codec decoded it: native (uncompressed) pixel data, a dataset
        whose pixel data changed since, or an object dcmcore did not decode.

    Examples
    --------
    >>> ds = dcmcore.dcmread("ct_jpeg2000.dcm")  # doctest: +SKIP
    >>> ds.decompress()  # doctest: +SKIP
    >>> dcmcore.pixels.decoded_by(ds).decoder  # doctest: +SKIP
    'openjpeg'
    """
    with _lock:
        known = _records.get(id(obj))
    if known is None or known[0]() is not obj:
        return None
    _, record, pixel_id = known
    if pixel_id is not None and _pixel_value_id(cast(DatasetLike, obj)) != pixel_id:
        return None
    return record
