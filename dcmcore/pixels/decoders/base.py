"""pydicom 3's ``pixels.decoders.base``: the decoder class, its runner and ``get_decoder``.

``DecodeRunner`` is what a pydicom-style decoding function receives
(:class:`dcmcore.pixels._plugin_functions.PluginRunner`), so a plugin module written
for pydicom can import its type from here.
"""

from dcmcore.pixels._coders import CoderBase, Decoder
from dcmcore.pixels._plugin_functions import PluginRunner as DecodeRunner
from dcmcore.pixels.decoders import get_decoder

__all__ = ["CoderBase", "DecodeRunner", "Decoder", "get_decoder"]
