import sys

from ._cli import main

if __name__ == "__main__":  # guarded: doctest collection imports this module
    sys.exit(main())
