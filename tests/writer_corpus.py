"""Differential round-trip harness for dcmwrite over pydicom's bundled files.

Used by tests/io/test_writer.py; run directly for figures::

    .venv/bin/python tests/writer_corpus.py
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

SWAP = {"OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8}
IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
EXPLICIT_BE = "1.2.840.10008.1.2.2"
TARGETS = {"implicit LE": (True, True, IMPLICIT_LE), "explicit LE": (False, True, EXPLICIT_LE),
           "explicit BE": (False, False, EXPLICIT_BE)}


def corpus_files() -> list[Path]:
    """The DICOM files of pydicom's test and charset corpora."""
    import pydicom

    root = Path(pydicom.__file__).parent / "data"
    out = []
    for folder in ("test_files", "charset_files"):
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or path.name == "README" or path.suffix in (
                    ".json", ".txt", ".dump", ".gz", ".icc", ".py", ".pyc"):
                continue
            out.append(path)
    return out


def pydicom_readable(path: Path) -> bool:
    """True if pydicom reads `path` (with force=True: a few corpus files have no preamble)."""
    import pydicom

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(path, force=True)
            for _ in ds.iterall():
                pass
    except Exception:
        return False
    return True


def dcmcore_readable(path: Path) -> bool:
    """True if dcmcore reads `path` and every element in it (reader problems are not ours)."""
    import dcmcore

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in dcmcore.dcmread(path, force=True).iterall():
                pass
    except Exception:
        return False
    return True


def swap(value: bytes, size: int) -> bytes:
    n = len(value) - len(value) % size
    out = bytearray(value)
    for i in range(size):
        out[i:n:size] = value[size - 1 - i:n:size]
    return bytes(out)


def _word_size(ds: Any, tag: int, vr: str) -> int:
    """Bytes swapped as one unit in a big endian OW-like value of `tag`.

    Pixel Data and Waveform Data in OW are swapped in units of their Bits Allocated
    (32 and 64 bits allocated included), other OW values in 16-bit words.
    """
    keyword = {0x7FE00010: "BitsAllocated", 0x54001010: "WaveformBitsAllocated"}.get(tag)
    bits = ds.get(keyword) if keyword and vr == "OW" else None
    if isinstance(bits, int) and bits in (32, 64):
        return bits // 8
    return SWAP[vr]


def _norm(vr: str, value: Any, little: bool, word: int = 0) -> Any:
    if isinstance(value, (bytes, bytearray)) and not little and vr in SWAP:
        return swap(bytes(value), word or SWAP[vr])
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return [str(v) if type(v).__name__ == "PersonName" else v for v in value]
    if type(value).__name__ == "PersonName":
        return str(value)
    return value


def _padded(va: Any, vb: Any) -> bool:
    """True if `vb` is `va` with the one pad byte added to an odd-length value."""
    return (isinstance(va, bytes) and isinstance(vb, bytes) and len(va) % 2 == 1
            and vb[:-1] == va and vb[-1:] in (b"\x00", b" "))


def compare(a: Any, b: Any, little_a: bool = True, little_b: bool = True,
            path: str = "", implicit_target: bool = False) -> list[str]:
    """Differences between two datasets (same library), OW-like bytes compared in LE order
    (see :func:`_word_size`).

    Group length values are not compared (the writer recomputes them, and several
    corpus files have wrong ones), and retired group lengths (groups above 6, which
    the writer drops as pydicom does) not even for presence. Odd-length byte values that come back with one
    pad byte count as equal. With `implicit_target`, VR differences (implicit VR
    does not keep the VR: OB pixel data reads back as OW, private tags as UN or as
    their private dictionary VR) are reported with the prefix ``vr-lost``.
    """
    diffs: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # retired group lengths (PS3.5 7.2) are dropped by the writer, as pydicom does
        tags_a = {int(e.tag) for e in a if e.tag & 0xFFFF or e.tag >> 16 <= 6}
        tags_b = {int(e.tag) for e in b if e.tag & 0xFFFF or e.tag >> 16 <= 6}
        for t in sorted(tags_a ^ tags_b):
            diffs.append(f"{path}({t >> 16:04X},{t & 0xFFFF:04X}) only in "
                         f"{'first' if t in tags_a else 'second'}")
        for t in sorted(tags_a & tags_b):
            ea, eb = a[t], b[t]
            where = f"{path}({t >> 16:04X},{t & 0xFFFF:04X})"
            if t & 0xFFFF == 0:
                continue
            if ea.VR != eb.VR:
                prefix = "vr-lost " if implicit_target else ""
                diffs.append(f"{prefix}{where} VR {ea.VR} != {eb.VR}")
                continue
            if ea.VR == "SQ":
                if len(ea.value) != len(eb.value):
                    diffs.append(f"{where} {len(ea.value)} items != {len(eb.value)}")
                    continue
                for i, (ia, ib) in enumerate(zip(ea.value, eb.value)):
                    diffs.extend(compare(ia, ib, little_a, little_b, f"{where}[{i}].",
                                         implicit_target))
                continue
            word = _word_size(a, t, ea.VR) if ea.VR in SWAP else 0
            va = _norm(ea.VR, ea.value, little_a, word)
            vb = _norm(eb.VR, eb.value, little_b, word)
            if va != vb and not _padded(va, vb):
                diffs.append(f"{where} {ea.VR} value {str(va)[:60]!r} != {str(vb)[:60]!r}")
    return diffs


def _little(ds: Any) -> bool:
    enc = ds.original_encoding
    return True if enc[1] is None else bool(enc[1])


def encapsulated_or_deflated(ds: Any) -> bool:
    ts = str(getattr(ds, "file_meta", {}).get("TransferSyntaxUID", "") or "")
    return ts not in ("", IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE)


def roundtrip_same(path: Path, convert: bool = False) -> list[str]:
    """dcmcore read -> write as-is -> dcmcore and pydicom read back; return differences.

    With `convert`, every element is converted (accessed) before writing, so
    values are encoded from Python objects instead of copied.
    """
    import pydicom

    import dcmcore

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = dcmcore.dcmread(path, force=True)
        if convert:
            for _ in ds.iterall():
                pass
        out = io.BytesIO()
        dcmcore.dcmwrite(out, ds)
        data = out.getvalue()
        back = dcmcore.dcmread(io.BytesIO(data), force=True)
        diffs = [f"dcmcore: {d}" for d in compare(dcmcore.dcmread(path, force=True), back)]
        p_orig = pydicom.dcmread(path, force=True)
        p_back = pydicom.dcmread(io.BytesIO(data), force=True)
        diffs += [f"pydicom: {d}" for d in compare(p_orig, p_back)]
    return diffs


def roundtrip_encoding(path: Path, target: str) -> list[str] | None:
    """Write with another encoding and read back; None when not applicable."""
    import pydicom

    import dcmcore

    implicit, little, uid = TARGETS[target]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = dcmcore.dcmread(path, force=True)
        if encapsulated_or_deflated(ds):
            return None
        if ds.original_encoding == (implicit, little):
            return None
        orig_little = _little(ds)
        # the transfer syntax goes in the file meta (added when missing) so that
        # reading back needs no guess
        ds.ensure_file_meta()
        ds.file_meta.TransferSyntaxUID = uid
        kwargs: dict[str, Any] = {}
        out = io.BytesIO()
        dcmcore.dcmwrite(out, ds, **kwargs)
        data = out.getvalue()
        back = dcmcore.dcmread(io.BytesIO(data), force=True)
        diffs = [f"dcmcore: {d}" for d in compare(dcmcore.dcmread(path, force=True), back,
                                                   orig_little, little,
                                                   implicit_target=implicit)]
        p_orig = pydicom.dcmread(path, force=True)
        p_back = pydicom.dcmread(io.BytesIO(data), force=True)
        diffs += [f"pydicom: {d}" for d in compare(p_orig, p_back, orig_little, little,
                                                   implicit_target=implicit)]
    return diffs


def main() -> None:
    files = [p for p in corpus_files() if pydicom_readable(p)]
    print(f"{len(files)} files that pydicom reads (force=True)")
    unread = [p.name for p in files if not dcmcore_readable(p)]
    files = [p for p in files if p.name not in unread]
    print(f"{len(unread)} of them dcmcore's reader cannot read fully (skipped): {unread}")
    same_ok = 0
    for path in files:
        try:
            diffs = roundtrip_same(path)
        except Exception as exc:  # noqa: BLE001
            diffs = [f"error {type(exc).__name__}: {exc}"]
        same_ok += not diffs
        if diffs:
            print(f"  as-is {path.name}: {len(diffs)} diffs, e.g. {diffs[:3]}")
    print(f"as-is round trip: {same_ok}/{len(files)} identical")
    conv_ok = 0
    for path in files:
        try:
            diffs = roundtrip_same(path, convert=True)
        except Exception as exc:  # noqa: BLE001
            diffs = [f"error {type(exc).__name__}: {exc}"]
        conv_ok += not diffs
        if diffs:
            print(f"  converted {path.name}: {len(diffs)} diffs, e.g. {diffs[:3]}")
    print(f"as-is round trip of converted values: {conv_ok}/{len(files)} identical")
    for target in TARGETS:
        ok = total = vr_lost = 0
        for path in files:
            try:
                diffs = roundtrip_encoding(path, target)
            except Exception as exc:  # noqa: BLE001
                diffs = [f"error {type(exc).__name__}: {exc}"]
            if diffs is None:
                continue
            total += 1
            real = [d for d in diffs if "vr-lost" not in d]
            vr_lost += len(diffs) - len(real)
            ok += not real
            if real:
                print(f"  {target} {path.name}: {len(diffs)} diffs, e.g. {diffs[:3]}")
        print(f"to {target}: {ok}/{total} identical"
              + (f" (VRs not kept by implicit VR: {vr_lost} elements)" if vr_lost else ""))


if __name__ == "__main__":
    main()
