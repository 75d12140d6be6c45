"""Base classes a codec plugin builds on: :class:`FrameInfo`, :class:`Decoder`, :class:`Encoder`.

A plugin only turns one frame into another form.  Everything common to all
codecs (frame extraction, output shape and dtype, signedness, bits stored,
YBR to RGB, dataset updates) lives once in :mod:`dcmcore.pixels`.

Colour-space changes
--------------------
A decoder that changes the colour space while decoding (for example a JPEG
decoder that converts YBR_FULL_422 to RGB) says so by returning a
:class:`DecodedFrame` ``(array, photometric_interpretation)`` instead of a bare
array.  A bare array means "same photometric interpretation as ``info``".

An encoder that changes the colour space (for example a JPEG Baseline encoder
that turns RGB into YBR_FULL_422) or loses information returns an
:class:`EncodedFrame` ``(data, photometric_interpretation, lossy_method)``
instead of bare bytes; the core then updates Photometric Interpretation and the
Lossy Image Compression attributes of the dataset.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from dcmcore import transfer_syntax
from dcmcore.transfer_syntax import TransferSyntax

if TYPE_CHECKING:  # pragma: no cover
    import numpy

__all__ = ["FrameInfo", "DecodedFrame", "EncodedFrame", "Codec", "Decoder", "Encoder"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class FrameInfo:
    """Description of one frame, handed to a codec instead of the dataset.

    Plugins never see the dataset; everything they need is here.  Instances are
    immutable, hashable and pickle (they travel to process pools).

    Parameters
    ----------
    rows, columns : int
        Frame size in pixels.
    samples_per_pixel : int
        1 (grey or palette) or 3 (colour).
    bits_allocated, bits_stored : int
        As in the Image Pixel module.
    pixel_representation : int
        0 unsigned, 1 two's complement signed.
    photometric_interpretation : str
        Colour space of the *encoded* data, e.g. ``"YBR_FULL_422"``.
    planar_configuration : int
        0 interleaved (``R1G1B1R2...``), 1 planar (``R1R2...G1G2...``).
    number_of_frames : int
        Frames in the whole pixel data element (informational).
    transfer_syntax_uid : str
        Transfer syntax of the encoded data.
    transfer_syntax : TransferSyntax or None
        The record of that syntax (what it is, not just its UID), carried with the
        frame so a worker process needs no registry. ``transfer_syntax_uid`` decides:
        a record of another UID (as :func:`dataclasses.replace` passes on when only the
        UID changes), or none, is replaced by the registry's record of the UID (None
        for a UID the registry does not know); a record given without a UID sets it.

    Examples
    --------
    >>> info = FrameInfo(rows=512, columns=512, samples_per_pixel=1, bits_allocated=16,
    ...                  bits_stored=12, pixel_representation=0,
    ...                  photometric_interpretation="MONOCHROME2",
    ...                  transfer_syntax_uid="1.2.840.10008.1.2.5")
    >>> info.transfer_syntax.keyword, info.frame_length
    ('RLELossless', 524288)
    """

    rows: int
    columns: int
    samples_per_pixel: int
    bits_allocated: int
    bits_stored: int
    pixel_representation: int
    photometric_interpretation: str
    planar_configuration: int = 0
    number_of_frames: int = 1
    transfer_syntax_uid: str = ""
    transfer_syntax: TransferSyntax | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        record, uid = self.transfer_syntax, self.transfer_syntax_uid
        if not uid and record is not None:
            object.__setattr__(self, "transfer_syntax_uid", record.uid)
        elif record is None or record.uid != uid:
            object.__setattr__(self, "transfer_syntax", transfer_syntax.get(uid) if uid else None)

    @property
    def frame_length(self) -> int:
        """Bytes of one native frame (bit-packed when ``bits_allocated`` is 1)."""
        pixels = self.rows * self.columns * self.samples_per_pixel
        if self.bits_allocated == 1:
            return (pixels + 7) // 8
        return pixels * (self.bits_allocated // 8)


class DecodedFrame(NamedTuple):
    """What a decoder returns when it changed the colour space while decoding.

    ``photometric_interpretation`` is the colour space of ``array`` (e.g.
    ``"RGB"`` after a JPEG decoder's own YBR to RGB conversion).
    """

    array: numpy.ndarray
    photometric_interpretation: str


class EncodedFrame(NamedTuple):
    """What an encoder returns when the encoded frame differs from its input in kind.

    Attributes
    ----------
    data : bytes
        The encoded frame.
    photometric_interpretation : str
        Colour space of the *encoded* data when it differs from the input's
        (``"YBR_FULL_422"`` after a JPEG Baseline encoder converted RGB,
        ``"YBR_RCT"``/``"YBR_ICT"`` after a JPEG 2000 colour transform);
        ``""`` means unchanged.
    lossy_method : str
        The Lossy Image Compression Method (0028,2114) defined term when the
        encoding lost information (``"ISO_10918_1"`` JPEG, ``"ISO_14495_1"``
        JPEG-LS near-lossless, ``"ISO_15444_1"`` JPEG 2000); ``""`` when it is
        lossless.  The core then sets Lossy Image Compression to ``"01"`` and
        appends the method and the compression ratio it measured.

    Examples
    --------
    >>> EncodedFrame(b"...", "YBR_FULL_422", "ISO_10918_1").lossy_method
    'ISO_10918_1'
    """

    data: bytes
    photometric_interpretation: str = ""
    lossy_method: str = ""


class Codec:
    """Fields shared by :class:`Decoder` and :class:`Encoder`.

    Subclasses set the class attributes; instances must pickle (define the class
    at module level and keep no locks, open files or library handles in
    ``__dict__``; open such things lazily).

    Attributes
    ----------
    name : str
        Unique name used for selection and configuration, e.g. ``"rle"``.
    transfer_syntaxes : tuple of str
        Transfer syntax UIDs handled.
    priority : int
        Default priority, higher is tried first (ties broken by name).
    thread_safe : bool
        May run concurrently in several threads *and* releases the GIL, so
        threads pay off.  False makes the core use processes (or one thread).
    process_safe : bool
        May run in worker processes (the instance pickles and works there).
    options : Mapping[str, Any]
        Options accepted by ``decode``/``encode`` with their defaults.  Options a
        codec does not declare are dropped for it (a call may carry options meant
        for another plugin, e.g. ``j2k_cr`` next to ``jls_error``).
    requires : tuple of str
        Importable module names the codec needs; the default
        :meth:`unavailable_reason` checks them without importing them.
    library : str
        Distribution name of the codec library doing the work (``"pyjpegls"``,
        ``"pylibjpeg-openjpeg"``...), ``""`` for pure-Python codecs; listings show
        its installed version (read from its metadata, never by importing it).
    license : str
        The codec library's licence (SPDX identifier such as ``"BSD-3-Clause"`` or
        ``"GPL-3.0-only"``), shown in listings so users can see what they ship.
    provided_by : str
        Distribution that provided the codec (set by the plugin manager).
    plugin : str
        Name under which its plugin is registered (set by the plugin manager).
    """

    kind: ClassVar[str] = "codec"
    name: str = ""
    transfer_syntaxes: tuple[str, ...] = ()
    priority: int = 50
    thread_safe: bool = False
    process_safe: bool = True
    options: Mapping[str, Any] = _EMPTY
    requires: tuple[str, ...] = ()
    library: str = ""
    license: str = ""
    provided_by: str = ""
    plugin: str = ""

    def unavailable_reason(self) -> str | None:
        """Return why the codec cannot be used now, or None when it can.

        The default checks that every module in :attr:`requires` is installed.
        Override to check versions or hardware; never raise.
        """
        for module in self.requires:
            try:
                found = importlib.util.find_spec(module) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                return f"requires the module {module!r}, which is not installed"
        return None

    @property
    def is_available(self) -> bool:
        """True when :meth:`unavailable_reason` returns None."""
        return self.unavailable_reason() is None

    def accepted_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """Return the declared defaults updated with the options this codec accepts."""
        merged = dict(self.options)
        merged.update((k, v) for k, v in options.items() if k in self.options)
        return merged

    def __repr__(self) -> str:
        origin = f" from {self.provided_by}" if self.provided_by else ""
        return f"<{type(self).__name__} {self.name!r}{origin}>"


class Decoder(Codec):
    """Base class of a decoder: encoded frame bytes in, an array out.

    Subclasses set the :class:`Codec` attributes and implement :meth:`decode`;
    those that gain from many frames at once (GPU codecs) also override
    :meth:`decode_batch` and set ``supports_batch = True``.
    """

    kind: ClassVar[str] = "decoder"
    supports_batch: bool = False

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> numpy.ndarray | DecodedFrame:
        """Decode one frame.

        Parameters
        ----------
        data : bytes
            The encoded frame (fragments already joined by the core).
        info : FrameInfo
            What the frame should contain.
        **options
            Only the options listed in :attr:`options`, defaults filled in.

        Returns
        -------
        numpy.ndarray or DecodedFrame
            Shape ``(rows, columns)`` or ``(rows, columns, samples)``
            (interleaved), integer dtype with itemsize at most
            ``bits_allocated / 8``; signedness, bits stored and colour are
            handled by the core.  Return a :class:`DecodedFrame` when the colour
            space differs from ``info.photometric_interpretation``.
        """
        raise NotImplementedError(f"{type(self).__name__}.decode")

    def decode_batch(
        self, frames: Sequence[bytes], info: FrameInfo, **options: Any
    ) -> list[numpy.ndarray | DecodedFrame]:
        """Decode many frames of the same description; default: one at a time."""
        return [self.decode(frame, info, **options) for frame in frames]


class Encoder(Codec):
    """Base class of an encoder: an array in, encoded frame bytes out."""

    kind: ClassVar[str] = "encoder"

    def encode(self, arr: numpy.ndarray, info: FrameInfo, **options: Any) -> bytes | EncodedFrame:
        """Encode one frame.

        Parameters
        ----------
        arr : numpy.ndarray
            Shape ``(rows, columns)`` or ``(rows, columns, samples)``
            interleaved, dtype matching ``info``.
        info : FrameInfo
            Description of the frame, ``transfer_syntax_uid`` is the target.
        **options
            Only the options listed in :attr:`options`, defaults filled in.

        Returns
        -------
        bytes or EncodedFrame
            The encoded frame (the core encapsulates and pads it); an
            :class:`EncodedFrame` when the colour space changed or the encoding
            is lossy.
        """
        raise NotImplementedError(f"{type(self).__name__}.encode")
