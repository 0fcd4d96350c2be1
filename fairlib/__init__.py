"""fairlib — the small library behind the fair-division companion book.

Modules
-------
divisible
    Paper A (Shirali, Finocchiaro, Abebe, FAccT 2024): divisible goods,
    linear utilities, Fehr–Schmidt inequality-averse agents.
cardinality
    Paper B (Lam, Li, Sun): the price of cardinality for indivisible goods.
exact_poc
    Beyond Paper B: the exact price of cardinality of small cells, with
    certificates (also reachable as ``cardinality.exact_poc``).
figures
    Deterministic, citable figure files.
sweep
    Parameter sweeps of the notebooks through papermill.
"""
__version__ = "0.1.0"
