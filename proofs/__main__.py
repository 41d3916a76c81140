"""``python -m proofs [NAME ...] [--json] [--timeout S]``: check the paper's statements."""

import sys

from ._report import main

sys.exit(main())
