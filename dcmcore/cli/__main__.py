"""``python -m dcmcore.cli``: the ``dcmcore`` command."""

import sys

from dcmcore.cli import main

if __name__ == "__main__":
    sys.exit(main())
