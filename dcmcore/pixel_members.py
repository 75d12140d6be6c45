"""The pixel members of :class:`~dcmcore.dataset.Dataset`, delegates to :mod:`dcmcore.pixels`.

This mixin is the one owner of a dataset's pixel state: the options set by
:meth:`~PixelMembers.pixel_array_options` and the cached array of
:attr:`~PixelMembers.pixel_array` (kept until an element it depends on changes). The
functions of :mod:`dcmcore.pixels` keep no state on a dataset. ``dcmcore.pixels`` is
imported only when one of these members is used (it needs numpy and the codecs).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, cast

from dcmcore.element import DataElement
from dcmcore.tag import PIXEL_DATA_TAGS, BaseTag

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from dcmcore import pixels
    from dcmcore.dataset import Dataset
    from dcmcore.pixels import DecodedBy
else:
    pixels = None  # dcmcore.pixels once a pixel member is used (_import_pixels)

__all__ = ["PixelMembers"]

# elements whose change invalidates a cached pixel array: the Image Pixel module, the
# Extended Offset Table and the pixel data (the Transfer Syntax UID is in the file meta)
_PIXEL_ID_TAGS = (
    0x00280002, 0x00280004, 0x00280006, 0x00280008, 0x00280010, 0x00280011,
    0x00280100, 0x00280101, 0x00280103, 0x7FE00001, *sorted(PIXEL_DATA_TAGS),
)  # fmt: skip


def _import_pixels() -> None:
    """Bind :mod:`dcmcore.pixels` to this module's ``pixels`` on first pixel use."""
    global pixels
    if pixels is None:
        from dcmcore import pixels as module  # deferred: numpy and the codecs

        pixels = module


def _dataset(members: PixelMembers) -> Dataset:
    """`members` as the :class:`Dataset` it is mixed into (for the type checker)."""
    return cast("Dataset", members)


def _deprecated(message: str) -> None:
    warnings.warn(message, DeprecationWarning, stacklevel=3)


class PixelMembers:
    """Mixin of :class:`~dcmcore.dataset.Dataset`: pixel_array, compress, decompress, ..."""

    _pixel_array: Any = None
    _dict: Any

    def _reset_pixel_cache(self) -> None:
        d = self.__dict__
        if d.get("_pixel_array") is not None or d.get("_pixel_id"):
            d["_pixel_array"] = None
            d["_pixel_id"] = {}

    def _pixel_ids(self) -> dict[int, int]:
        elements = self._dict
        ids = {}
        for tag in _PIXEL_ID_TAGS:
            elem = elements.get(tag)
            if elem is not None:
                ids[tag] = id(elem.value) if isinstance(elem, DataElement) else id(elem)
        meta = self.__dict__.get("file_meta")
        if meta is not None and 0x00020010 in meta._dict:
            ids[0x00020010] = id(meta._dict[BaseTag(0x00020010)])
        return ids

    @property
    def pixel_array(self) -> np.ndarray:
        """The pixel data as a numpy array (decoded by :func:`dcmcore.pixels.pixel_array`).

        Options come from :meth:`pixel_array_options`; the array is cached
        until a pixel-related element changes.
        """
        _import_pixels()
        d = self.__dict__
        ids = self._pixel_ids()
        if d.get("_pixel_array") is None or d.get("_pixel_id") != ids:
            options = d.get("_pixel_array_opts", {})
            d["_pixel_array"] = pixels.pixel_array(_dataset(self), **options)
            d["_pixel_id"] = self._pixel_ids()
        return d["_pixel_array"]

    @property
    def decoded_by(self) -> DecodedBy | None:
        """Which codec plugins decoded this dataset's compressed pixel data (read-only).

        A :class:`dcmcore.pixels.DecodedBy` after :attr:`pixel_array` decoded compressed
        pixel data or :meth:`decompress` decompressed it, as long as Pixel Data is the
        value they saw or wrote; None otherwise (native pixel data: no codec).

        Examples
        --------
        >>> ds = dcmcore.dcmread("ct_rle.dcm")  # doctest: +SKIP
        >>> ds.pixel_array.shape  # doctest: +SKIP
        (512, 512)
        >>> ds.decoded_by.decoder, ds.decoded_by.distributions  # doctest: +SKIP
        ('rle', ('dcmcore-rle',))
        """
        _import_pixels()
        return pixels.decoded_by(_dataset(self))

    def pixel_array_options(
        self,
        *,
        index: int | None = None,
        raw: bool = False,
        decoding_plugin: str = "",
        use_v2_backend: bool = False,
        **kwargs: Any,
    ) -> None:
        """Set the decoding options used by :attr:`pixel_array` (they replace earlier ones).

        Parameters
        ----------
        index : int, optional
            Decode only this frame (0-based).
        raw : bool
            Skip the colour space conversion.
        decoding_plugin : str
            Use only this decoding plugin.
        use_v2_backend : bool
            Ignored (pydicom's; a ``DeprecationWarning``).
        **kwargs
            Options of :func:`dcmcore.pixels.pixel_array` (core and plugin options).

        Examples
        --------
        >>> ds.pixel_array_options(index=0, workers=2)  # doctest: +SKIP
        >>> ds.pixel_array.shape  # doctest: +SKIP
        (512, 512)
        """
        if use_v2_backend:
            _deprecated("'use_v2_backend' is ignored: dcmcore has a single pixel backend")
        options: dict[str, Any] = {"index": index, "raw": raw, **kwargs}
        if decoding_plugin:
            options["decoding_plugin"] = decoding_plugin.lower()
        self.__dict__["_pixel_array_opts"] = options
        self._reset_pixel_cache()

    def convert_pixel_data(self, handler_name: str = "") -> None:
        """Deprecated: decode the pixel data into the :attr:`pixel_array` cache."""
        _deprecated(
            f"'{type(self).__name__}.convert_pixel_data()' is deprecated and will be "
            "removed in v4.0, use 'pixel_array_options()' instead"
        )
        if handler_name:
            opts = dict(self.__dict__.get("_pixel_array_opts", {}))
            opts["decoding_plugin"] = handler_name.lower()
            self.__dict__["_pixel_array_opts"] = opts
        self._reset_pixel_cache()
        self.pixel_array  # noqa: B018

    def decompress(
        self,
        handler_name: str = "",
        *,
        as_rgb: bool = True,
        generate_instance_uid: bool = True,
        decoding_plugin: str = "",
        **kwargs: Any,
    ) -> None:
        """Decompress the pixel data in place (see :func:`dcmcore.pixels.decompress`)."""
        _import_pixels()
        if handler_name:
            _deprecated("'handler_name' is deprecated, use 'decoding_plugin' instead")
            decoding_plugin = decoding_plugin or handler_name
        if decoding_plugin:
            kwargs["decoding_plugin"] = decoding_plugin
        pixels.decompress(
            _dataset(self), as_rgb=as_rgb, generate_instance_uid=generate_instance_uid, **kwargs
        )
        self._reset_pixel_cache()

    def compress(
        self,
        transfer_syntax_uid: str,
        arr: np.ndarray | None = None,
        encoding_plugin: str = "",
        encapsulate_ext: bool = False,
        *,
        generate_instance_uid: bool = True,
        jls_error: int | None = None,
        j2k_cr: list[float] | None = None,
        j2k_psnr: list[float] | None = None,
        **kwargs: Any,
    ) -> None:
        """Compress the pixel data in place (see :func:`dcmcore.pixels.compress`)."""
        _import_pixels()
        pixels.compress(
            _dataset(self),
            transfer_syntax_uid,
            arr,
            encoding_plugin=encoding_plugin,
            encapsulate_ext=encapsulate_ext,
            generate_instance_uid=generate_instance_uid,
            jls_error=jls_error,
            j2k_cr=j2k_cr,
            j2k_psnr=j2k_psnr,
            **kwargs,
        )
        self._reset_pixel_cache()

    def set_pixel_data(
        self,
        arr: np.ndarray,
        photometric_interpretation: str,
        bits_stored: int,
        *,
        generate_instance_uid: bool = True,
    ) -> None:
        """Set Pixel Data and the Image Pixel elements from `arr` (see ``dcmcore.pixels``)."""
        _import_pixels()
        pixels.set_pixel_data(
            _dataset(self),
            arr,
            photometric_interpretation,
            bits_stored,
            generate_instance_uid=generate_instance_uid,
        )
        self._reset_pixel_cache()

    def overlay_array(self, group: int) -> np.ndarray:
        """Return the Overlay Data of `group` (0x6000-0x60FF) as a numpy array."""
        if not 0x6000 <= group <= 0x60FF:
            raise ValueError(
                "The group part of the 'Overlay Data' element tag must be between "
                "0x6000 and 0x60FF (inclusive)"
            )
        _import_pixels()
        return pixels.overlay_array(_dataset(self), group)

    def waveform_array(self, index: int) -> np.ndarray:
        """Return multiplex group `index` of the Waveform Sequence as a numpy array."""
        _import_pixels()
        return pixels.waveform_array(_dataset(self), index)
