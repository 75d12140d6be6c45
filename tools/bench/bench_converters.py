"""Agreement and speed of dcmcore.converters.decode_value against pydicom's conversion.

Run: .venv/bin/python tools/bench/bench_converters.py

For every non-sequence element of every file in pydicom's test_files and
charset_files that pydicom reads, decode the raw bytes with both libraries and
compare str() and type; encode dcmcore's value back and decode it again; then
count values re-encoded to the identical bytes; then time both conversions over
the same elements (best of 5 runs).
"""

from __future__ import annotations

import collections
import glob
import os
import time
import warnings

import pydicom
from pydicom.charset import convert_encodings as p_convert_encodings
from pydicom.dataelem import RawDataElement
from pydicom.values import convert_value

from dcmcore.charset import convert_encodings
from dcmcore.converters import decode_value, encode_value

DATA = os.path.join(os.path.dirname(pydicom.__file__), "data")


def _text(value):
    if isinstance(value, (list, pydicom.multival.MultiValue)) or hasattr(value, "_list"):
        return [_text(v) for v in value]
    return str(value)


def _type(value):
    return {"UID": "str", "list": "MultiValue"}.get(type(value).__name__, type(value).__name__)


def collect():
    paths = glob.glob(os.path.join(DATA, "test_files", "**", "*"), recursive=True)
    paths += glob.glob(os.path.join(DATA, "charset_files", "*"))
    elements = []

    def walk(ds, p_enc, m_enc):
        charset = ds.get("SpecificCharacterSet")
        if charset is not None:
            p_enc, m_enc = p_convert_encodings(charset), convert_encodings(charset)
        for tag in list(ds._dict):
            raw = ds.get_item(tag)
            if not isinstance(raw, RawDataElement):
                continue
            try:
                elem = ds[tag]
            except Exception:
                continue
            if elem.VR == "SQ":
                for item in elem.value:
                    walk(item, p_enc, m_enc)
            elif raw.value is not None:
                elements.append((elem.VR, raw._replace(VR=elem.VR), elem.value, p_enc, m_enc))

    files = 0
    for path in sorted(paths):
        if not os.path.isfile(path):
            continue
        try:
            ds = pydicom.dcmread(path, force=True)
            walk(ds, p_convert_encodings(None), convert_encodings(None))
            files += 1
        except Exception:
            continue
    return files, elements


def main() -> None:
    warnings.simplefilter("ignore")
    files, elements = collect()
    stats = collections.Counter()
    for vr, raw, theirs, _, m_enc in elements:
        le = raw.is_little_endian
        mine = decode_value(vr, raw.value, little_endian=le, encodings=m_enc, tag=raw.tag)
        same = _text(mine) == _text(theirs) and _type(mine) == _type(theirs)
        stats["agree" if same else "differ"] += 1
        encoded = encode_value(vr, mine, little_endian=le, encodings=m_enc)
        stats["bytes_identical" if encoded == raw.value else "bytes_changed"] += 1
        back = decode_value(vr, encoded, little_endian=le, encodings=m_enc)
        if isinstance(mine, bytes):
            ok = back.rstrip(b"\0") == mine.rstrip(b"\0")
        else:
            ok = _text(back) == _text(mine)
        stats["round_trip_ok" if ok else "round_trip_bad"] += 1
    print(f"{files} files, {len(elements)} elements: {dict(stats)}")

    small = [e for e in elements if len(e[1].value) < 100_000]

    def run_pydicom():
        for vr, raw, _, p_enc, _ in small:
            convert_value(vr, raw, p_enc)

    def run_dcmcore():
        for vr, raw, _, _, m_enc in small:
            decode_value(vr, raw.value, little_endian=raw.is_little_endian, encodings=m_enc,
                         tag=raw.tag)

    for name, fn in (("pydicom.values.convert_value", run_pydicom),
                     ("dcmcore.converters.decode_value", run_dcmcore)):
        best = min(_timed(fn) for _ in range(5))
        print(f"{name:34s} {best * 1e3:7.1f} ms for {len(small)} elements "
              f"({best / len(small) * 1e6:.2f} us/element)")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
