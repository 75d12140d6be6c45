"""From a pixel data source to arrays: the decoding flow shared by every entry point.

A :class:`PixelSource` is a checked :class:`PixelModule` plus random access to the
pixel data value (in memory or inside a file). :func:`decode` / :func:`iter_decode`
unpack native data, or split encapsulated data into frames and hand them to the call's
:class:`FramePlan` (the codecs selected once, the codestream corrections worked out
once, from the first frame, and the one :class:`~dcmcore.codecs.runner.CodecRunner`),
then shape the result the same way whichever plugin decoded it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, overload

import numpy as np

from dcmcore import transfer_syntax
from dcmcore.codecs._warnings import warn
from dcmcore.codecs.runner import CodecRunner
from dcmcore.codecs.selection import decoders_for
from dcmcore.errors import CodecError, NoPluginError, PixelDataError
from dcmcore.pixels import codestream
from dcmcore.pixels import encapsulation as enc
from dcmcore.pixels.colour import convert_colour_space
from dcmcore.pixels.encapsulation import ReadAt
from dcmcore.pixels.module import PixelModule
from dcmcore.pixels.native import frame_span, unpack_native
from dcmcore.pixels.parallel import FrameOutcome, decode_chunk_into, decode_frames
from dcmcore.pixels.record import DecodedBy, record_of
from dcmcore.pixels.selection import select
from dcmcore.pixels.validation import check_decoded_size, check_native_length

__all__ = ["PixelSource", "DecodeOptions", "Decoded", "FramePlan", "decode", "iter_decode"]


#: options the core consumes; anything else goes to the plugins
CORE_OPTIONS = frozenset(
    {
        "as_rgb", "force_rgb", "force_ybr", "view_only", "correct_unused_bits",
        "allow_excess_frames", "workers", "executor", "max_decoded_bytes",
        "apply_j2k_sign_correction", "apply_jls_sign_correction",
    }
)


@dataclass
class PixelSource:
    """A checked module and the pixel data value it describes.

    ``read_at(pos, size)`` returns bytes of the value; ``length`` is the value length
    (None for an undefined-length value read from a file).
    """

    module: PixelModule
    read_at: ReadAt
    length: int | None
    buffer: memoryview | None = None  # the whole value when in memory (zero-copy native path)
    origin: int = 0  # the value's offset in its file, for error messages
    _fragments: enc.FragmentIndex | None = field(default=None, repr=False)
    #: ``read_into(pos, out)`` fills `out` with the value's bytes from `pos`, for a value
    #: in a file: native frames are read straight into the returned array
    read_into: Callable[[int, memoryview], None] | None = field(default=None, repr=False)

    @classmethod
    def from_buffer(cls, module: PixelModule, value: object) -> PixelSource:
        """A source over a value held in memory (``bytes``-like, or a list of items)."""
        if value is None:
            raise PixelDataError(f"The (7FE0,0010) '{module.pixel_keyword}' element has no value")
        if isinstance(value, (list, tuple)):  # an encapsulated value split in items
            value = b"".join(value)
        mv = memoryview(value)  # type: ignore[arg-type]
        if mv.ndim != 1 or mv.itemsize != 1:
            mv = mv.cast("B")

        def read_at(pos: int, size: int) -> memoryview:
            return mv[pos : pos + size]

        return cls(module, read_at, len(mv), mv)

    def fragment_index(self) -> enc.FragmentIndex:
        """The items of the encapsulated value (walked once)."""
        if self._fragments is None:
            self._fragments = enc.index_fragments(self.read_at, 0, self.length, self.origin)
        return self._fragments


@dataclass
class DecodeOptions:
    """The options of one decoding call (core options, and the rest for the plugins)."""

    as_rgb: bool = True
    force_rgb: bool = False
    force_ybr: bool = False
    view_only: bool = False
    correct_unused_bits: bool | None = None  # None: the default for the data's kind
    allow_excess_frames: bool = True
    workers: int | None = None
    executor: Any = None
    max_decoded_bytes: int | None = None
    apply_j2k_sign_correction: bool = True
    apply_jls_sign_correction: bool = True
    raw: bool = False
    decoding_plugin: str = ""
    plugin_options: dict[str, Any] = field(default_factory=dict)

    def correction_options(self) -> dict[str, Any]:
        """The options :func:`codestream.corrections` reads."""
        return {
            "correct_unused_bits": self.correct_unused_bits,
            "apply_j2k_sign_correction": self.apply_j2k_sign_correction,
            "apply_jls_sign_correction": self.apply_jls_sign_correction,
        }

    def codec_options(self) -> dict[str, Any]:
        """The options offered to decoders: the plugins' own, and ``as_rgb``.

        ``as_rgb`` is False when the caller wants the stored colour space (``as_rgb=False``,
        ``raw=True`` or ``force_ybr=True``): a decoder that declares it must then not turn
        YCbCr into RGB itself, since the core cannot undo that.
        """
        wants_rgb = self.force_rgb or (self.as_rgb and not self.raw and not self.force_ybr)
        return {**self.plugin_options, "as_rgb": wants_rgb}

    @classmethod
    def from_kwargs(cls, raw: bool = False, decoding_plugin: str = "", **kwargs: Any
                    ) -> DecodeOptions:
        """Split keyword options into the core's and the plugins'."""
        core = {k: kwargs.pop(k) for k in list(kwargs) if k in CORE_OPTIONS}
        if core.get("force_rgb") and core.get("force_ybr"):
            raise ValueError("'force_ybr' and 'force_rgb' cannot both be True")
        return cls(raw=raw, decoding_plugin=decoding_plugin or "", plugin_options=kwargs,
                   **core)


class Decoded(NamedTuple):
    """What :func:`decode` returns."""

    array: np.ndarray
    properties: dict[str, Any]
    """The Image Pixel values that describe `array` (pydicom's names)."""
    decoded_by: DecodedBy | None
    """The codecs that decoded it (None for native data: no codec)."""


# ---- shaping ------------------------------------------------------------------------

def _reshape(flat: np.ndarray, mod: PixelModule, n_frames: int, as_frame: bool) -> np.ndarray:
    rows, cols, spp = mod.rows, mod.columns, mod.samples_per_pixel
    lead = () if (as_frame or n_frames == 1) else (n_frames,)
    if spp == 1:
        return flat.reshape(*lead, rows, cols)
    if mod.planar_configuration == 0:
        return flat.reshape(*lead, rows, cols, spp)
    arr = flat.reshape(*lead, spp, rows, cols)
    return np.moveaxis(arr, -3, -1)


def _post_process(
    arr: np.ndarray, mod: PixelModule, pi: str, opts: DecodeOptions, native: bool,
    shifted: bool = False,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Bits-stored correction, colour conversion, writeability; return (array, changes)."""
    changes: dict[str, Any] = {}
    if not shifted and _native_shift(mod, opts):
        if not arr.flags.writeable:
            if opts.view_only and native:
                warn("Unable to return an ndarray that's a view on the original buffer when "
                     "(0028,0101) 'Bits Stored' doesn't equal (0028,0100) 'Bits Allocated' "
                     "and 'correct_unused_bits=True'")
            arr = arr.copy()
        shift = mod.bits_allocated - mod.bits_stored
        np.left_shift(arr, shift, out=arr)
        np.right_shift(arr, shift, out=arr)
    if pi != mod.photometric_interpretation:
        changes["photometric_interpretation"] = pi
    if not opts.raw:
        to_rgb = (pi in ("YBR_FULL", "YBR_FULL_422") and opts.as_rgb) or opts.force_rgb
        if opts.force_ybr:
            arr = convert_colour_space(arr, "RGB", "YBR_FULL")
            changes["photometric_interpretation"] = "YBR_FULL"
        elif to_rgb:
            arr = convert_colour_space(arr, "YBR_FULL", "RGB")
            changes["photometric_interpretation"] = "RGB"
    if not arr.flags.writeable and not (native and opts.view_only):
        arr = arr.copy()
    if mod.samples_per_pixel > 1:
        changes["planar_configuration"] = 0
    return arr, changes


def properties(mod: PixelModule, n_frames: int, changes: dict[str, Any]) -> dict[str, Any]:
    """The Image Pixel values that describe a returned array (pydicom's names)."""
    d: dict[str, Any] = {
        "bits_allocated": mod.bits_allocated,
        "columns": mod.columns,
        "number_of_frames": n_frames,
        "photometric_interpretation": mod.photometric_interpretation,
        "rows": mod.rows,
        "samples_per_pixel": mod.samples_per_pixel,
    }
    if mod.samples_per_pixel > 1:
        d["planar_configuration"] = mod.planar_configuration
    if mod.pixel_keyword == "PixelData":
        d["bits_stored"] = mod.bits_stored
        d["pixel_representation"] = mod.pixel_representation
    d.update(changes)
    return d


def _native_shift(mod: PixelModule, opts: DecodeOptions) -> int:
    """Bits to shift for the bits-stored correction of native data (0: none)."""
    if (opts.correct_unused_bits is not False and mod.pixel_keyword == "PixelData"
            and mod.bits_allocated > mod.bits_stored):
        return mod.bits_allocated - mod.bits_stored
    return 0


# ---- native ---------------------------------------------------------------------------

def _native(src: PixelSource, index: int | None, opts: DecodeOptions) -> Decoded:
    mod = src.module
    if index is not None and index >= mod.number_of_frames:
        raise PixelDataError(
            f"There is insufficient pixel data to contain {index + 1} frames "
            f"((0028,0008) 'Number of Frames' is {mod.number_of_frames})"
        )
    n = 1 if index is not None else mod.number_of_frames
    start, end, skip = frame_span(mod, index)
    if src.read_into is not None and src.length is not None and end <= src.length:
        arr = _read_in_place(src.read_into, mod, start, end, skip, n, index is not None)
        if arr is not None:
            arr, changes = _post_process(arr, mod, mod.photometric_interpretation, opts,
                                         native=True)
            return Decoded(arr, properties(mod, n, changes), None)
    data = src.read_at(start, end - start)
    if len(data) < end - start:
        if mod.swap_ow and len(data) == end - start - 1:
            pass  # the odd final byte of OW data; unpack_native pads the last word
        elif index is not None or len(data) * 8 < skip + mod.native_frame_bits * n:
            raise PixelDataError(
                f"There is insufficient pixel data to contain "
                f"{n if index is None else index + 1} frames"
            )
    flat, pi = unpack_native(data, mod, n, skip_bits=skip)
    arr = _reshape(flat, mod, n, index is not None)
    arr, changes = _post_process(arr, mod, pi, opts, native=True)
    return Decoded(arr, properties(mod, 1 if index is not None else n, changes), None)


def _read_in_place(read_into: Callable[[int, memoryview], None], mod: PixelModule,
                   start: int, end: int, skip: int, n: int, as_frame: bool
                   ) -> np.ndarray | None:
    """Frames whose stored layout is the array's, read from the file into a new array.

    None when the bytes need unpacking or reordering first (bit-packed, byte-swapped
    OW, YBR_FULL_422, planar colour): the caller reads them and unpacks as usual.
    """
    if (mod.bits_allocated % 8 or mod.swap_ow or skip
            or mod.photometric_interpretation == "YBR_FULL_422"
            or (mod.samples_per_pixel > 1 and mod.planar_configuration != 0)):
        return None
    lead = () if (as_frame or n == 1) else (n,)
    shape = (*lead, mod.rows, mod.columns)
    if mod.samples_per_pixel > 1:
        shape = (*shape, mod.samples_per_pixel)
    arr = np.empty(shape, dtype=mod.dtype)
    if arr.nbytes != end - start:
        return None
    read_into(start, arr.reshape(-1).view(np.uint8).data)
    return arr


def _checked_length(src: PixelSource, opts: DecodeOptions) -> PixelSource:
    """`src` with the frame count its native value really holds (checked once per call)."""
    if src.length is None:
        return src
    mod = check_native_length(src.module, src.length,
                              allow_excess_frames=opts.allow_excess_frames)
    return src if mod is src.module else replace(src, module=mod)


# ---- encapsulated -------------------------------------------------------------------

def _frame_pieces(src: PixelSource) -> list[list[tuple[int, int]]]:
    mod = src.module
    if _unknown_syntax(mod):
        raise NoPluginError(
            "Unable to decode the pixel data as a (0002,0010) 'Transfer Syntax UID' value "
            f"of '{mod.transfer_syntax_uid}' is not supported"
        )
    idx = src.fragment_index()
    return enc.frame_spans(idx, mod.number_of_frames, src.read_at, mod.extended_offsets)


class LazyFrames(Sequence[bytes]):
    """A sequence of frame codestreams read from an in-memory value when sliced."""

    def __init__(self, read_at: ReadAt, spans: list[list[tuple[int, int]]]) -> None:
        self.read_at = read_at
        self.spans = spans

    def __len__(self) -> int:
        return len(self.spans)

    @overload
    def __getitem__(self, key: int) -> bytes: ...

    @overload
    def __getitem__(self, key: slice) -> list[bytes]: ...

    def __getitem__(self, key: int | slice) -> bytes | list[bytes]:
        if isinstance(key, slice):
            return [enc.read_frame(self.read_at, s) for s in self.spans[key]]
        return enc.read_frame(self.read_at, self.spans[key])

    def __iter__(self) -> Iterator[bytes]:
        for s in self.spans:
            yield enc.read_frame(self.read_at, s)

    def raw(self, index: int) -> bytes | memoryview:
        """Frame `index` without a copy when it is one fragment (a memoryview)."""
        pieces = self.spans[index]
        if len(pieces) == 1:
            return self.read_at(*pieces[0])
        return enc.read_frame(self.read_at, pieces)


class FramePlan:
    """How the frames of one call are decoded, worked out once per call.

    The decoders are selected, and the codestream corrections (photometric
    interpretation, sign and bits-stored shift) read from the first frame, once: every
    frame of the call is decoded the same way, and a correction's warning is given once.
    """

    def __init__(self, mod: PixelModule, opts: DecodeOptions, first_frame: bytes) -> None:
        selected = select("decoder", mod.transfer_syntax_uid, opts.decoding_plugin)
        facts = codestream.inspect(first_frame)
        self.pi, self.shift = codestream.corrections(facts, mod, opts.correction_options())
        if mod.pixel_keyword != "PixelData":
            self.shift = 0
        self.module = mod
        self.info = mod.frame_info(photometric_interpretation=self.pi)
        self.runner = CodecRunner(selected.codecs, self.info, opts.codec_options(),
                                  skipped=selected.skipped)
        self.opts = opts

    def empty(self, n: int) -> np.ndarray:
        """An uninitialised result for `n` frames, shaped (n, rows, columns, samples)."""
        mod = self.module
        return np.empty((n, mod.rows, mod.columns, mod.samples_per_pixel),
                        dtype=mod.decoded_dtype)

    def decode_here(self, frames: Sequence[bytes], first: int) -> tuple[np.ndarray,
                                                                     list[FrameOutcome]]:
        """Decode `frames` (numbered from `first`) in the calling thread."""
        out = self.empty(len(frames))
        return out, decode_chunk_into(self.runner, frames, first, out, self.shift)

    def decode_all(self, frames: Sequence[bytes]) -> tuple[np.ndarray, list[FrameOutcome]]:
        """Decode `frames` with the call's workers or executor."""
        return decode_frames(self.runner, frames, self.module.decoded_dtype,
                             workers=self.opts.workers, executor=self.opts.executor,
                             shift=self.shift)


def _finish_frames(arr: np.ndarray, outcomes: list[FrameOutcome], plan: FramePlan,
                   as_frame: bool) -> Decoded:
    """Apply the common post-processing to decoded (n, rows, columns, samples) frames.

    The colour space is the encoded data's (``plan.pi``) unless the plugin converted
    while decoding, as its outcome says.
    """
    mod, opts = plan.module, plan.opts
    pi = outcomes[0].photometric_interpretation if outcomes else plan.pi
    if pi == "YBR_FULL_422":
        pi = "YBR_FULL"  # decoded frames are no longer sub-sampled
    n = arr.shape[0]
    if as_frame or n == 1:
        arr = arr[0]
    if mod.samples_per_pixel == 1:
        arr = arr.reshape(arr.shape[:-1])
    arr, changes = _post_process(arr, mod, pi, opts, native=False, shifted=True)
    return Decoded(arr, properties(mod, 1 if as_frame else n, changes),
                   record_of(plan.runner, outcomes))


def _frames(src: PixelSource, spans: list[list[tuple[int, int]]], indices: range | list[int]
            ) -> Sequence[bytes]:
    """The codestreams of frames `indices`: read lazily in memory, here from a file."""
    if src.buffer is not None:  # in memory: each worker reads its own frames
        return LazyFrames(src.read_at, [spans[i] for i in indices])
    # a file: read here, workers must not share the file position
    return [enc.read_frame(src.read_at, spans[i]) for i in indices]


def _excess_frames(src: PixelSource, spans: list[list[tuple[int, int]]], plan: FramePlan
                   ) -> tuple[list[np.ndarray], list[FrameOutcome]]:
    """Frames found beyond Number of Frames that decode to a whole frame (pydicom's rule)."""
    found, outcomes = [], []
    for i in range(src.module.number_of_frames, len(spans)):
        try:
            out, outcome = plan.decode_here([enc.read_frame(src.read_at, spans[i])], i)
        except (CodecError, ValueError):
            continue
        found.append(out[0])
        outcomes += outcome
    return found, outcomes


def _unknown_syntax(mod: PixelModule) -> bool:
    """A transfer syntax neither the registry nor any decoder knows (pydicom: not supported)."""
    uid = mod.transfer_syntax_uid
    return transfer_syntax.get(uid) is None and not decoders_for(uid)


def _encapsulated(src: PixelSource, index: int | None, opts: DecodeOptions) -> Decoded:
    mod = src.module
    spans = _frame_pieces(src)
    nf = mod.number_of_frames
    if index is not None:
        if index >= len(spans):
            raise PixelDataError(
                f"There is insufficient pixel data to contain {index + 1} frames "
                f"({len(spans)} found in the encapsulated (7FE0,0010) 'Pixel Data')"
            )
        check_decoded_size(mod, 1, opts.max_decoded_bytes)
        frames = _frames(src, spans, [index])
        plan = FramePlan(mod, opts, frames[0])
        return _finish_frames(*plan.decode_here(frames, index), plan, True)
    if len(spans) < nf:
        raise PixelDataError(
            f"Only {len(spans)} frames found in the encapsulated (7FE0,0010) 'Pixel Data',"
            f" (0028,0008) 'Number of Frames' is {nf}"
        )
    check_decoded_size(mod, len(spans) if opts.allow_excess_frames else nf,
                       opts.max_decoded_bytes)
    frames = _frames(src, spans, range(nf))
    plan = FramePlan(mod, opts, frames[0])
    arr, outcomes = plan.decode_here(frames, 0) if nf == 1 else plan.decode_all(frames)
    if opts.allow_excess_frames and len(spans) > nf:
        extra, extra_outcomes = _excess_frames(src, spans, plan)
        if extra:
            arr = np.concatenate([arr, np.stack(extra)])
            outcomes += extra_outcomes
            warn(f"{arr.shape[0]} frames have been found in the encapsulated pixel data, "
                 f"which is larger than the given (0028,0008) 'Number of Frames' value of {nf}."
                 " The returned data will include these extra frames and if it's correct then"
                 " you should update 'Number of Frames' accordingly, otherwise pass "
                 f"'allow_excess_frames=False' to return only the first {nf} frames.")
    return _finish_frames(arr, outcomes, plan, False)


# ---- entry points ---------------------------------------------------------------------

def decode(src: PixelSource, index: int | None = None, opts: DecodeOptions | None = None
           ) -> Decoded:
    """Return all frames, or frame `index`, with their properties and how they were decoded."""
    opts = opts or DecodeOptions()
    if index is not None and index < 0:
        raise ValueError("'index' must be greater than or equal to 0")
    if src.module.encapsulated:
        return _encapsulated(src, index, opts)
    return _native(_checked_length(src, opts), index, opts)


def iter_decode(
    src: PixelSource, indices: Iterable[int] | None = None, opts: DecodeOptions | None = None
) -> Iterator[Decoded]:
    """Yield each wanted frame as it is decoded, one at a time.

    The call's :class:`FramePlan` is made at the first frame and used for all.
    """
    opts = opts or DecodeOptions()
    mod = src.module
    if not mod.encapsulated:
        src = _checked_length(src, opts)
        wanted = range(src.module.number_of_frames) if indices is None else indices
        for i in wanted:
            yield _native(src, i, opts)
        return
    spans = _frame_pieces(src)
    n = len(spans) if opts.allow_excess_frames else min(len(spans), mod.number_of_frames)
    check_decoded_size(mod, 1, opts.max_decoded_bytes)
    plan: FramePlan | None = None
    for i in range(n) if indices is None else indices:
        if not 0 <= i < len(spans):
            raise PixelDataError(f"There is insufficient pixel data to contain {i + 1} frames")
        frame = enc.read_frame(src.read_at, spans[i])
        if plan is None:
            plan = FramePlan(mod, opts, frame)
        try:
            arr, outcomes = plan.decode_here([frame], i)
        except (CodecError, ValueError):
            if indices is None and i >= mod.number_of_frames:
                continue  # an excess frame that doesn't decode: skipped, as by decode()
            raise
        yield _finish_frames(arr, outcomes, plan, True)
