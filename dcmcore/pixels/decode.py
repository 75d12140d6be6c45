"""From a pixel data source to arrays: the decoding flow shared by every entry point.

A :class:`PixelSource` is a validated :class:`PixelModule` plus random access to the
pixel data value (in memory or inside a file). :func:`decode` / :func:`iter_decode`
unpack native data or split encapsulated data into frames, hand the frames to the
codecs' decoders (see :mod:`dcmcore.pixels.parallel`), then shape the result the
same way whichever plugin decoded it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dcmcore.codecs.runner import CodecRunner
from dcmcore.errors import CodecError, DcmcoreWarning, PixelDataError, PluginError
from dcmcore.pixels import codestream
from dcmcore.pixels import encapsulation as enc
from dcmcore.pixels.colour import convert_colour_space
from dcmcore.pixels.frame_info import PixelModule
from dcmcore.pixels.native import frame_span, unpack_native
from dcmcore.pixels.parallel import FrameOutcome, decode_chunk_into, decode_frames
from dcmcore.pixels.validation import check_decoded_size, check_native_length

__all__ = ["PixelSource", "DecodeOptions", "decode", "iter_decode", "get_decoders"]

ReadAt = Callable[[int, int], Any]

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
    """A validated module and the pixel data value it describes.

    ``read_at(pos, size)`` returns bytes of the value; ``length`` is the value length
    (None for an undefined-length value read from a file).
    """

    module: PixelModule
    read_at: ReadAt
    length: int | None
    buffer: Any = None  # the whole value when in memory (zero-copy native path)
    origin: int = 0  # the value's offset in its file, for error messages
    _fragments: Any = field(default=None, repr=False)

    @classmethod
    def from_buffer(cls, module: PixelModule, value: Any) -> PixelSource:
        if value is None:
            raise PixelDataError(f"The (7FE0,0010) '{module.pixel_keyword}' element has no value")
        if isinstance(value, (list, tuple)):  # an encapsulated value split in items
            value = b"".join(value)
        mv = memoryview(value)
        if mv.ndim != 1 or mv.itemsize != 1:
            mv = mv.cast("B")

        def read_at(pos: int, size: int) -> memoryview:
            return mv[pos : pos + size]

        return cls(module, read_at, len(mv), mv)

    def fragment_index(self) -> enc.FragmentIndex:
        if self._fragments is None:
            self._fragments = enc.index_fragments(self.read_at, 0, self.length, self.origin)
        return self._fragments


@dataclass
class DecodeOptions:
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

    @classmethod
    def from_kwargs(cls, raw: bool = False, decoding_plugin: str = "", **kwargs: Any
                    ) -> DecodeOptions:
        core = {k: kwargs.pop(k) for k in list(kwargs) if k in CORE_OPTIONS}
        if core.get("force_rgb") and core.get("force_ybr"):
            raise ValueError("'force_ybr' and 'force_rgb' cannot both be True")
        return cls(raw=raw, decoding_plugin=decoding_plugin or "", plugin_options=kwargs,
                   **core)


# ---- decoder selection ----------------------------------------------------------------

def register_builtins() -> bool:
    """Register the builtin 'deflate' plugin with the codecs registry if it is missing.

    Returns True when it is (now) registered. Called lazily on first codec use so that
    importing dcmcore stays cheap; safe to call repeatedly and from several threads.
    """
    from dcmcore import codecs
    from dcmcore.codecs.deflate import PLUGIN_NAME, DeflatePlugin

    try:
        if any(p.name == PLUGIN_NAME for p in codecs.list_plugins()):
            return True
        codecs.register(DeflatePlugin, name=PLUGIN_NAME, distribution="dcmcore")
    except PluginError as exc:
        if "taken" in str(exc) or "already" in str(exc):
            return True
        if "blocked" in str(exc):
            return False  # the user blocked it: respect that quietly
        warnings.warn(f"Could not register the builtin 'deflate' codec: {exc}",
                      DcmcoreWarning, stacklevel=3)
        return False
    return True


_registered = False


def _select(kind: str, ts_uid: str, plugin: str) -> list[Any]:
    """Codecs of `kind` for `ts_uid` from the registry; NoPluginError when none."""
    return list(select(kind, ts_uid, plugin).codecs)


def select(kind: str, ts_uid: str, plugin: str) -> Any:
    """The selection plan of `kind` for `ts_uid`; NoPluginError when nothing can run."""
    global _registered
    from dcmcore.codecs import selection

    if not _registered:
        _registered = register_builtins()
    try:
        p = selection.plan(kind, ts_uid, plugin)
    except PluginError as exc:
        if plugin and not _known_codec_name(kind, plugin):
            raise UnknownPluginError(
                f"No {kind} named '{plugin}' is installed: {exc}"
            ) from exc
        raise
    if not p.codecs and not plugin and register_builtins():
        p = selection.plan(kind, ts_uid, plugin)
    if not p.codecs:
        raise selection.no_plugin_error(p)
    return p


class UnknownPluginError(PluginError, ValueError):
    """A plugin name that no installed plugin has (pydicom raises ValueError)."""


def _known_codec_name(kind: str, name: str) -> bool:
    from dcmcore import codecs

    found = codecs.all_decoders() if kind == "decoder" else codecs.all_encoders()
    return any(name in (c.name, getattr(c, "plugin", ""), getattr(c, "provided_by", ""))
               for c in found)


def get_decoders(ts_uid: str, plugin: str = "") -> list[Any]:
    """Return the decoders for `ts_uid` in selection order (only `plugin` if named)."""
    return _select("decoder", ts_uid, plugin)


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
                warnings.warn(
                    "Unable to return an ndarray that's a view on the original buffer when "
                    "(0028,0101) 'Bits Stored' doesn't equal (0028,0100) 'Bits Allocated' "
                    "and 'correct_unused_bits=True'",
                    DcmcoreWarning, stacklevel=4,
                )
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


# ---- native ---------------------------------------------------------------------------

def _native(src: PixelSource, index: int | None, opts: DecodeOptions
            ) -> tuple[np.ndarray, dict[str, Any]]:
    mod = src.module
    if src.length is not None:
        mod = check_native_length(mod, src.length, allow_excess_frames=opts.allow_excess_frames)
    if index is not None and index >= mod.number_of_frames:
        raise PixelDataError(
            f"There is insufficient pixel data to contain {index + 1} frames "
            f"((0028,0008) 'Number of Frames' is {mod.number_of_frames})"
        )
    n = 1 if index is not None else mod.number_of_frames
    start, end, skip = frame_span(mod, index)
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
    return arr, properties(mod, 1 if index is not None else n, changes)


# ---- encapsulated -------------------------------------------------------------------

def _frame_pieces(src: PixelSource) -> list[list[tuple[int, int]]]:
    mod = src.module
    idx = src.fragment_index()
    return enc.frame_spans(idx, mod.number_of_frames, src.read_at, mod.extended_offsets)


class LazyFrames:
    """A sequence of frame codestreams read from an in-memory value when sliced."""

    def __init__(self, read_at: ReadAt, spans: list) -> None:
        self.read_at = read_at
        self.spans = spans

    def __len__(self) -> int:
        return len(self.spans)

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, slice):
            return [enc.read_frame(self.read_at, s) for s in self.spans[key]]
        return enc.read_frame(self.read_at, self.spans[key])

    def __iter__(self) -> Iterator[bytes]:
        for s in self.spans:
            yield enc.read_frame(self.read_at, s)

    def raw(self, index: int) -> Any:
        """Frame `index` without a copy when it is one fragment (a memoryview)."""
        pieces = self.spans[index]
        if len(pieces) == 1:
            return self.read_at(*pieces[0])
        return enc.read_frame(self.read_at, pieces)


class FramePlan:
    """How frames of one request are decoded: the codec runner and core corrections."""

    def __init__(self, mod: PixelModule, opts: DecodeOptions, first_frame: bytes) -> None:
        selected = select("decoder", mod.transfer_syntax_uid, opts.decoding_plugin)
        facts = codestream.inspect(first_frame)
        self.pi, self.shift = codestream.corrections(facts, mod, opts.correction_options())
        if mod.pixel_keyword != "PixelData":
            self.shift = 0
        self.info = mod.frame_info(photometric_interpretation=self.pi)
        self.runner = CodecRunner(selected.codecs, self.info, opts.plugin_options,
                                  skipped=selected.skipped)
        self.dtype = mod.decoded_dtype

    def decode_into(self, frames: Any, first: int, out: np.ndarray) -> list[FrameOutcome]:
        """Decode `frames` (numbered from `first`) into `out`, in the calling thread."""
        return decode_chunk_into(self.runner, frames, first, out, self.shift)

    def empty(self, n: int, mod: PixelModule) -> np.ndarray:
        """An uninitialised result for `n` frames."""
        return np.empty((n, mod.rows, mod.columns, mod.samples_per_pixel), dtype=self.dtype)


def _decode_encapsulated(
    src: PixelSource, indices: list[int], opts: DecodeOptions, spans: list
) -> tuple[np.ndarray, list[FrameOutcome], FramePlan]:
    """Decode frames `indices` into one (n, rows, columns, samples) array."""
    mod = src.module
    if src.buffer is not None:
        # in memory: each worker reads its own frames
        frames: Any = LazyFrames(src.read_at, [spans[i] for i in indices])
    else:  # a file: read here, workers must not share the file position
        frames = [enc.read_frame(src.read_at, spans[i]) for i in indices]
    plan = FramePlan(mod, opts, frames[0])
    if len(indices) == 1:
        out = plan.empty(1, mod)
        return out, plan.decode_into(frames, indices[0], out), plan
    out, outcomes = decode_frames(plan.runner, frames, plan.dtype, workers=opts.workers,
                                  executor=opts.executor, shift=plan.shift)
    return out, outcomes, plan


def _native_shift(mod: PixelModule, opts: DecodeOptions) -> int:
    """Bits to shift for the bits-stored correction of native data (0: none)."""
    if (opts.correct_unused_bits is not False and mod.pixel_keyword == "PixelData"
            and mod.bits_allocated > mod.bits_stored):
        return mod.bits_allocated - mod.bits_stored
    return 0


def _excess_frames(src: PixelSource, spans: list, opts: DecodeOptions, plan: FramePlan
                   ) -> list[np.ndarray]:
    """Frames found beyond Number of Frames that decode to a whole frame (pydicom's rule)."""
    mod = src.module
    found = []
    for i in range(mod.number_of_frames, len(spans)):
        out = plan.empty(1, mod)
        try:
            plan.decode_into([enc.read_frame(src.read_at, spans[i])], i, out)
        except (CodecError, ValueError):
            continue
        found.append(out[0])
    return found


def _finish_frames(arr: np.ndarray, outcomes: list[FrameOutcome], mod: PixelModule,
                   opts: DecodeOptions, as_frame: bool, pi: str
                   ) -> tuple[np.ndarray, dict[str, Any]]:
    """Apply the common post-processing to decoded (n, rows, columns, samples) frames.

    `pi` is the colour space of the encoded data; a plugin that converted while
    decoding says so in its outcome.
    """
    if outcomes:
        pi = outcomes[0].photometric_interpretation
    if pi == "YBR_FULL_422":
        pi = "YBR_FULL"  # decoded frames are no longer sub-sampled
    n = arr.shape[0]
    if as_frame or n == 1:
        arr = arr[0]
    if mod.samples_per_pixel == 1:
        arr = arr.reshape(arr.shape[:-1])
    arr, changes = _post_process(arr, mod, pi, opts, native=False, shifted=True)
    return arr, properties(mod, 1 if as_frame else n, changes)


def _encapsulated(src: PixelSource, index: int | None, opts: DecodeOptions
                  ) -> tuple[np.ndarray, dict[str, Any]]:
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
        arr, outcomes, plan = _decode_encapsulated(src, [index], opts, spans)
        return _finish_frames(arr, outcomes, mod, opts, True, plan.pi)
    if len(spans) < nf:
        raise PixelDataError(
            f"Only {len(spans)} frames found in the encapsulated (7FE0,0010) 'Pixel Data',"
            f" (0028,0008) 'Number of Frames' is {nf}"
        )
    check_decoded_size(mod, len(spans) if opts.allow_excess_frames else nf,
                       opts.max_decoded_bytes)
    arr, outcomes, plan = _decode_encapsulated(src, list(range(nf)), opts, spans)
    if opts.allow_excess_frames and len(spans) > nf:
        extra = _excess_frames(src, spans, opts, plan)
        if extra:
            arr = np.concatenate([arr, np.stack(extra)])
            warnings.warn(
                f"{arr.shape[0]} frames have been found in the encapsulated pixel data, "
                f"which is larger than the given (0028,0008) 'Number of Frames' value of {nf}."
                " The returned data will include these extra frames and if it's correct then"
                " you should update 'Number of Frames' accordingly, otherwise pass "
                f"'allow_excess_frames=False' to return only the first {nf} frames.",
                DcmcoreWarning, stacklevel=3,
            )
    return _finish_frames(arr, outcomes, mod, opts, False, plan.pi)


# ---- entry points ---------------------------------------------------------------------

def decode(src: PixelSource, index: int | None = None, opts: DecodeOptions | None = None
           ) -> tuple[np.ndarray, dict[str, Any]]:
    """Return ``(array, image pixel properties)`` for all frames or frame `index`."""
    opts = opts or DecodeOptions()
    if index is not None and index < 0:
        raise ValueError("'index' must be greater than or equal to 0")
    if src.module.encapsulated:
        return _encapsulated(src, index, opts)
    return _native(src, index, opts)


def iter_decode(
    src: PixelSource, indices: Iterable[int] | None = None, opts: DecodeOptions | None = None
) -> Iterator[tuple[np.ndarray, dict[str, Any]]]:
    """Yield ``(frame array, properties)`` one frame at a time."""
    opts = opts or DecodeOptions()
    mod = src.module
    if not mod.encapsulated:
        if src.length is not None:
            mod = check_native_length(mod, src.length,
                                      allow_excess_frames=opts.allow_excess_frames)
            src = PixelSource(mod, src.read_at, src.length, src.buffer)
        wanted = range(mod.number_of_frames) if indices is None else indices
        for i in wanted:
            yield _native(src, i, opts)
        return
    spans = _frame_pieces(src)
    n = len(spans) if opts.allow_excess_frames else min(len(spans), mod.number_of_frames)
    wanted = range(n) if indices is None else indices
    for i in wanted:
        if not 0 <= i < len(spans):
            raise PixelDataError(f"There is insufficient pixel data to contain {i + 1} frames")
        check_decoded_size(mod, 1, opts.max_decoded_bytes)
        frame = enc.read_frame(src.read_at, spans[i])
        plan = FramePlan(mod, opts, frame)
        out = plan.empty(1, mod)
        try:
            extra = plan.decode_into([frame], i, out)
        except (CodecError, ValueError):
            if indices is None and i >= mod.number_of_frames:
                continue  # an excess frame that doesn't decode: skipped, as by decode()
            raise
        yield _finish_frames(out, extra, mod, opts, True, plan.pi)
