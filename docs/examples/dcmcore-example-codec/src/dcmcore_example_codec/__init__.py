"""dcmcore-example-codec: zlib frames for Deflated Image Frame Compression.

The plugin module is :mod:`dcmcore_example_codec.plugin`; this package imports
nothing so that listing plugins stays cheap.
"""

__version__ = "1.0.0"
