"""Pixel data: native unpacking, encapsulation, the pixel API of ``Dataset``.

``Dataset`` delegates its pixel members here: ``pixel_array(ds, **opts)``,
``decompress(ds, ...)``, ``compress(ds, ...)``, ``set_pixel_data(ds, ...)``,
``overlay_array(ds, group)``, ``waveform_array(ds, index)``; the dataset keeps its own
options and cached array (:mod:`dcmcore.pixel_members`), these functions keep no state
on it. ``pixel_array`` and ``iter_pixels`` also accept a path or a binary file and
then read only the frames they decode. Codecs are reached through :mod:`dcmcore.codecs`.
``pixel_array``, ``iter_pixels``, ``compress``, ``decompress`` and ``set_pixel_data``
have pydicom 3's signatures (:mod:`dcmcore.pixels.utils`).
:func:`shutdown_pools` stops the worker processes of parallel decoding (``workers=``).
The errors are defined in :mod:`dcmcore.errors` and re-exported here.
"""

from dcmcore.errors import (
    MissingElementError,
    NoEncoderError,
    PixelDataError,
    UnknownPluginError,
    WorkerProcessError,
)
from dcmcore.pixels.colour import convert_colour_space
from dcmcore.pixels.decoders import get_decoder
from dcmcore.pixels.encapsulation import (
    encapsulate,
    encapsulate_extended,
    generate_fragmented_frames,
    generate_fragments,
    generate_frames,
    get_frame,
    parse_basic_offsets,
    parse_fragments,
)
from dcmcore.pixels.encoders import get_encoder
from dcmcore.pixels.native import pack_bits, unpack_bits
from dcmcore.pixels.overlays import overlay_array, waveform_array
from dcmcore.pixels.parallel import shutdown_pools
from dcmcore.pixels.processing import (
    apply_color_lut,
    apply_icc_profile,
    apply_modality_lut,
    apply_presentation_lut,
    apply_rescale,
    apply_voi,
    apply_voi_lut,
    apply_windowing,
    convert_color_space,
    create_icc_transform,
)
from dcmcore.pixels.record import DecodedBy, decoded_by
from dcmcore.pixels.utils import (
    as_pixel_options,
    compress,
    decompress,
    iter_pixels,
    pixel_array,
    set_pixel_data,
)

__all__ = [
    "DecodedBy",
    "decoded_by",
    "pixel_array",
    "iter_pixels",
    "decompress",
    "compress",
    "set_pixel_data",
    "overlay_array",
    "waveform_array",
    "convert_colour_space",
    "encapsulate",
    "encapsulate_extended",
    "generate_fragmented_frames",
    "generate_fragments",
    "generate_frames",
    "get_frame",
    "parse_basic_offsets",
    "parse_fragments",
    "pack_bits",
    "unpack_bits",
    "convert_color_space",
    "shutdown_pools",
    "PixelDataError",
    "MissingElementError",
    "NoEncoderError",
    "UnknownPluginError",
    "WorkerProcessError",
    "apply_color_lut",
    "apply_icc_profile",
    "apply_modality_lut",
    "apply_presentation_lut",
    "apply_rescale",
    "apply_voi",
    "apply_voi_lut",
    "apply_windowing",
    "create_icc_transform",
    "as_pixel_options",
    "get_decoder",
    "get_encoder",
]
