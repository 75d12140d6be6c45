"""Encoding and serialisation members of :class:`~dcmcore.dataset.Dataset`.

The original encoding (VR method, byte order, character set) and its deprecated
pydicom 2 spellings, :meth:`save_as` (delegating to :func:`dcmcore.io.writer.dcmwrite`)
and the DICOM JSON members (delegating to :mod:`dcmcore.io.json`).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, MutableSequence
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset
    from dcmcore.element import DataElement

__all__ = ["EncodingMembers"]

_DEFAULT_ENCODING = "iso8859"


def _deprecated(message: str) -> None:
    warnings.warn(message, DeprecationWarning, stacklevel=3)


class EncodingMembers:
    """Mixin of :class:`~dcmcore.dataset.Dataset`: original encoding, save_as and JSON."""

    _read_implicit: bool | None = None
    _read_little: bool | None = None
    _read_charset: str | MutableSequence[str] = ""
    _is_implicit_VR: bool | None = None
    _is_little_endian: bool | None = None
    _text_encoding: Callable[[], list[str]]

    if TYPE_CHECKING:  # provided by Dataset (dataset_charset.py)

        @property
        def _character_set(self) -> list[str]: ...

    @property
    def original_character_set(self) -> str | MutableSequence[str]:
        """The character set the dataset was decoded with; ``'iso8859'`` if created from scratch.

        pydicom returns ``''`` for a dataset created from scratch; dcmcore
        follows pydicom's documentation. A sequence item read from a file
        reports the character set its text was decoded with: its own
        (0008,0005) if it has one, else the one inherited from its parent.
        """
        charset = self._read_charset
        if charset:
            return charset
        if self.__dict__.get("_read_implicit") is not None and "_parent_encoding" in self.__dict__:
            return self._text_encoding()
        return _DEFAULT_ENCODING

    @property
    def read_encoding(self) -> str | MutableSequence[str]:
        """Deprecated alias of :attr:`original_character_set`."""
        _deprecated(
            f"'{type(self).__name__}.read_encoding' will be removed in v4.0, use "
            f"'{type(self).__name__}.original_character_set' instead"
        )
        return self.original_character_set

    @read_encoding.setter
    def read_encoding(self, value: str | MutableSequence[str]) -> None:
        _deprecated(
            f"'{type(self).__name__}.read_encoding' will be removed in v4.0, use "
            f"'{type(self).__name__}.original_character_set' instead"
        )
        self.__dict__["_read_charset"] = value

    @property
    def read_implicit_vr(self) -> bool | None:
        """Deprecated: ``original_encoding[0]``."""
        _deprecated(
            f"'{type(self).__name__}.read_implicit_vr' will be removed in v4.0, use "
            f"'{type(self).__name__}.original_encoding[0]' instead"
        )
        return self._read_implicit

    @property
    def read_little_endian(self) -> bool | None:
        """Deprecated: ``original_encoding[1]``."""
        _deprecated(
            f"'{type(self).__name__}.read_little_endian' will be removed in v4.0, use "
            f"'{type(self).__name__}.original_encoding[1]' instead"
        )
        return self._read_little

    @property
    def is_implicit_VR(self) -> bool | None:
        """The VR encoding to write with (deprecated setter, as in pydicom 3)."""
        return self._is_implicit_VR

    @is_implicit_VR.setter
    def is_implicit_VR(self, value: bool | None) -> None:
        name = type(self).__name__
        _deprecated(
            f"'{name}.is_implicit_VR' will be removed in v4.0, set the Transfer Syntax "
            f"UID or use the 'implicit_vr' argument with {name}.save_as() or "
            "dcmwrite() instead"
        )
        self.__dict__["_is_implicit_VR"] = value

    @property
    def is_little_endian(self) -> bool | None:
        """The byte order to write with (deprecated setter, as in pydicom 3)."""
        return self._is_little_endian

    @is_little_endian.setter
    def is_little_endian(self, value: bool | None) -> None:
        name = type(self).__name__
        _deprecated(
            f"'{name}.is_little_endian' will be removed in v4.0, set the Transfer Syntax "
            f"UID or use the 'little_endian' argument with {name}.save_as() or "
            "dcmwrite() instead"
        )
        self.__dict__["_is_little_endian"] = value

    @property
    def original_encoding(self) -> tuple[bool, bool] | tuple[None, None]:
        """``(implicit VR, little endian)`` as decoded, ``(None, None)`` if created from scratch."""
        return (self._read_implicit, self._read_little)  # type: ignore[return-value]

    @property
    def is_original_encoding(self) -> bool:
        """True if the encoding set for writing is the one the dataset was decoded with.

        Compares VR method, byte order and the Specific Character Set.
        """
        current = (self._is_implicit_VR, self._is_little_endian)
        if None in current or self.original_encoding != current:
            return False
        original = self.original_character_set
        if isinstance(original, str):
            original = [original]
        return list(original) == self._character_set

    def set_original_encoding(
        self,
        is_implicit_vr: bool | None,
        is_little_endian: bool | None,
        character_encoding: str | MutableSequence[str] | None = None,
    ) -> None:
        """Set the encoding the dataset was decoded with (None resets).

        Parameters
        ----------
        is_implicit_vr : bool or None
            True for implicit VR, False for explicit VR.
        is_little_endian : bool or None
            True for little endian, False for big endian.
        character_encoding : str or list of str, optional
            The original character set; unchanged when None.
        """
        d = self.__dict__
        d["_read_implicit"] = is_implicit_vr
        d["_read_little"] = is_little_endian
        if character_encoding is not None:
            d["_read_charset"] = character_encoding


    def save_as(
        self,
        filename: str | os.PathLike[str] | BinaryIO,
        /,
        _Dataset__write_like_original: bool | None = None,
        *,
        implicit_vr: bool | None = None,
        little_endian: bool | None = None,
        enforce_file_format: bool = False,
        overwrite: bool = True,
        **kwargs: Any,
    ) -> None:
        """Encode the dataset and write it to `filename` (see :func:`dcmcore.io.writer.dcmwrite`).

        Parameters
        ----------
        filename : str, PathLike or file-like
            Where to write.
        write_like_original : bool, optional
            Deprecated: use `enforce_file_format` (its opposite).
        implicit_vr, little_endian : bool, optional
            The encoding, when the Transfer Syntax UID does not give it.
        enforce_file_format : bool, optional
            Write a conformant DICOM File Format (preamble, file meta) or raise.
        overwrite : bool, optional
            If False, raise FileExistsError when `filename` exists.
        """
        from dcmcore.io.writer import dcmwrite  # facade: io sits above the data model

        write_like_original = kwargs.pop("write_like_original", _Dataset__write_like_original)
        if write_like_original is not None:
            _deprecated(
                "'write_like_original' is deprecated and will be removed in v4.0, please "
                "use 'enforce_file_format' instead"
            )
            enforce_file_format = not write_like_original
        if implicit_vr is not None and little_endian is None:
            little_endian = True
        if self.original_encoding[1] is not None:
            file_meta = self.__dict__.get("file_meta") or {}
            syntax = file_meta.get("TransferSyntaxUID", None) if file_meta else None
            use_little: bool | None = None
            try:
                use_little = syntax.is_little_endian  # type: ignore[union-attr]
            except (AttributeError, ValueError):
                use_little = little_endian if little_endian is not None else self._is_little_endian
            if use_little is not None and self.original_encoding[1] != use_little:
                raise ValueError(
                    f"'{type(self).__name__}.save_as()' cannot be used to convert between "
                    "little and big endian encoding. Please read the documentation for "
                    "dcmwrite() if this is what you really want to do"
                )
        dcmwrite(
            filename,
            self,
            implicit_vr=implicit_vr,
            little_endian=little_endian,
            enforce_file_format=enforce_file_format,
            overwrite=overwrite,
            **kwargs,
        )

    # ----------------------------------------------------------------- JSON
    def to_json_dict(
        self,
        bulk_data_threshold: int = 1024,
        bulk_data_element_handler: Callable[[DataElement], str] | None = None,
        suppress_invalid_tags: bool = False,
    ) -> dict[str, Any]:
        """Return the dataset as a DICOM JSON Model dict (Part 18, Annex F)."""
        from dcmcore.io import json as dicom_json  # facade: io sits above the data model

        return dicom_json.to_json_dict(
            self, bulk_data_threshold, bulk_data_element_handler, suppress_invalid_tags
        )

    def to_json(
        self,
        bulk_data_threshold: int = 1024,
        bulk_data_element_handler: Callable[[DataElement], str] | None = None,
        dump_handler: Callable[[dict[str, Any]], str] | None = None,
        suppress_invalid_tags: bool = False,
    ) -> str:
        """Return the dataset as a DICOM JSON string (``json.dumps`` with sorted keys by default)."""
        import json

        data = self.to_json_dict(
            bulk_data_threshold, bulk_data_element_handler, suppress_invalid_tags
        )
        if dump_handler is None:
            return json.dumps(data, sort_keys=True)
        return dump_handler(data)

    @classmethod
    def from_json(
        cls,
        json_dataset: dict[str, Any] | str | bytes | bytearray,
        bulk_data_uri_handler: Callable[..., Any] | None = None,
    ) -> Dataset:
        """Return a dataset from a DICOM JSON Model object (dict, str or bytes).

        :meth:`FileDataset.from_json <dcmcore.filedataset.FileDataset.from_json>`
        (which needs a source to be created) gives a FileDataset with no file
        and plain dataset items; pydicom raises TypeError there.
        """
        from dcmcore.io import json as dicom_json  # facade: io sits above the data model

        return dicom_json.from_json(json_dataset, bulk_data_uri_handler, dataset_class=cls)
