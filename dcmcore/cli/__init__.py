"""The ``dcmcore`` command: ``show``, ``plugins``, ``render``, ``transcode``, ``index``, ``codify``.

Run ``dcmcore --help`` (or ``python -m dcmcore --help``) for the subcommands; every
subcommand has ``--help``. Exit codes: 0 done, 1 some inputs failed, 2 usage error,
130 interrupted. It needs the ``cli`` extra (``pip install 'dcmcore[cli]'``: rich for
tables and the progress bar, Pillow for PNG output).

Examples
--------
>>> from dcmcore.cli import main
>>> main(["show", "example:ct", "--tag", "Modality"])        # doctest: +SKIP
(0008,0060) Modality                            CS: 'CT'
0
"""

from dcmcore.cli._app import build_parser, main

__all__ = ["build_parser", "main"]
