"""Paper B: a seeded hill climb toward the worst case of Theorem 1.

Theorem 1 of Paper B (Lam, Li, Sun) bounds the single-category utilitarian
price of cardinality of every instance with ``m`` items and cap ``k`` by
``(1 + sqrt(1 + (m - 1)/k))/2``.  :func:`hill_climb` searches for instances
that come close to that bound: it starts from random instances in which every
agent values a random subset of the items uniformly and repeatedly perturbs one
agent's row, keeping the change when the price of cardinality
(:func:`~fairlib.cardinality.solve.poc`) does not decrease.  Every evaluated
instance is checked against the bound; a violation would contradict Theorem 1
and raises.

:func:`rationalize_rows` turns the best (float) instance into ``Fraction``
utilities so that its ratio can be re-solved and compared with the bound
without rounding, and :func:`best_construction_ratio` gives the ratio of the
paper's own best construction (Lemma 1 / Lemma 2) with the same number of
agents, for reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .. import _validate as V
from .bounds import utilitarian_poc_bound
from .constructions import lemma2_instance
from .solve import poc

__all__ = [
    "SearchResult",
    "hill_climb",
    "rationalize_rows",
    "best_construction_ratio",
]

#: Relative slack allowed above Theorem 1's bound for a floating-point ratio.
BOUND_RTOL = 1e-12

_NOISE_SCALE = 0.3  # standard deviation of the log-normal noise move


@dataclass(frozen=True, eq=False)
class SearchResult:
    """Outcome of :func:`hill_climb` for one ``(n, m, k)`` (Paper B, Theorem 1).

    Attributes
    ----------
    n, m, k : int
        Number of agents, number of items and the cap searched.
    bound : float
        Theorem 1's bound ``(1 + sqrt(1 + (m - 1)/k))/2``
        (:func:`~fairlib.cardinality.bounds.utilitarian_poc_bound`).
    trace : numpy.ndarray of float, shape (restarts * (budget // restarts),)
        Best-so-far price of cardinality after each perturbation, over all
        restarts; non-decreasing, read-only.
    best_u : numpy.ndarray of float, shape (n, m)
        The instance (rows normalized to ``u_i(M) = 1``) whose ratio is
        ``trace[-1]``; read-only.
    """

    n: int
    m: int
    k: int
    bound: float
    trace: np.ndarray
    best_u: np.ndarray

    @property
    def best_ratio(self) -> float:
        """The best price of cardinality found, ``trace[-1]``."""
        return float(self.trace[-1])

    @property
    def evaluations(self) -> int:
        """Number of perturbations tried, ``len(trace)``."""
        return int(self.trace.size)


# ----------------------------------------------------------------------------
# the local moves: each changes row i of v in place (and draws from rng in a
# fixed order, so a seeded search is reproducible)
# ----------------------------------------------------------------------------
def _move_mass(v: np.ndarray, i: int, rng: np.random.Generator) -> None:
    """Move a uniform fraction of one item's value to another item."""
    g, h = rng.choice(v.shape[1], 2, replace=False)
    delta = v[i, g] * rng.uniform()
    v[i, g] -= delta
    v[i, h] += delta


def _copy_row(v: np.ndarray, i: int, rng: np.random.Generator) -> None:
    """Copy another (random) agent's utilities."""
    v[i] = v[rng.integers(v.shape[0])]


def _noise(v: np.ndarray, i: int, rng: np.random.Generator) -> None:
    """Multiply every entry by log-normal noise."""
    v[i] *= np.exp(rng.normal(0.0, _NOISE_SCALE, v.shape[1]))


def _drop_item(v: np.ndarray, i: int, rng: np.random.Generator) -> None:
    """Set one random item's value to zero."""
    v[i, rng.integers(v.shape[1])] = 0.0


def _uniform_subset(v: np.ndarray, i: int, rng: np.random.Generator) -> None:
    """Make the row 1 on a random non-empty subset of items and 0 elsewhere."""
    m = v.shape[1]
    v[i] = 0.0
    v[i, rng.choice(m, int(rng.integers(1, m + 1)), replace=False)] = 1.0


_MOVES = (_move_mass, _copy_row, _noise, _drop_item, _uniform_subset)


def _perturb(u: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    """One random move on one agent's row, renormalized (``None`` if it vanishes)."""
    v = u.copy()
    i, move = rng.integers(v.shape[0]), rng.integers(len(_MOVES))
    _MOVES[move](v, i, rng)
    total = v[i].sum()
    if total == 0:
        return None
    v[i] /= total
    return v


def _random_start(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """Every agent uniform on a random non-empty subset of the items."""
    u = np.zeros((n, m))
    for i in range(n):
        _uniform_subset(u, i, rng)
    return u / u.sum(axis=1, keepdims=True)


def _checked_poc(u: np.ndarray, k: int, bound: float) -> float:
    val = poc(u, k)
    if val > bound * (1 + BOUND_RTOL):
        raise ArithmeticError(
            f"price of cardinality {val!r} exceeds Theorem 1's bound {bound!r}; "
            f"instance:\n{u!r}"
        )
    return val


def hill_climb(n, m, k, *, budget, restarts, rng) -> SearchResult:
    """Search for instances whose price of cardinality approaches Theorem 1.

    Paper B, Theorem 1 (single category): for each of ``restarts`` random
    starts (every agent uniform on a random subset of items) the climb tries
    ``budget // restarts`` random moves on one agent's row -- move part of one
    item's value to another item, copy another agent's row, multiplicative
    log-normal noise, zero one item, or make the row uniform on a random
    subset -- renormalizes the row to ``u_i(M) = 1`` and keeps the change if
    the ratio does not decrease.

    Parameters
    ----------
    n : int
        Number of agents, ``n >= 1`` with ``n k >= m``.
    m : int
        Number of items, ``m >= 2``.
    k : int
        Cap, ``k >= 1``.
    budget : int
        Total number of moves, ``budget >= restarts`` (split evenly, the
        remainder unused).
    restarts : int
        Number of random starts, ``>= 1``.
    rng : numpy.random.Generator
        Source of randomness; the search is a deterministic function of its
        state.

    Returns
    -------
    SearchResult

    Raises
    ------
    ArithmeticError
        If an instance's ratio exceeds the bound by more than ``BOUND_RTOL``
        (which would contradict Theorem 1).
    """
    n = V.positive_int(n, "n")
    m = V.positive_int(m, "m", minimum=2)
    k = V.positive_int(k, "k")
    if n * k < m:
        raise ValueError(f"n must satisfy n k >= m, got n = {n}, m = {m}, k = {k}")
    restarts = V.positive_int(restarts, "restarts")
    budget = V.positive_int(budget, "budget", minimum=restarts)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng)!r}")
    bound = utilitarian_poc_bound(m, k)
    trace, best_u, best_all = [], None, 0.0
    for _ in range(restarts):
        u = _random_start(n, m, rng)
        cur = _checked_poc(u, k, bound)
        for _ in range(budget // restarts):
            v = _perturb(u, rng)
            if v is not None:
                val = _checked_poc(v, k, bound)
                if val >= cur:
                    u, cur = v, val
            if cur > best_all:
                best_all, best_u = cur, u
            trace.append(best_all)
    trace, best_u = np.array(trace), best_u.copy()
    trace.flags.writeable = False
    best_u.flags.writeable = False
    return SearchResult(n=n, m=m, k=k, bound=bound, trace=trace, best_u=best_u)


def rationalize_rows(u) -> np.ndarray:
    """Float utilities as exact ``Fraction`` rows, each renormalized to sum 1.

    Every entry becomes the ``Fraction`` of its binary float value, and each
    row is divided by its exact sum, so ``u_i(M) = 1`` holds exactly (Paper B,
    Section 2) and a ratio can be solved without rounding.

    Parameters
    ----------
    u : array_like of float, shape (n, m)
        Non-negative utilities, every row with a positive sum.

    Returns
    -------
    numpy.ndarray of Fraction, shape (n, m)
    """
    u = V.utility_matrix(u, "u")
    if np.any(u.sum(axis=1) <= 0):
        raise ValueError("u must have a positive entry in every row")
    q = np.array([[Fraction(float(x)) for x in row] for row in u], dtype=object)
    return np.array([row / sum(row, Fraction(0)) for row in q], dtype=object)


def best_construction_ratio(n, m, k) -> Fraction | None:
    """Best ratio of Paper B's lower-bound constructions with ``n`` agents.

    The larger exact ratio of the appendix (A.1) and main-body (§3.1)
    constructions of Lemma 2 (:func:`~fairlib.cardinality.constructions.
    lemma2_instance`), each with ``n`` agents; when ``m = k(c^2 - 1) + 1`` the
    appendix construction is Lemma 1's tight instance.

    Parameters
    ----------
    n, m, k : int
        Agents, items and cap.

    Returns
    -------
    Fraction or None
        ``None`` when the constructions do not exist for these values (they
        need ``m >= k + 2`` and more than ``n`` agents).
    """
    n = V.positive_int(n, "n")
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    best = None
    for variant in ("appendix", "main"):
        try:
            u = lemma2_instance(m, k, n=n, variant=variant)
        except ValueError:
            return None
        val = poc(u, k)
        best = val if best is None else max(best, val)
    return best
