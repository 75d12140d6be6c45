"""Which pylibjpeg backends are installed, read from pylibjpeg's own entry points.

pylibjpeg's plugins announce themselves in the entry-point groups
``pylibjpeg.pixel_data_decoders`` and ``pylibjpeg.pixel_data_encoders``: one entry per
transfer syntax UID, whose value names the backend module and function, e.g.
``1.2.840.10008.1.2.4.50 = libjpeg:decode_pixel_data``. This module reads those
groups with :mod:`importlib.metadata` (package metadata only: nothing is imported) and
reports, per backend module, the syntaxes it registered and the distribution that
registered them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

__all__ = ["DECODER_GROUP", "ENCODER_GROUP", "Backend", "backends", "backend", "clear_cache"]

DECODER_GROUP = "pylibjpeg.pixel_data_decoders"
ENCODER_GROUP = "pylibjpeg.pixel_data_encoders"


@dataclass(frozen=True)
class Backend:
    """What one backend module registered with pylibjpeg.

    Attributes
    ----------
    module : str
        The module named by the entry points (``"libjpeg"``, ``"openjpeg"``, ``"rle"``).
    distribution : str
        The distribution that declared them (``"pylibjpeg-libjpeg"``...), ``""`` if unknown.
    decodes, encodes : tuple of str
        Transfer syntax UIDs it registered as decoder and as encoder.
    """

    module: str
    distribution: str
    decodes: tuple[str, ...]
    encodes: tuple[str, ...]


def _read(group: str, found: dict[str, dict[str, object]]) -> None:
    key = "decodes" if group == DECODER_GROUP else "encodes"
    for ep in metadata.entry_points(group=group):
        module = ep.value.split(":", 1)[0].strip().split(".", 1)[0]
        record = found.setdefault(module, {"decodes": set(), "encodes": set(),
                                           "distribution": ""})
        uids = record[key]
        assert isinstance(uids, set)
        uids.add(ep.name.strip())
        dist = getattr(ep, "dist", None)
        if dist is not None and not record["distribution"]:
            record["distribution"] = str(dist.metadata["Name"] or dist.name or "")


@lru_cache(maxsize=1)
def backends() -> dict[str, Backend]:
    """Return ``{module: Backend}`` for every backend registered with pylibjpeg.

    Read once per process (:func:`clear_cache` forgets it); nothing is imported.
    """
    found: dict[str, dict[str, object]] = {}
    for group in (DECODER_GROUP, ENCODER_GROUP):
        _read(group, found)
    out = {}
    for module, rec in sorted(found.items()):
        decodes, encodes = rec["decodes"], rec["encodes"]
        assert isinstance(decodes, set) and isinstance(encodes, set)
        out[module] = Backend(module, str(rec["distribution"]), tuple(sorted(decodes)),
                              tuple(sorted(encodes)))
    return out


def backend(module: str) -> Backend | None:
    """Return what `module` registered with pylibjpeg, or None when it registered nothing."""
    return backends().get(module)


def clear_cache() -> None:
    """Forget what :func:`backends` read (after installing or removing a backend)."""
    backends.cache_clear()
