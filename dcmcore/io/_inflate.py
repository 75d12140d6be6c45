"""Inflating a deflated data set (Deflated Explicit VR Little Endian) with bounded work.

A deflate stream can expand about 1000 times; a few megabytes of hostile input would
otherwise inflate to gigabytes. :func:`inflate_dataset` refuses to grow past an absolute
limit, and past a limit proportional to the compressed bytes consumed so far
(``config.settings.deflate_ratio_limit`` times, plus :data:`RATIO_ALLOWANCE`), so a bomb
is refused after a few tens of megabytes, in well under a second.
"""

from __future__ import annotations

import zlib
from typing import Final

from dcmcore.errors import MalformedDataError, TruncatedDataError
from dcmcore.io.scan import problem

__all__ = ["inflate_dataset", "RATIO_ALLOWANCE"]

#: Inflated bytes always allowed on top of the ratio limit (small, very compressible data
#: sets such as a blank image must still read).
RATIO_ALLOWANCE: Final = 64 * 2**20
#: Compressed bytes fed to the inflater at a time (the ratio is checked after each).
_IN_CHUNK: Final = 64 * 2**10
#: Inflated bytes produced at a time.
_OUT_CHUNK: Final = 2**20


def inflate_dataset(
    data: memoryview | bytes, *, offset: int, limit: int, ratio: float | None
) -> bytes:
    """Inflate the raw deflate stream `data` of a deflated data set.

    Parameters
    ----------
    data : bytes-like
        The deflated bytes (everything after the File Meta Information).
    offset : int
        File offset of ``data[0]``, for messages.
    limit : int
        Largest inflated size accepted, whatever the compression ratio.
    ratio : float or None
        The inflated size may not exceed `ratio` times the compressed bytes consumed so
        far plus :data:`RATIO_ALLOWANCE`; None: only `limit` applies.

    Returns
    -------
    bytes

    Raises
    ------
    MalformedDataError
        The stream is corrupt, or inflates past a limit (a deflate bomb): the message
        names the limit, the compressed offset reached and the offset of the stream.
    TruncatedDataError
        The stream ends early (only warns in lenient reads).
    """
    view = memoryview(data).cast("B")
    total = len(view)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    out = bytearray()
    fed = 0
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                chunk: bytes | memoryview = inflater.unconsumed_tail
            elif fed < total:
                chunk = view[fed : fed + _IN_CHUNK]
                fed += len(chunk)
            else:
                break
            out += inflater.decompress(chunk, min(limit + 1 - len(out), _OUT_CHUNK))
            consumed = fed - len(inflater.unconsumed_tail)
            bound = limit
            if ratio is not None:
                bound = min(limit, int(ratio * consumed) + RATIO_ALLOWANCE)
            if len(out) > bound:
                why = (
                    f"more than {limit} bytes"
                    if bound == limit
                    else f"more than {ratio:g} times its compressed size "
                    f"({len(out)} bytes from the first {consumed} compressed bytes; "
                    "see config.settings.deflate_ratio_limit)"
                )
                raise MalformedDataError(
                    f"deflated data set inflates to {why}, {total} bytes compressed; "
                    "refusing to inflate further (a deflate bomb?)",
                    offset=offset + consumed,
                )
    except zlib.error as exc:
        raise MalformedDataError(
            f"corrupt deflated data set ({exc})", offset=offset + fed
        ) from exc
    if not inflater.eof:
        problem(
            TruncatedDataError(
                "deflated data set ends before its deflate stream", offset=offset + total
            ),
            stacklevel=5,
        )
    return bytes(out)
