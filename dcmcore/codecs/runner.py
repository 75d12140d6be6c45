"""The codec runner: selected codecs tried on a frame in turn, and the one reader of their output.

Every path a frame takes (one frame, many frames in the calling thread, in worker threads,
in worker processes, a decoder's batch call, encoding) goes through :class:`CodecRunner`.
It tries the codecs it was given, in order, and the first one that succeeds wins; a codec
that raises, or whose output does not fit the frame description, counts as failing and
hands over to the next. When every codec fails, :class:`CodecFailedError` names the frame,
each codec tried and why, and the ones that were not tried.

What a decoder must return (checked by :func:`read_decoded`, never repaired):

- a :class:`numpy.ndarray`, or a :class:`~dcmcore.codecs.DecodedFrame` holding one when
  the decoder changed the colour space; ``bytes`` are refused (no layout can be read
  from them unambiguously);
- shaped ``(rows, columns)`` or ``(rows, columns, 1)`` for one sample per pixel, else
  ``(rows, columns, samples)``, interleaved: a transposed or planar array is refused,
  never reshaped;
- an integer dtype (``bool`` too when Bits Allocated is 1) whose itemsize is at most
  Bits Allocated / 8 (rounded up), so no value is wider than Bits Allocated; for Bits
  Allocated 1, values 0 and 1 only.

An encoder returns ``bytes`` (or another bytes-like object) or an
:class:`~dcmcore.codecs.EncodedFrame`; anything else counts as failing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any, Final, NamedTuple, TypeVar

import numpy as np

from dcmcore.codecs.base import Codec, DecodedFrame, Decoder, EncodedFrame, Encoder, FrameInfo
from dcmcore.codecs.providers import syntax_name
from dcmcore.errors import CodecFailedError, CodecOutputError

__all__ = [
    "CodecFailedError",
    "CodecOutputError",
    "CodecRunner",
    "Decoded",
    "Encoded",
    "Failure",
    "read_decoded",
    "read_encoded",
]

Failure = tuple[str, str]
"""``(codec name, why it failed)``."""

_T = TypeVar("_T")
_EMPTY: Final[Mapping[str, Any]] = {}


class Decoded(NamedTuple):
    """One frame decoded by :meth:`CodecRunner.decode`."""

    array: np.ndarray
    """The decoder's array, checked against the frame description (not copied)."""
    photometric_interpretation: str
    """Colour space of `array`."""
    decoder: str
    """Name of the decoder that produced it."""
    failures: tuple[Failure, ...] = ()
    """Decoders that failed on this frame before `decoder` succeeded."""


class Encoded(NamedTuple):
    """One frame encoded by :meth:`CodecRunner.encode`."""

    frame: EncodedFrame
    encoder: str
    failures: tuple[Failure, ...] = ()


def _shape_of(info: FrameInfo) -> tuple[int, ...]:
    if info.samples_per_pixel == 1:
        return (info.rows, info.columns)
    return (info.rows, info.columns, info.samples_per_pixel)


def read_decoded(result: object, info: FrameInfo) -> tuple[np.ndarray, str]:
    """Check a decoder's result against `info`; return ``(array, photometric interpretation)``.

    Parameters
    ----------
    result : object
        What ``Decoder.decode`` returned (or one entry of ``decode_batch``).
    info : FrameInfo
        The description of the frame the decoder was given.

    Returns
    -------
    numpy.ndarray
        The decoder's array itself, shaped ``(rows, columns)``, ``(rows, columns, 1)``
        or ``(rows, columns, samples)``.
    str
        Its colour space: the decoder's when it returned a
        :class:`~dcmcore.codecs.DecodedFrame`, else ``info.photometric_interpretation``.

    Raises
    ------
    CodecOutputError
        The result breaks the contract in the module docstring.

    Examples
    --------
    >>> info = FrameInfo(rows=2, columns=3, samples_per_pixel=1, bits_allocated=8,
    ...                  bits_stored=8, pixel_representation=0,
    ...                  photometric_interpretation="MONOCHROME2")
    >>> read_decoded(np.zeros((2, 3), np.uint8), info)[1]
    'MONOCHROME2'
    >>> try:
    ...     read_decoded(np.zeros((3, 2), np.uint8), info)
    ... except CodecOutputError as exc:
    ...     print(exc)
    returned shape (3, 2), expected (2, 3) (rows, columns)
    """
    pi = info.photometric_interpretation
    arr = result
    if isinstance(result, DecodedFrame):
        arr, pi = result.array, result.photometric_interpretation
        if not isinstance(pi, str) or not pi.strip():
            raise CodecOutputError(
                f"returned a DecodedFrame whose photometric interpretation is {pi!r}, "
                "not the name of a colour space")
        pi = pi.strip()
    if not isinstance(arr, np.ndarray):
        hint = ""
        if isinstance(arr, (bytes, bytearray, memoryview)):
            hint = f" (return an array shaped {_shape_of(info)}, not bytes)"
        raise CodecOutputError(f"returned {type(arr).__name__}, not a numpy array{hint}")
    expected = _shape_of(info)
    if arr.shape != expected and not (
            info.samples_per_pixel == 1 and arr.shape == (*expected, 1)):
        layout = "(rows, columns)" if info.samples_per_pixel == 1 else \
            "(rows, columns, samples), interleaved"
        raise CodecOutputError(
            f"returned shape {arr.shape}, expected {expected} {layout}")
    ba = info.bits_allocated
    kind = arr.dtype.kind
    if kind == "b" and ba == 1:
        return arr, pi
    if kind not in "ui":
        raise CodecOutputError(f"returned dtype {arr.dtype}, expected an integer dtype")
    if arr.dtype.itemsize > -(-ba // 8):
        raise CodecOutputError(
            f"returned dtype {arr.dtype} ({arr.dtype.itemsize * 8} bits), wider than Bits "
            f"Allocated {ba}")
    if ba == 1 and arr.size and (int(arr.max()) > 1 or int(arr.min()) < 0):
        raise CodecOutputError("returned values other than 0 and 1 for Bits Allocated 1")
    return arr, pi


def read_encoded(result: object) -> EncodedFrame:
    """Check an encoder's result; return it as an :class:`EncodedFrame` holding ``bytes``.

    Raises
    ------
    CodecOutputError
        The result is neither bytes-like nor an :class:`EncodedFrame` of bytes.
    """
    if isinstance(result, EncodedFrame):
        data: object = result.data
    else:
        data, result = result, None
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise CodecOutputError(f"returned {type(data).__name__}, not bytes")
    if result is None:
        return EncodedFrame(data)
    return result._replace(data=data)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, CodecOutputError):
        return f"invalid output: {exc}"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class CodecRunner:
    """Codecs for one request, tried in turn on each frame; the first success wins.

    A runner is immutable and pickles (the codecs, the frame description and the
    options travel to worker processes with it), so one runner serves a whole call,
    in any thread or process.

    Parameters
    ----------
    codecs : sequence of Decoder or Encoder
        The codecs to try, first to try first (from :func:`dcmcore.codecs.plan`).
    info : FrameInfo
        The description of every frame of the request; ``info.transfer_syntax_uid``
        is the syntax decoded from or encoded to.
    options : mapping, optional
        Codec options; each codec is given those it declares, defaults filled in.
    skipped : sequence of (str, str), optional
        Codecs left out by selection, and why (reported when every codec fails).

    Examples
    --------
    >>> runner = CodecRunner(dcmcore.codecs.decoders_for(info.transfer_syntax_uid), info)
    ... # doctest: +SKIP
    >>> array, pi, decoder, failures = runner.decode(frame_bytes, index=0)  # doctest: +SKIP
    """

    __slots__ = ("codecs", "info", "skipped", "_options")

    def __init__(
        self,
        codecs: Sequence[Codec],
        info: FrameInfo,
        options: Mapping[str, Any] | None = None,
        *,
        skipped: Sequence[Failure] = (),
    ) -> None:
        self.codecs: tuple[Codec, ...] = tuple(codecs)
        self.info = info
        self.skipped: tuple[Failure, ...] = tuple(skipped)
        given = _EMPTY if options is None else options
        self._options: tuple[dict[str, Any], ...] = tuple(
            c.accepted_options(given) for c in self.codecs)

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.codecs, self.info, self.skipped, self._options)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.codecs, self.info, self.skipped, self._options = state

    def __repr__(self) -> str:
        names = ", ".join(c.name for c in self.codecs)
        return f"<CodecRunner [{names}] for {self.info.transfer_syntax_uid}>"

    @property
    def kind(self) -> str:
        """``"decoder"`` or ``"encoder"`` (``"codec"`` for a runner without codecs)."""
        return self.codecs[0].kind if self.codecs else "codec"

    def codec(self, name: str) -> Codec:
        """Return the runner's codec called `name`."""
        return next(c for c in self.codecs if c.name == name)

    # ---- the one fallback loop --------------------------------------------------------

    def _first_success(
        self, index: int | None, start: int, attempt: Callable[[int], _T]
    ) -> tuple[_T, int, tuple[Failure, ...]]:
        """Run ``attempt(i)`` for each codec, codec `start` first; the first that returns wins.

        Returns the result, the index of the codec that gave it and the failures before it.
        """
        failures: list[Failure] = []
        order = [start, *(i for i in range(len(self.codecs)) if i != start)]
        for i in order if self.codecs else ():
            try:
                return attempt(i), i, tuple(failures)
            except Exception as exc:  # noqa: BLE001 - any failure hands over to the next codec
                failures.append((self.codecs[i].name, _describe(exc)))
        raise self.failed(index, failures)

    def failed(self, index: int | None, failures: Sequence[Failure]) -> CodecFailedError:
        """The error for frame `index` (None: unknown) on which every codec failed."""
        kind = self.kind
        uid = self.info.transfer_syntax_uid
        verb = "decode" if kind == "decoder" else "encode"
        what = "" if index is None else f" frame {index} of"
        lines = [f"unable to {verb}{what} {syntax_name(uid)} ({uid}); tried:"]
        lines += [f"  {name!r}: {why}" for name, why in failures]
        if not failures:
            lines.append("  nothing (no codec selected)")
        if self.skipped:
            lines.append("not tried:")
            lines += [f"  {name!r}: {why}" for name, why in self.skipped]
        return CodecFailedError("\n".join(lines), kind=kind, ts_uid=uid, frame=index,
                                failures=failures, skipped=self.skipped)

    # ---- decoding ---------------------------------------------------------------------

    def _decode_with(self, data: bytes, i: int) -> tuple[np.ndarray, str]:
        decoder = self.codecs[i]
        assert isinstance(decoder, Decoder)
        return read_decoded(decoder.decode(data, self.info, **self._options[i]), self.info)

    def decode(self, data: bytes, index: int | None = None, *, start: int = 0) -> Decoded:
        """Decode one frame; codec `start` is tried first.

        Raises
        ------
        CodecFailedError
            Every decoder failed (names frame `index`, each decoder and why).
        """
        (arr, pi), i, failures = self._first_success(
            index, start, partial(self._decode_with, data))
        return Decoded(arr, pi, self.codecs[i].name, failures)

    def _batch(self, frames: Sequence[bytes]) -> list[tuple[np.ndarray, str]]:
        decoder = self.codecs[0]
        assert isinstance(decoder, Decoder)
        results = list(decoder.decode_batch(frames, self.info, **self._options[0]))
        if len(results) != len(frames):
            raise CodecOutputError(
                f"decode_batch returned {len(results)} results for {len(frames)} frames")
        return [read_decoded(r, self.info) for r in results]

    def decode_many(self, frames: Sequence[bytes], first: int = 0) -> Iterator[Decoded]:
        """Decode `frames` (numbered from `first`) in order, yielding each as it is done.

        When the first decoder has a real batch call (``supports_batch``) the frames go
        to it in one call; if that fails, frame by frame. Frame by frame, the decoder
        that decoded the previous frame is tried first.
        """
        failures: tuple[Failure, ...] = ()
        decoder = self.codecs[0] if self.codecs else None
        if len(frames) > 1 and isinstance(decoder, Decoder) and decoder.supports_batch:
            try:
                batch = self._batch(frames)
            except Exception as exc:  # noqa: BLE001 - fall back to frame by frame
                failures = ((decoder.name, f"batch of {len(frames)} frames: {_describe(exc)}"),)
            else:
                for arr, pi in batch:
                    yield Decoded(arr, pi, decoder.name)
                return
        last = 0
        for offset, data in enumerate(frames):
            (arr, pi), last, tried = self._first_success(
                first + offset, last, partial(self._decode_with, data))
            yield Decoded(arr, pi, self.codecs[last].name, failures + tried)
            failures = ()

    # ---- encoding ---------------------------------------------------------------------

    def _encode_with(self, arr: np.ndarray, i: int) -> EncodedFrame:
        encoder = self.codecs[i]
        assert isinstance(encoder, Encoder)
        return read_encoded(encoder.encode(arr, self.info, **self._options[i]))

    def encode(self, arr: np.ndarray, index: int | None = None, *, start: int = 0) -> Encoded:
        """Encode one frame shaped ``(rows, columns[, samples])``; codec `start` first.

        Raises
        ------
        CodecFailedError
            Every encoder failed.
        """
        frame, i, failures = self._first_success(
            index, start, partial(self._encode_with, arr))
        return Encoded(frame, self.codecs[i].name, failures)

    def encode_many(self, frames: Sequence[np.ndarray]) -> list[Encoded]:
        """Encode `frames` in order; the encoder of the previous frame is tried first."""
        out: list[Encoded] = []
        last = 0
        for index, arr in enumerate(frames):
            frame, last, failures = self._first_success(
                index, last, partial(self._encode_with, arr))
            out.append(Encoded(frame, self.codecs[last].name, failures))
        return out
