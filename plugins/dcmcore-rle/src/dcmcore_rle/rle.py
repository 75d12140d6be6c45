"""RLE Lossless (DICOM Part 5, Annex G) in numpy, with no dcmcore import.

An RLE frame is a 64-byte header (16 little-endian uint32: the segment count,
then 15 segment offsets, the first being 64) followed by the segments. There is
one segment per byte plane of each sample, most significant byte first, so a
16-bit RGB frame has six segments: R MSB, R LSB, G MSB, G LSB, B MSB, B LSB.
Each segment is a PackBits stream (header byte ``n`` 0..127: copy the next
``n + 1`` bytes; ``n`` -127..-1: repeat the next byte ``1 - n`` times; -128: no
operation), encoded row by row and padded to an even length.

Decoding is sequential by nature: one PackBits header tells where the next one
is. A table ``next[i]`` (where the header after a header at ``i`` would be) is
built for every byte with numpy, then the chain of headers from the first one
is followed at C speed by ``numpy.take`` writing each result one slot ahead of
the index it reads (see :func:`_take_chase`; a few nanoseconds per run, checked
once per process, with the older Python walk over numpy jump tables as the
fallback, :func:`_walk_headers`). Each segment's chain is clipped to its end,
where the next segment's first header is, so one chase covers the frame. The
repeat count of every byte (0 for a header, ``257 - h`` after a replicate
header ``h``, else 1) then comes from byte-wise arithmetic on a header flag
array, the bytes of all segments from a single ``numpy.repeat``, and byte
planes are combined into samples with shifts. Encoding finds the runs of every
row of every byte plane at once with numpy and needs no Python loop over rows
or runs.

Performance notes (512x512 16-bit, CPython 3.11, numpy 2): per frame the
decoder spends about half its time in ``numpy.repeat`` (~1 ns per decoded
byte), the rest building the ``next`` table, chasing (~3 ns per run) and on
the counts; a Python walk step costs ~45 ns, a numpy gather ~0.7 ns per
element, and fresh multi-megabyte temporaries cost more in page faults than
the work done in them, hence the per-thread scratch arrays. Everything here
holds the GIL for most of its time.
"""

from __future__ import annotations

import threading
import warnings

import numpy as np

__all__ = [
    "RLEError",
    "RLEWarning",
    "decode_frame",
    "decode_segment",
    "encode_frame",
    "encode_segment",
    "parse_header",
    "MAX_SEGMENTS",
]

MAX_SEGMENTS = 15
_HEADER_LENGTH = 64
_BITS = (8, 16, 32, 64)

# Distance from a PackBits header byte to the next header byte.
_STEP_BYTES = bytes(h + 2 if h < 128 else (1 if h == 128 else 2) for h in range(256))
_PROBES, _PROBE = 8, 160  # probe windows per segment, bytes walked per window
_SMALL_SEGMENT = 8192  # segments up to this size are always walked
_JUMP_LEVELS: int | None = None  # force a depth (tests); None: use the cost model
# Header search: "chase" (numpy pointer chase), "walk" (Python walk and jump
# tables, the fallback), or None: chase if this numpy supports it.
_HEADER_METHOD: str | None = None
_CHASE_OK: bool | None = None  # whether numpy.take chases (see _chase_works)
# Cost model (nanoseconds): one Python walk step, one element of a numpy
# gather, the fixed overhead of a small numpy call and of the jump-table set-up.
_WALK_NS = 45.0
_GATHER_NS = 0.7
_TAKE_FIXED_NS = 4000.0
_JUMP_FIXED_NS = 60000.0
_SCRATCH_MAX_BYTES = 16 << 20
_local = threading.local()


class RLEError(ValueError):
    """RLE data or parameters are invalid (a ``ValueError``)."""


class RLEWarning(UserWarning):
    """Non-conformant RLE data that could still be decoded."""


def _check_params(rows: int, columns: int, samples_per_pixel: int, bits_allocated: int) -> int:
    """Validate the frame parameters and return the number of segments."""
    for name, value in (("rows", rows), ("columns", columns)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise RLEError(f"RLE: {name} must be a positive integer, got {value!r}")
    if samples_per_pixel not in (1, 3):
        raise RLEError(f"RLE: samples per pixel must be 1 or 3, got {samples_per_pixel!r}")
    if bits_allocated not in _BITS:
        raise RLEError(
            f"RLE: bits allocated must be one of 8, 16, 32 or 64, got {bits_allocated!r}"
        )
    return samples_per_pixel * (bits_allocated // 8)


def parse_header(data: bytes | bytearray | memoryview) -> list[int]:
    """Return the segment offsets of an RLE frame.

    Parameters
    ----------
    data : bytes-like
        The whole encoded frame (at least its 64-byte header).

    Returns
    -------
    list of int
        One offset per segment, each relative to the start of the frame.

    Raises
    ------
    RLEError
        If the frame is shorter than its header, the segment count is 0 or
        above 15, or an offset points inside the header, beyond the end of the
        frame, or before the previous segment's offset.
    """
    if len(data) < _HEADER_LENGTH:
        raise RLEError(
            f"RLE: the frame is {len(data)} bytes long, shorter than the 64-byte RLE header"
        )
    header = np.frombuffer(data, dtype="<u4", count=16).tolist()
    count = header[0]
    if not 1 <= count <= MAX_SEGMENTS:
        raise RLEError(
            f"RLE: the header gives {count} segments (at byte offset 0); "
            f"between 1 and {MAX_SEGMENTS} are allowed"
        )
    offsets = header[1 : count + 1]
    previous = _HEADER_LENGTH
    for index, offset in enumerate(offsets):
        if offset < previous or offset > len(data):
            raise RLEError(
                f"RLE: segment {index + 1} offset {offset} (header byte offset {4 + 4 * index}) "
                f"is out of range: it must lie between {previous} and the frame length "
                f"{len(data)} and not before the previous segment"
            )
        previous = offset
    return offsets


def _chase(steps: bytes, start: int, end: int, out: list[int]) -> None:
    """Append to `out` the header offsets of the PackBits stream in [start, end)."""
    pos = start
    append = out.append
    while pos < end:
        append(pos)
        pos += steps[pos]


def _scratch(name: str, size: int, dtype: type) -> np.ndarray:
    """Return a reusable per-thread work array of `size` items (contents undefined).

    Large temporaries freshly allocated on every frame cost more in page
    faults than the numpy work done in them; reusing them roughly halves the
    decoding time. Arrays above ``_SCRATCH_MAX_BYTES`` are not kept.
    """
    buffer = getattr(_local, name, None)
    if buffer is None or buffer.size < size:
        buffer = np.empty(size, dtype=dtype)
        if buffer.nbytes <= _SCRATCH_MAX_BYTES:
            setattr(_local, name, buffer)
    return buffer[:size]


def _best_levels(total: float, runs: float) -> int:
    """Jump-table depth with the lowest modelled cost for a stretch (0: plain walk)."""
    best, best_cost = 0, runs * _WALK_NS
    for levels in range(1, 7):
        cost = (
            _JUMP_FIXED_NS
            + levels * total * _GATHER_NS
            + runs * _WALK_NS / (1 << levels)
            + (1 << levels) * (_TAKE_FIXED_NS + runs * _GATHER_NS / (1 << levels))
        )
        if cost < best_cost:
            best, best_cost = levels, cost
    return best


def _plan(steps: bytes, offsets: list[int], ends: list[int]) -> list[tuple[int, int, int]]:
    """Split the segments into stretches searched the same way.

    Returns ``(first segment, end segment (exclusive), levels)`` tuples; levels
    0 means a plain walk. The run density of each segment is estimated by
    walking a few short windows spread over it (a walk started off a header falls into
    step within a few runs); each segment then gets the cheaper method under
    a cost model measured on numpy 2 / CPython 3.11, and neighbouring
    segments that both want a jump table share one.
    """
    if _JUMP_LEVELS is not None or ends[-1] >= 2**31 - 1:
        # forced depth (tests), or too large for the int32 jump tables
        return [(0, len(offsets), _JUMP_LEVELS or 0)]
    estimates = []
    for start, end in zip(offsets, ends, strict=True):
        if end - start <= _SMALL_SEGMENT:
            estimates.append((end - start, 0.0, False))  # a jump table cannot pay off
            continue
        probed = 0
        found: list[int] = []
        for k in range(_PROBES):
            anchor = start + (end - start) * k // _PROBES
            stop = min(end, anchor + _PROBE)
            _chase(steps, anchor, stop, found)
            probed += stop - anchor
        runs = len(found) * (end - start) / max(probed, 1)
        estimates.append((end - start, runs, _best_levels(end - start, runs) > 0))
    plan: list[tuple[int, int, int]] = []
    index = 0
    while index < len(offsets):
        stop = index + 1
        while stop < len(offsets) and estimates[stop][2] == estimates[index][2]:
            stop += 1
        if estimates[index][2]:
            total = sum(e[0] for e in estimates[index:stop])
            runs = sum(e[1] for e in estimates[index:stop])
            plan.append((index, stop, max(_best_levels(total, runs), 1)))
        else:
            plan.append((index, stop, 0))
        index = stop
    return plan


def _header_positions(data: bytes, offsets: list[int], ends: list[int]) -> np.ndarray:
    """Return the offsets of every PackBits header of every segment of a frame.

    Uses the C-speed pointer chase of :func:`_chase_headers` when this numpy
    supports it (see :func:`_chase_works`), else :func:`_walk_headers`.
    """
    method = _HEADER_METHOD
    if method is None:
        method = "chase" if _chase_works() else "walk"
    if method == "chase":
        positions = _chase_headers(data, offsets, ends)
        if positions is not None:
            return positions
    return _walk_headers(data, offsets, ends)


def _chase_table(data: bytes, low: int, ends: list[int]) -> np.ndarray:
    """Return ``table`` with ``table[i]`` = the header after a header at ``low + i``.

    Relative offsets; each segment's chain is clipped to the segment's end
    (where the next segment's first header is), and ``table[size]`` is a sink
    pointing to itself, ``size = ends[-1] - low``. A per-thread work array.
    """
    size = ends[-1] - low
    table = _scratch("table", size + 1, np.intp)
    body = table[:size]
    body[...] = np.frombuffer(data.translate(_STEP_BYTES), dtype=np.uint8, count=size, offset=low)
    body += _arange(size, np.intp)
    table[size] = size
    for end in ends:
        end -= low
        tail = table[max(end - 129, 0) : end]
        np.minimum(tail, end, out=tail)
    return table


def _take_chase(table: np.ndarray, chain: np.ndarray, start: int, stop: int) -> None:
    """Follow `table` from ``chain[start - 1]``: ``chain[k] = table[chain[k - 1]]``.

    ``numpy.take`` in a non-raising mode reads each index just before writing
    the matching output and does not copy an index array that overlaps the
    output (only one overlapping the source), so with the output one slot
    ahead of the indices it walks a linked list at C speed, a few nanoseconds
    per step. :func:`_chase_works` checks that this numpy does so.
    """
    np.take(table, chain[start - 1 : stop - 1], out=chain[start:stop], mode="clip")


def _chase_works() -> bool:
    """Whether :func:`_take_chase` follows a linked list here (checked once per process)."""
    global _CHASE_OK
    if _CHASE_OK is None:
        rng = np.random.default_rng(12345)
        size = 50_000  # several times numpy's buffer size (8192 items)
        table = np.minimum(np.arange(size + 1) + rng.integers(1, 130, size + 1), size)
        expected = [0]
        while expected[-1] < size:
            expected.append(int(table[expected[-1]]))
        chain = np.zeros(len(expected) + 5, dtype=np.intp)
        _take_chase(table, chain, 1, chain.size)
        _CHASE_OK = chain[: len(expected)].tolist() == expected and bool(
            (chain[len(expected) :] == size).all()
        )
    return _CHASE_OK


def _chase_headers(data: bytes, offsets: list[int], ends: list[int]) -> np.ndarray | None:
    """Header offsets of all segments by one pointer chase over a step table.

    Returns None (and disables the chase for the process) if a spot check
    finds that ``numpy.take`` did not chase (a numpy that copies overlapping
    indices): the caller then walks instead.
    """
    global _CHASE_OK
    low = offsets[0]
    size = ends[-1] - low
    table = _chase_table(data, low, ends)
    # The chain is strictly increasing until it reaches the sink, so it has at
    # most size + 1 items. Steps spent on the sink are wasted, so chase in
    # chunks sized by the run density seen at the end of the previous chunk
    # (and at most doubling the work done), stopping soon after the sink.
    chain = _scratch("chain", size + 1, np.intp)
    chain[0] = 0
    done, chunk = 1, 4096
    while True:
        stop = min(done + chunk, size + 1)
        _take_chase(table, chain, done, stop)
        reached = int(chain[stop - 1])
        if stop == size + 1 or reached == size:
            break
        recent = min(stop - 1, 1024)
        density = recent / max(reached - int(chain[stop - 1 - recent]), 1)
        # at least 512: progress even if a broken chase returned garbage
        chunk = max(min(int(max(size - reached, 0) * density * 1.25) + 512, 2 * stop), 512)
        done = stop
    count = int(np.searchsorted(chain[:stop], size))
    positions = chain[:count]
    # Spot-check every 61st link, and that the last header leads to the end.
    spots = positions[:-1:61]
    broken = not np.array_equal(table.take(spots, mode="clip"), chain[1:count:61])
    if broken or (count and int(table[int(positions[-1])]) != size):
        _CHASE_OK = False
        return None
    return positions + low


def _walk_headers(data: bytes, offsets: list[int], ends: list[int]) -> np.ndarray:
    """Header offsets found by Python walks and numpy jump tables.

    Finding headers is sequential: each header says where the next one is. A
    plain Python walk costs one loop step per run. Where runs are short and
    many, a table ``jump[i]`` = offset of the header ``2**levels`` runs after
    a header at ``i`` is built with numpy (by repeated squaring of the
    one-step table), the Python walk then takes that many runs per step, and
    the headers in between are filled in with vectorised gathers. Each
    segment's chain is clipped to its end, where the next segment starts, so
    one walk covers consecutive segments. :func:`_plan` picks the method.
    """
    steps = data.translate(_STEP_BYTES)
    parts = []
    for first, stop, levels in _plan(steps, offsets, ends):
        if levels:
            parts.append(_jump_walk(steps, offsets[first:stop], ends[first:stop], levels))
        else:
            found: list[int] = []
            for start, end in zip(offsets[first:stop], ends[first:stop], strict=True):
                _chase(steps, start, end, found)
            parts.append(np.array(found, dtype=np.intp))
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _jump_walk(steps: bytes, offsets: list[int], ends: list[int], levels: int) -> np.ndarray:
    """Header offsets of consecutive segments, found with a 2**levels-run jump table."""
    low, high = offsets[0], ends[-1]
    size = high - low
    # one[i]: the header after a header at low + i (relative); one[size] is the sink.
    one = _scratch("one", size + 1, np.int32)
    one[:size] = np.frombuffer(steps, dtype=np.uint8, count=size, offset=low)
    one[:size] += _arange(size)  # faster than a mixed-type np.add
    one[size] = size
    for end in ends:
        end -= low
        tail = one[max(end - 129, 0) : end]
        np.minimum(tail, end, out=tail)
    ping = _scratch("ping", size + 1, np.int32)
    pong = _scratch("pong", size + 1, np.int32)
    np.take(one, one, out=ping, mode="wrap")
    for _ in range(levels - 1):
        np.take(ping, ping, out=pong, mode="wrap")
        ping, pong = pong, ping
    table = ping.data.cast("B").cast("i")
    sampled: list[int] = []
    append = sampled.append
    pos = 0
    while pos < size:
        append(pos)
        pos = table[pos]
    chain = np.empty((1 << levels, len(sampled)), dtype=np.int32)
    chain[0] = sampled
    for m in range(1, 1 << levels):
        np.take(one, chain[m - 1], out=chain[m], mode="wrap")
    positions = chain.T.ravel()  # increasing; only the tail can sit on the sink
    positions = positions[: int(np.searchsorted(positions, size))].astype(np.intp)
    positions += low
    return positions


def _arange(size: int, dtype: type = np.int32) -> np.ndarray:
    """Return ``np.arange(size, dtype=dtype)`` from a cached read-only array."""
    name = f"arange_{np.dtype(dtype).name}"
    cached = getattr(_local, name, None)
    if cached is None or cached.size < size:
        cached = np.arange(size, dtype=dtype)
        cached.flags.writeable = False
        if cached.nbytes <= _SCRATCH_MAX_BYTES:
            setattr(_local, name, cached)
    return cached[:size]


def _decode_segments(
    data: bytes, offsets: list[int], expected: int, first_index: int = 0
) -> np.ndarray:
    """Decode every segment of a frame; return shape (segments, expected) uint8."""
    size = len(data)
    ends = [*offsets[1:], size]
    low = offsets[0]
    width = size - low  # bytes from the first segment on, `body`
    body = np.frombuffer(data, dtype=np.uint8, offset=low)
    starts = _header_positions(data, offsets, ends)
    starts -= low
    # One repeat count per body byte, from byte-wise (SIMD) arithmetic on a
    # header flag array: 0 for a header, 257 - h after a replicate header h,
    # else 1 (literal bytes, the first byte of a segment's padding). A
    # replicate header's value byte that lies past its segment's end is the
    # next segment's first header, or the extra slot after the last: its count
    # is 0 or unused, as a literal run cut short by its segment's end
    # contributes only the bytes present. Counts are reduced modulo 256; no-op
    # headers (128) give 129 to the next byte, a header, reset to 0.
    flags = _scratch("flags", width + 1, np.uint8)
    flags.fill(0)
    flags[starts] = 1
    count8 = _scratch("count8", width + 1, np.uint8)
    after = count8[1:]
    np.right_shift(body, 7, out=after)  # 1 for headers >= 128 (if a header)
    np.bitwise_and(after, flags[:-1], out=after)
    np.multiply(after, body, out=after)  # h after a header h >= 128, else 0
    np.subtract(1, after, out=after)  # 257 - h (mod 256), else 1
    np.subtract(flags, 1, out=flags)  # 0 for headers, 255 elsewhere
    np.bitwise_and(count8, flags, out=count8)
    counts = _scratch("table", width + 1, np.intp)  # the header search's, free by now
    counts[...] = count8
    counts = counts[:width]
    nseg = len(offsets)
    for index in range(nseg):
        first, stop = offsets[index] - low, ends[index] - low
        total = int(counts[first:stop].sum())
        if total < expected:
            raise RLEError(
                f"RLE: segment {first_index + index + 1} (byte offset {offsets[index]}) decodes "
                f"to {total} bytes, fewer than the {expected} expected (rows x columns)"
            )
        if total > expected:
            warnings.warn(
                f"RLE: segment {first_index + index + 1} decodes to {total} bytes, more than "
                f"the {expected} expected (non-conformant padding); the excess is discarded",
                RLEWarning,
                stacklevel=3,
            )
            # Cut the counts where `expected` bytes are reached, so nothing
            # beyond `expected` bytes per segment is ever allocated.
            reached = np.cumsum(counts[first:stop])
            cut = int(np.searchsorted(reached, expected))
            counts[first + cut] -= int(reached[cut]) - expected
            counts[first + cut + 1 : stop] = 0
    return np.repeat(body, counts).reshape(nseg, expected)


def decode_segment(segment: bytes, expected: int) -> np.ndarray:
    """Decode one PackBits segment to `expected` bytes.

    Parameters
    ----------
    segment : bytes
        The encoded segment.
    expected : int
        The number of decoded bytes wanted (rows x columns).

    Returns
    -------
    numpy.ndarray
        uint8 array of length `expected`.

    Raises
    ------
    RLEError
        If the segment decodes to fewer than `expected` bytes.

    Warns
    -----
    RLEWarning
        If it decodes to more (the excess is dropped, as pydicom does).
    """
    if expected < 1:
        raise RLEError(f"RLE: the expected decoded length must be positive, got {expected}")
    data = bytes(segment)
    if not data:
        raise RLEError(f"RLE: the segment is empty; {expected} decoded bytes were expected")
    return _decode_segments(data, [0], expected)[0]


def decode_frame(
    data: bytes | bytearray | memoryview,
    rows: int,
    columns: int,
    samples_per_pixel: int,
    bits_allocated: int,
    *,
    segment_order: str = ">",
) -> np.ndarray:
    """Decode one RLE Lossless frame.

    Parameters
    ----------
    data : bytes-like
        The encoded frame: 64-byte header then the segments.
    rows, columns : int
        The frame size.
    samples_per_pixel : int
        1 or 3.
    bits_allocated : int
        8, 16, 32 or 64.
    segment_order : str, optional
        ``">"`` (the standard: most significant byte first) or ``"<"`` for
        non-conformant data whose segments run least significant first.

    Returns
    -------
    numpy.ndarray
        Shape ``(rows, columns)`` for one sample, ``(rows, columns, samples)``
        otherwise (interleaved); native-endian unsigned integers of
        `bits_allocated` bits.

    Raises
    ------
    RLEError
        If the parameters are invalid, the segment count differs from
        ``samples_per_pixel * bits_allocated / 8``, an offset is out of range,
        or a segment decodes to fewer than ``rows * columns`` bytes.
    """
    nr_segments = _check_params(rows, columns, samples_per_pixel, bits_allocated)
    if segment_order not in (">", "<"):
        raise RLEError(f"RLE: segment order must be '>' or '<', got {segment_order!r}")
    view = memoryview(data).cast("B")
    offsets = parse_header(view)
    if len(offsets) != nr_segments:
        raise RLEError(
            f"RLE: the header gives {len(offsets)} segments but {samples_per_pixel} samples "
            f"per pixel x {bits_allocated // 8} bytes per sample need {nr_segments}"
        )
    nbytes = bits_allocated // 8
    pixels = rows * columns
    decoded = _decode_segments(data if type(data) is bytes else bytes(view), offsets, pixels)
    # (S * B, pixels) with the most significant byte first -> (pixels, S, B) native.
    # Assemble each sample from its byte planes (most significant first) with
    # shifts: faster than a strided byte-level interleave.
    dtype = np.dtype(f"=u{nbytes}")
    planes = decoded.reshape(samples_per_pixel, nbytes, rows, columns)
    if segment_order == "<":
        planes = planes[:, ::-1]
    samples = []
    for sample in range(samples_per_pixel):
        # A view for 8 bits (decoded is ours), else a widened copy shifted in place.
        value = planes[sample, 0].astype(dtype, copy=False)
        for byte in range(1, nbytes):
            value <<= 8
            value |= planes[sample, byte]
        samples.append(value)
    if samples_per_pixel == 1:
        return samples[0]
    return np.stack(samples, axis=-1)


def _segments_from_planes(planes: np.ndarray) -> list[bytes]:
    """PackBits-encode every row of `planes` (shape (P, R, C), uint8).

    Returns one even-length segment per plane. Runs never cross rows. Runs of
    two or more equal bytes become replicate runs (split every 128 bytes);
    everything else is gathered into literal runs of at most 128 bytes.
    """
    nplanes, rows, columns = planes.shape
    flat = planes.reshape(-1)
    n = flat.size
    # same[i]: byte i equals byte i - 1 of the same row
    same = np.empty(n, dtype=bool)
    same[0] = False
    np.equal(flat[1:], flat[:-1], out=same[1:])
    same.reshape(-1, columns)[:, 0] = False

    run_starts = np.flatnonzero(~same)
    run_len = np.diff(run_starts, append=n)
    rep = run_len > 1
    row_start = run_starts % columns == 0
    # Units: every replicate run, and every literal stretch (consecutive
    # single-byte runs of one row) starting at a row start or after a replicate.
    prev_rep = np.empty_like(rep)
    prev_rep[0] = True
    prev_rep[1:] = rep[:-1]
    unit_mask = rep | row_start | prev_rep
    unit_starts = run_starts[unit_mask]
    unit_rep = rep[unit_mask]
    unit_len = np.diff(unit_starts, append=n)

    # Split units into chunks of at most 128 bytes.
    nchunks = (unit_len + 127) >> 7
    total_chunks = int(nchunks.sum())
    if total_chunks == unit_starts.size:
        chunk_starts = unit_starts
        chunk_len = unit_len
        chunk_rep = unit_rep
    else:
        first = np.cumsum(nchunks) - nchunks
        within = np.arange(total_chunks) - np.repeat(first, nchunks)
        chunk_starts = np.repeat(unit_starts, nchunks) + (within << 7)
        chunk_len = np.minimum(np.repeat(unit_len, nchunks) - (within << 7), 128)
        chunk_rep = np.repeat(unit_rep, nchunks)

    # Header byte of each chunk; a 1-byte tail of a replicate run is a literal.
    headers = np.where(chunk_rep, 257 - chunk_len, chunk_len - 1)
    headers[chunk_rep & (chunk_len == 1)] = 0
    # Bytes kept from the source: literal bytes and the first byte of each
    # replicate chunk.
    keep = ~same
    keep[chunk_starts] = True
    kept = flat[keep]
    out_len_chunk = np.where(chunk_rep, 2, chunk_len + 1)
    out_end = np.cumsum(out_len_chunk)
    header_pos = out_end - out_len_chunk
    out = np.empty(int(out_end[-1]) if out_end.size else 0, dtype=np.uint8)
    is_body = np.ones(out.size, dtype=bool)
    is_body[header_pos] = False
    out[header_pos] = headers
    out[is_body] = kept

    # Cut per plane and pad each segment to even length.
    plane_size = rows * columns
    plane_of_chunk = chunk_starts // plane_size
    # Every plane has at least one chunk, so each bound indexes a real chunk.
    bounds = np.searchsorted(plane_of_chunk, np.arange(1, nplanes))
    cuts = [0, *header_pos[bounds].tolist(), out.size]
    segments = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        seg = out[a:b].tobytes()
        if len(seg) % 2:
            seg += b"\x00"
        segments.append(seg)
    return segments


def encode_segment(plane: np.ndarray) -> bytes:
    """PackBits-encode one byte plane (shape (rows, columns), uint8), row by row.

    Returns
    -------
    bytes
        The segment, padded to an even length.
    """
    plane = np.ascontiguousarray(plane, dtype=np.uint8)
    if plane.ndim != 2 or not plane.size:
        raise RLEError(f"RLE: a byte plane must be a non-empty 2-D array, got {plane.shape}")
    return _segments_from_planes(plane[np.newaxis])[0]


def encode_frame(
    arr: np.ndarray,
    rows: int | None = None,
    columns: int | None = None,
    samples_per_pixel: int | None = None,
    bits_allocated: int | None = None,
) -> bytes:
    """Encode one frame as RLE Lossless.

    Parameters
    ----------
    arr : numpy.ndarray
        Shape ``(rows, columns)`` or ``(rows, columns, samples)`` (interleaved).
        Integer data of any sign or byte order; its values are stored modulo
        ``2**bits_allocated`` (two's complement for signed data).
    rows, columns, samples_per_pixel, bits_allocated : int, optional
        Checked against `arr` when given; taken from it otherwise
        (`bits_allocated` defaults to the item size in bits).

    Returns
    -------
    bytes
        The encoded frame: header then one even-length segment per byte plane,
        most significant byte first, sample after sample.

    Raises
    ------
    RLEError
        If the array and parameters disagree, or if more than 15 segments
        would be needed (e.g. 64 bits with 3 samples needs 24).
    """
    arr = np.asarray(arr)
    if arr.dtype.kind not in "uib":
        raise RLEError(f"RLE: integer pixel data expected, got dtype {arr.dtype}")
    if arr.ndim == 2:
        arr = arr[..., np.newaxis]
    if arr.ndim != 3:
        raise RLEError(f"RLE: expected a (rows, columns[, samples]) array, got shape {arr.shape}")
    r, c, s = arr.shape
    rows = r if rows is None else rows
    columns = c if columns is None else columns
    samples_per_pixel = s if samples_per_pixel is None else samples_per_pixel
    if bits_allocated is None:
        bits_allocated = max(8, arr.dtype.itemsize * 8)
    nr_segments = _check_params(rows, columns, samples_per_pixel, bits_allocated)
    if (r, c, s) != (rows, columns, samples_per_pixel):
        raise RLEError(
            f"RLE: array shape {arr.shape} does not match rows {rows}, columns {columns}, "
            f"samples {samples_per_pixel}"
        )
    if nr_segments > MAX_SEGMENTS:
        raise RLEError(
            f"RLE: {samples_per_pixel} samples x {bits_allocated // 8} bytes need "
            f"{nr_segments} segments; the RLE header allows at most {MAX_SEGMENTS}"
        )
    nbytes = bits_allocated // 8
    if arr.dtype.itemsize > nbytes:
        raise RLEError(
            f"RLE: dtype {arr.dtype} does not fit in {bits_allocated} bits allocated"
        )
    # Widen to the allocated size (sign-extending signed data) in big-endian
    # order, so byte 0 of each sample is the most significant.
    target = np.dtype(f">{'i' if arr.dtype.kind == 'i' else 'u'}{nbytes}")
    big = np.ascontiguousarray(arr, dtype=target)
    # (R, C, S, B) -> (S, B, R, C): one plane per segment, MSB first.
    planes = big.view(np.uint8).reshape(r, c, s, nbytes).transpose(2, 3, 0, 1)
    stacked = np.ascontiguousarray(planes).reshape(nr_segments, r, c)
    segments = _segments_from_planes(stacked)

    header = np.zeros(16, dtype="<u4")
    header[0] = nr_segments
    lengths = np.array([len(seg) for seg in segments], dtype=np.int64)
    header[1 : nr_segments + 1] = _HEADER_LENGTH + np.cumsum(lengths) - lengths
    return header.tobytes() + b"".join(segments)
