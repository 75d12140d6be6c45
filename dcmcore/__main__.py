"""``python -m dcmcore``: the ``dcmcore`` command (see :mod:`dcmcore.cli`)."""

import sys

from dcmcore.cli import main

if __name__ == "__main__":
    sys.exit(main())
