"""fairlib — the small library behind the fair-division companion book.

Every public name of the two paper subpackages is importable from ``fairlib``
as well as from its subpackage (``fairlib.loss`` is ``fairlib.divisible.loss``).

Subpackages and modules
-----------------------
divisible
    Paper A (Shirali, Finocchiaro, Abebe, FAccT 2024): divisible goods,
    linear utilities, Fehr–Schmidt inequality-averse agents.
cardinality
    Paper B (Lam, Li, Sun, AAAI 2025): the price of cardinality for indivisible
    goods, and beyond it the exact price of small cells with certificates.
figures
    Deterministic, citable figure files with their metadata.
notebook, params, paths
    What the pages use: one-call glue, parameter checks, repository paths.
sweep, cluster
    Parameter sweeps of the notebooks on a Dask cluster (local by default).
"""

from . import cardinality, divisible
from .cardinality import *  # noqa: F403  (the names of cardinality.__all__)
from .divisible import *  # noqa: F403  (the names of divisible.__all__)

__version__ = "0.1.0"

__all__ = [*cardinality.__all__, *divisible.__all__]
