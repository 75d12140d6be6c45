"""Memory checks before GDCM allocates: an allocation failure inside GDCM aborts.

GDCM's C++ code lets ``std::bad_alloc`` escape through the SWIG wrappers, which
terminates the process (python-gdcm issue #34; reproduced here with a 599-byte
JPEG-LS codestream of a 4096 x 4096 16-bit frame under a tight address-space limit).
A small codestream may legitimately describe a huge frame (a black image compresses
to almost nothing), so the only guard is the frame size against the memory left:
decoding peaked at 7 to 9.4 times the decoded frame size in our measurements (GDCM
copies the frame through several string streams, python-gdcm returns it as a Python
``str``), hence :data:`PEAK_FACTOR`.
"""

from __future__ import annotations

import sys

__all__ = ["PEAK_FACTOR", "DEFAULT_MAX_FRAME_BYTES", "memory_headroom", "check_frame_memory"]

#: Peak memory of a GDCM decode or encode, in multiples of the decoded frame size.
PEAK_FACTOR = 10
#: Default largest decoded frame (bytes) the plugin hands to GDCM.
DEFAULT_MAX_FRAME_BYTES = 1 << 30
# Frames whose peak stays below this are not checked against the free memory.
_SMALL_PEAK = 64 << 20


def _read_int(path: str) -> int | None:
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _meminfo(field: str, path: str = "/proc/meminfo") -> int | None:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _vm_size() -> int | None:
    return _meminfo("VmSize", "/proc/self/status")


def memory_headroom() -> int | None:
    """Bytes this process may still allocate, as far as can be told (None: unknown).

    The smallest of: the system's available memory (``MemAvailable``), the
    address-space limit (``RLIMIT_AS``) minus the current address space, and the
    cgroup v2 memory limit minus its current use. Linux only; None elsewhere.
    """
    if not sys.platform.startswith("linux"):
        return None
    found = []
    available = _meminfo("MemAvailable")
    if available is not None:
        found.append(available)
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            size = _vm_size()
            if size is not None:
                found.append(max(0, soft - size))
    except (ImportError, OSError, ValueError):
        pass
    limit = _read_int("/sys/fs/cgroup/memory.max")
    current = _read_int("/sys/fs/cgroup/memory.current")
    if limit is not None and current is not None:
        found.append(max(0, limit - current))
    return min(found) if found else None


def check_frame_memory(frame_bytes: int, max_frame_bytes: int | None) -> str | None:
    """Return why a frame of `frame_bytes` decoded bytes must not reach GDCM, or None.

    Parameters
    ----------
    frame_bytes : int
        Size of the decoded frame.
    max_frame_bytes : int or None
        The plugin's ``gdcm_max_frame_bytes`` option (None: no fixed limit).
    """
    if max_frame_bytes is not None and frame_bytes > max_frame_bytes:
        return (
            f"the frame needs {frame_bytes} bytes decoded, more than gdcm_max_frame_bytes "
            f"({max_frame_bytes})"
        )
    peak = PEAK_FACTOR * frame_bytes
    if peak < _SMALL_PEAK:
        return None
    headroom = memory_headroom()
    if headroom is not None and peak > headroom:
        return (
            f"decoding a {frame_bytes}-byte frame takes about {peak >> 20} MiB in GDCM and only "
            f"{headroom >> 20} MiB are available; GDCM aborts the process when an allocation "
            "fails"
        )
    return None
