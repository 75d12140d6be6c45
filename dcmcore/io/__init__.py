"""Reading and writing: DICOM Part 10 files and bare datasets, and the DICOM JSON model.

The usual entry points are re-exported at the top of the package
(:func:`dcmcore.dcmread`, :func:`dcmcore.dcmwrite`); this package gathers the
Part 10 functions in one place:

>>> from dcmcore.io import dcmread, dcmwrite
>>> from dcmcore import examples
>>> ds = dcmread(examples.get_path("ct"), stop_before_pixels=True)
>>> ds.Modality
'CT'

The modules: :mod:`~dcmcore.io.reader` (files and streams to datasets),
:mod:`~dcmcore.io.parser` and :mod:`~dcmcore.io.scan` (the element and sequence
scanners the reader uses), :mod:`~dcmcore.io.writer` and :mod:`~dcmcore.io.encoder`
(datasets to bytes), :mod:`~dcmcore.io.json` (the DICOM JSON model).
"""

from dcmcore.io.reader import dcmread, read_file_meta_info
from dcmcore.io.writer import dcmwrite, write_file_meta_info

__all__ = ["dcmread", "dcmwrite", "read_file_meta_info", "write_file_meta_info"]
