"""Pixel data: native unpacking, encapsulation, the pixel API of ``Dataset``.

``Dataset`` delegates its pixel members here: ``pixel_array(ds, **opts)``,
``decompress(ds, ...)``, ``compress(ds, ...)``, ``set_pixel_data(ds, ...)``,
``overlay_array(ds, group)``, ``waveform_array(ds, index)``; the dataset keeps its own
options and cached array (:mod:`dcmcore.pixel_members`), these functions keep no state
on it. ``pixel_array`` and ``iter_pixels`` also accept a path or a binary file and
then read only the frames they decode. Codecs are reached through :mod:`dcmcore.codecs`.
"""

from dcmcore.pixels.api import iter_pixels, pixel_array
from dcmcore.pixels.colour import convert_colour_space
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
from dcmcore.pixels.native import pack_bits, unpack_bits
from dcmcore.pixels.overlays import overlay_array, waveform_array
from dcmcore.pixels.parallel import WorkerProcessError
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
from dcmcore.pixels.rewrite import NoEncoderError, compress, decompress, set_pixel_data
from dcmcore.pixels.selection import UnknownPluginError
from dcmcore.pixels.validation import MissingElementError

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
]
