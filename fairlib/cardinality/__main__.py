"""``python -m fairlib.cardinality price-of-k ...``: see :mod:`.price_of_k`."""

import sys

from .price_of_k import main

if __name__ == "__main__":
    sys.exit(main())
