"""fairlib — the small library behind the fair-division companion book.

Modules
-------
divisible
    Paper A (Shirali, Finocchiaro, Abebe, FAccT 2024): divisible goods,
    linear utilities, Fehr–Schmidt inequality-averse agents.
cardinality
    Paper B (Lam, Li, Sun): the price of cardinality for indivisible goods.
figures
    Deterministic, citable figure files.
sweep
    Parameter sweeps of the notebooks through papermill.
"""
__version__ = "0.1.0"
