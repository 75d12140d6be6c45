"""Write datasets as DICOM files (Part 10) or bare encoded datasets: :func:`dcmwrite`.

The dataset is encoded in memory by :mod:`dcmcore.io.encoder` (a list of bytes
chunks, large values referenced rather than copied), then written in one go.
Writing to a path goes through an anonymous file (Linux ``O_TMPFILE``) or a temporary
file in the same folder that replaces the target only once complete, so a failure or a
kill never leaves a half-written file nor debris (:mod:`dcmcore.io._atomic`).
"""

from __future__ import annotations

import os
import stat
import threading
import warnings
import zlib
from collections.abc import Iterable
from typing import Any, BinaryIO

from dcmcore import dictionary, transfer_syntax
from dcmcore import uid as _uid
from dcmcore.dataset import Dataset, FileMetaDataset
from dcmcore.element import DataElement
from dcmcore.errors import MissingFileMetaError, WriteError
from dcmcore.io._atomic import write_atomically, write_special
from dcmcore.io.encoder import Encoding, _Context, encode_dataset
from dcmcore.tag import BaseTag
from dcmcore.uid import IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME

__all__ = [
    "dcmwrite",
    "encode_file",
    "write_dataset",
    "write_file_meta_info",
    "determine_encoding",
    "IMPLEMENTATION_CLASS_UID",
    "IMPLEMENTATION_VERSION_NAME",
]


_META_VERSION = 0x00020001
_META_SOP_CLASS = 0x00020002
_META_SOP_INSTANCE = 0x00020003
_META_TS = 0x00020010
_META_IMPL_UID = 0x00020012
_META_IMPL_NAME = 0x00020013


# ---------------------------------------------------------------------------
# encoding


def _ts_info(uid: str | None) -> Any:
    """The registry entry of `uid`, or None when unknown or not a transfer syntax."""
    if not uid:
        return None

    return transfer_syntax.get(str(uid).strip("\0 "))


def _is_known_non_ts(uid: str) -> bool:
    """True if `uid` is a known UID that is not a transfer syntax (e.g. a SOP class)."""
    try:

        info = dictionary.uid_info(str(uid).strip("\0 "))
    except Exception:  # noqa: BLE001 - no UID registry: cannot tell
        return False
    return info is not None and "transfer" not in str(info.type).lower()


def determine_encoding(
    ds: Any,
    ts_uid: str | None,
    implicit_vr: bool | None,
    little_endian: bool | None,
    force_encoding: bool = False,
) -> tuple[bool, bool]:
    """Return ``(implicit_vr, little_endian)`` for writing `ds`.

    The transfer syntax of the file meta decides when it is a known transfer
    syntax, and the arguments must agree with it; otherwise the arguments
    decide, then the dataset's ``is_implicit_VR``/``is_little_endian``, then the
    encoding it was read in.

    Raises
    ------
    WriteError
        If the encoding cannot be determined or the request is inconsistent.
    """
    if force_encoding:
        if implicit_vr is None or little_endian is None:
            raise WriteError(
                "'implicit_vr' and 'little_endian' are required if 'force_encoding' is used"
            )
        return bool(implicit_vr), bool(little_endian)
    args = (implicit_vr, little_endian)
    if implicit_vr is not None and little_endian is None:
        args = (implicit_vr, True)
    fallback: tuple[Any, Any] = (None, None)
    if None not in args:
        fallback = args
    else:
        ds_enc = (getattr(ds, "is_implicit_VR", None), getattr(ds, "is_little_endian", None))
        orig = tuple(getattr(ds, "original_encoding", (None, None)))
        if None not in ds_enc:
            fallback = ds_enc
        elif None not in orig:
            fallback = orig

    if not ts_uid:
        if None in fallback:
            raise WriteError(
                "Unable to determine the encoding to use for writing the dataset: set the "
                "file meta's Transfer Syntax UID or use the 'implicit_vr' and "
                "'little_endian' arguments"
            )
        return bool(fallback[0]), bool(fallback[1])
    ts = _ts_info(ts_uid)
    if ts is None:
        if _is_known_non_ts(ts_uid):
            raise WriteError(f"The Transfer Syntax UID '{ts_uid}' is not a transfer syntax")
        if None in fallback:
            raise WriteError(
                f"The 'implicit_vr' and 'little_endian' arguments are required when using "
                f"the private or unknown transfer syntax '{ts_uid}'"
            )
        return bool(fallback[0]), bool(fallback[1])
    if implicit_vr is not None and bool(implicit_vr) != ts.implicit_vr:
        raise WriteError(
            f"implicit_vr={implicit_vr} is not consistent with the transfer syntax "
            f"'{ts.name}' ({ts.uid}) in the file meta, which is "
            f"{'implicit' if ts.implicit_vr else 'explicit'} VR"
        )
    if little_endian is not None and bool(little_endian) != ts.little_endian:
        raise WriteError(
            f"little_endian={little_endian} is not consistent with the transfer syntax "
            f"'{ts.name}' ({ts.uid}) in the file meta, which is "
            f"{'little' if ts.little_endian else 'big'} endian"
        )
    return ts.implicit_vr, ts.little_endian


# ---------------------------------------------------------------------------
# file meta


def _meta_elements(ds: Any, file_meta: Any, enforce: bool, encoding: tuple[bool, bool]) -> Any:
    """The file meta to write: a shallow copy of `file_meta` with the additions enforced."""

    meta = FileMetaDataset()
    if file_meta is not None:
        for tag, elem in file_meta._dict.items():
            if tag >> 16 != 2:
                raise WriteError(
                    f"Only File Meta Information group (0002,eeee) elements may be present in "
                    f"'file_meta', found ({tag >> 16:04X},{tag & 0xFFFF:04X})"
                )
            meta._dict[tag] = elem
    if not enforce:
        return meta

    def value_of(tag: int) -> Any:
        return _get_value(meta, tag)

    def put(tag: int, vr: str, value: Any) -> None:
        meta._dict[BaseTag(tag)] = DataElement(tag, vr, value)

    if value_of(_META_TS) is None:
        put(
            _META_TS,
            "UI",
            {
                (True, True): _uid.ImplicitVRLittleEndian,
                (False, True): _uid.ExplicitVRLittleEndian,
                (False, False): _uid.ExplicitVRBigEndian,
            }[encoding],
        )
    ds_class = _get_value(ds, 0x00080016)
    meta_class = value_of(_META_SOP_CLASS)
    if meta_class is None or (ds_class and ds_class != meta_class):
        put(_META_SOP_CLASS, "UI", ds_class)
    ds_inst = _get_value(ds, 0x00080018)
    meta_inst = value_of(_META_SOP_INSTANCE)
    if meta_inst is None or (ds_inst and ds_inst != meta_inst):
        put(_META_SOP_INSTANCE, "UI", ds_inst)
    if value_of(_META_VERSION) is None:
        put(_META_VERSION, "OB", b"\x00\x01")
    if value_of(_META_IMPL_UID) is None:
        put(_META_IMPL_UID, "UI", IMPLEMENTATION_CLASS_UID)
    if _META_IMPL_NAME not in meta._dict:
        put(_META_IMPL_NAME, "SH", IMPLEMENTATION_VERSION_NAME)
    missing = [
        f"({t >> 16:04X},{t & 0xFFFF:04X}) {name}"
        for t, name in (
            (_META_SOP_CLASS, "Media Storage SOP Class UID"),
            (_META_SOP_INSTANCE, "Media Storage SOP Instance UID"),
            (_META_TS, "Transfer Syntax UID"),
        )
        if value_of(t) is None
    ]
    if missing:
        raise MissingFileMetaError(
            "Missing required File Meta Information elements (or they have no value): "
            + ", ".join(missing)
        )
    if 0x00020000 not in meta._dict:
        put(0x00020000, "UL", 0)  # the value is computed when encoding
    return meta


def _get_value(ds: Any, tag: int) -> Any:
    try:
        elem = ds.get(tag)
    except Exception:  # noqa: BLE001 - unreadable element: treat as absent
        return None
    if elem is None:
        return None
    value = elem.value
    return value if value not in ("", b"", None) else None


def _encode_meta(meta: Any) -> list:
    """Encode file meta elements (explicit VR little endian, group length recomputed)."""
    chunks: list = []
    encode_dataset(meta, Encoding(False, True), chunks)
    return chunks


def write_file_meta_info(fp: BinaryIO, file_meta: Any, enforce_standard: bool = True) -> None:
    """Write the File Meta Information elements of `file_meta` to `fp`.

    Parameters
    ----------
    fp : file-like
        Destination, written at its current position.
    file_meta : FileMetaDataset
        Group 2 elements only.
    enforce_standard : bool
        Add the required elements that are missing (version, implementation UID
        and name; a group length) and raise if a required one cannot be added.
    """

    meta = _meta_elements(Dataset(), file_meta, enforce_standard, (False, True))
    fp.writelines(_encode_meta(meta))


# ---------------------------------------------------------------------------
# public API


def write_dataset(
    fp: BinaryIO,
    dataset: Any,
    *,
    implicit_vr: bool | None = None,
    little_endian: bool | None = None,
) -> int:
    """Encode `dataset` alone (no preamble nor file meta) to `fp`; return bytes written.

    The encoding is taken from the arguments, else from the encoding the dataset
    was read in.
    """
    encoding = determine_encoding(dataset, None, implicit_vr, little_endian)
    chunks: list = []
    encode_dataset(dataset, Encoding(*encoding), chunks)
    fp.writelines(chunks)
    return sum(map(len, chunks))


def encode_file(
    dataset: Any,
    *,
    implicit_vr: bool | None = None,
    little_endian: bool | None = None,
    enforce_file_format: bool = False,
    force_encoding: bool = False,
) -> list:
    """Encode `dataset` as a file: return the list of bytes chunks to write in order.

    Accepts the same arguments as :func:`dcmwrite` (no destination).
    """
    cls_name = type(dataset).__name__
    bad = {tag >> 16 for tag in dataset._dict if tag >> 16 in (0, 2)}
    if 0 in bad:
        raise WriteError(
            "Command Set elements (0000,eeee) are not allowed when using dcmwrite(), "
            "use write_dataset() instead"
        )
    if bad:
        raise WriteError(
            "File Meta Information Group elements (0002,eeee) must be in a FileMetaDataset "
            f"instance in the '{cls_name}.file_meta' attribute"
        )
    if force_encoding and enforce_file_format:
        raise WriteError("'force_encoding' cannot be used with 'enforce_file_format'")
    file_meta = getattr(dataset, "file_meta", None)
    ts_uid = None
    if file_meta is not None and 0x00020010 in file_meta._dict:
        ts_uid = file_meta[0x00020010].value or None
    encoding = determine_encoding(dataset, ts_uid, implicit_vr, little_endian, force_encoding)
    if encoding == (True, False) and not force_encoding:
        raise WriteError("Implicit VR and big endian is not a valid encoding combination")

    preamble = getattr(dataset, "preamble", None)
    if preamble and len(preamble) != 128:
        raise WriteError(f"'{cls_name}.preamble' must be 128 bytes long, not {len(preamble)}")
    meta = _meta_elements(dataset, file_meta, enforce_file_format, encoding)
    if enforce_file_format:
        if not preamble:
            preamble = b"\x00" * 128
        ts_uid = meta[_META_TS].value
    ts = _ts_info(ts_uid) if not force_encoding else None

    chunks: list = []
    if preamble:
        chunks.append(bytes(preamble))
        chunks.append(b"DICM")
    if meta._dict:
        chunks.extend(_encode_meta(meta))


    enc = Encoding(*encoding)
    ctx = _Context(enc, ts.encapsulated if ts is not None and not ts.private else None)
    body: list = []
    encode_dataset(dataset, enc, body, ctx=ctx)
    if ts is not None and ts.deflated:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)
        parts = [compressor.compress(c) for c in body]
        parts.append(compressor.flush())
        deflated = b"".join(parts)
        chunks.append(deflated)
        if len(deflated) & 1:
            chunks.append(b"\x00")
    else:
        chunks.extend(body)
    return chunks


_umask_lock = threading.Lock()
_umask: int | None = None


def _default_mode() -> int:
    global _umask
    if _umask is None:
        with _umask_lock:
            if _umask is None:
                current = os.umask(0o022)
                os.umask(current)
                _umask = current
    return 0o666 & ~_umask


def _write_path(path: str, chunks: Iterable, overwrite: bool) -> None:
    """Write `chunks` to `path` atomically (see :mod:`dcmcore.io._atomic`)."""
    if not overwrite and os.path.lexists(path):
        raise FileExistsError(f"File exists and overwrite=False: '{path}'")
    if os.path.islink(path):
        path = os.path.realpath(path)  # replace the link's target, not the link
    try:
        st: os.stat_result | None = os.stat(path)
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        write_special(path, chunks)  # a device or pipe: cannot (and must not) be replaced
        return
    mode = _default_mode() if st is None else st.st_mode & 0o7777
    write_atomically(path, chunks, overwrite=overwrite, mode=mode)


def dcmwrite(
    filename: str | os.PathLike | BinaryIO,
    dataset: Any,
    /,
    __write_like_original: bool | None = None,
    *,
    implicit_vr: bool | None = None,
    little_endian: bool | None = None,
    enforce_file_format: bool = False,
    force_encoding: bool = False,
    overwrite: bool = True,
    **kwargs: Any,
) -> None:
    """Write `dataset` to `filename`, a path or a writeable file-like.

    Parameters
    ----------
    filename : str, PathLike or file-like
        Destination. A path is written atomically (an anonymous ``O_TMPFILE`` file
        on Linux, else a temporary file, in the same folder, put in place only once
        complete); a file-like is written at its current position and left open.
    dataset : Dataset or FileDataset
        The dataset; its ``file_meta`` (group 2) and ``preamble`` are written too.
    implicit_vr, little_endian : bool, optional
        The encoding, required when neither the file meta's Transfer Syntax UID
        nor the dataset's original encoding gives it; must agree with a known
        transfer syntax in the file meta.
    enforce_file_format : bool
        Write the DICOM File Format: a preamble (zeros when the dataset has
        none), ``DICM`` and complete file meta (missing required elements are
        added from the dataset and dcmcore's implementation UID and name).
        Otherwise write the dataset as it is: a preamble and ``DICM`` only if
        ``dataset.preamble`` is set, and the file meta elements present.
    force_encoding : bool
        Encode with `implicit_vr` and `little_endian` whatever the transfer syntax.
    overwrite : bool
        If False and `filename` is a path that exists, raise :class:`FileExistsError`.
    **kwargs
        Only the deprecated ``write_like_original`` (the opposite of
        `enforce_file_format`).

    Raises
    ------
    WriteError
        (a ``ValueError``) for inconsistent requests: encoding not determinable or
        contradicting the transfer syntax, implicit VR big endian, group 0 or 2
        elements in the dataset, a bad preamble, missing required file meta, or a
        value that cannot be encoded (the message names the tag).
    FileWriteError
        (a :class:`WriteError` and an ``OSError``) when writing to a path fails
        (read-only folder, full disk...): names the path and the reason; an existing
        file at the path is left intact.
    FileExistsError
        If `overwrite` is False and the file exists.

    Notes
    -----
    Raw elements are copied unconverted when read in the target encoding and
    character set. OW/OF/OD/OL/OV byte values are held in the byte order the
    dataset was read in and are byte swapped when written in the other order.
    (gggg,0000) group lengths are recomputed. Deflated transfer syntaxes deflate
    the dataset after the file meta.
    """
    write_like_original = kwargs.pop("write_like_original", None)
    if kwargs:
        raise TypeError(f"Invalid keyword argument(s) for dcmwrite(): {', '.join(kwargs)}")
    if __write_like_original is not None and write_like_original is not None:
        raise TypeError(
            "'write_like_original' cannot be used as both a positional and keyword argument"
        )
    if write_like_original is None:
        write_like_original = __write_like_original
    if write_like_original is not None:
        warnings.warn(
            "'write_like_original' is deprecated, use 'enforce_file_format' instead",
            DeprecationWarning,
            stacklevel=2,
        )
        enforce_file_format = not write_like_original

    chunks = encode_file(
        dataset,
        implicit_vr=implicit_vr,
        little_endian=little_endian,
        enforce_file_format=enforce_file_format,
        force_encoding=force_encoding,
    )
    if isinstance(filename, (str, os.PathLike)):
        _write_path(os.fsdecode(filename), chunks, overwrite)
        return
    write = getattr(filename, "write", None)
    if write is None:
        raise TypeError(
            "dcmwrite: expected a file path or a writeable file-like, got "
            f"{type(filename).__name__}"
        )
    writelines = getattr(filename, "writelines", None)
    if writelines is not None:
        writelines(chunks)
    else:
        for chunk in chunks:
            write(chunk)
