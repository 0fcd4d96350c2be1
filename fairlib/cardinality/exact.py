"""Beyond Paper B: the exact utilitarian price of cardinality of one cell ``(m, k, n)``.

Paper B (Lam, Li, Sun, *The (Exact) Price of Cardinality for Indivisible
Goods*) bounds the single-category utilitarian price of cardinality by
Theorem 1's ``(1 + sqrt(1 + (m - 1)/k)) / 2`` and shows the bound is attained
when ``m = k(c^2 - 1) + 1`` (Lemma 1).  For every other ``m`` the paper only
gives lower-bound constructions (Lemma 2, Appendix A.1).  This module computes
the exact value

    PoC(m, k, n) = sup_u  OPT-USW(u) / max_{B cardinal} USW_u(B)

over additive utilities ``u`` of ``n`` agents for ``m`` items with normalized
rows (``u_i(M) = 1``), where ``B`` ranges over complete allocations with
``|B_i| <= k`` (Paper B, Definition 2), together with certificates that prove
it in exact rational arithmetic.

Method (and why it is sound)
----------------------------
1. *Patterns.*  Fix a utilitarian-optimal allocation ``A`` of ``u``.  Up to
   relabelling agents and items it is determined by its multiset of bundle
   sizes, a partition ``lambda`` of ``m`` into at most ``n`` parts; let ``A``
   be the canonical allocation of ``lambda`` (agent ``a`` gets the ``a``-th
   block of consecutive items; agents beyond the parts get nothing).
   Relabelling changes neither ``OPT-USW`` nor the best cardinal welfare, since
   the set of cardinal allocations is invariant under both relabellings.
2. *Homogenization* (Charnes–Cooper).  For a pattern ``lambda`` let

       LP(lambda):  max  sum_j v[A(j), j]
                    s.t. sum_j v[i, j] = t            for every agent i
                         sum_j v[B(j), j] <= 1        for every cardinal B
                         v >= 0, t >= 0.

   For normalized ``u`` with optimal allocation ``A`` and ``C = max_B USW_u(B)``
   (``C >= k/m > 0``: agent 1 alone can take its ``k`` best items),
   ``(v, t) = (u/C, 1/C)`` is feasible with objective ``OPT-USW(u)/C``.  Hence
   ``PoC <= max_lambda LP(lambda)``.  Conversely a feasible ``(v, t)`` with
   ``t > 0`` gives the normalized instance ``u = v/t`` with
   ``OPT-USW(u)/C(u) >= sum_j v[A(j), j]``, because ``OPT-USW(u) >= sum_j
   u[A(j), j]`` and ``C(u) <= 1/t``.  So ``PoC = max_lambda LP(lambda)``.  We do
   *not* add the constraints ``v[i, j] <= v[A(j), j]`` (``A`` optimal): they
   are not needed for either inequality and only add rows.
3. *Symmetry reduction.*  The group ``G`` of relabellings fixing ``A`` (permute
   the items inside each bundle; permute agents whose bundles have the same
   size, moving the bundles along) maps cardinal allocations to cardinal
   allocations and fixes the objective and the row-sum constraints.  Averaging
   an optimal ``v`` over ``G`` keeps it feasible and optimal, so ``LP(lambda)``
   has an optimal solution constant on the ``G``-orbits of agent–item pairs.
   The orbit of ``(i, j)`` is exactly the set of pairs with the same label
   ``(|A_i|, |A_{A(j)}|, i == A(j))`` (``G`` acts as the full symmetric group
   on the agents of each bundle size and on the items of each bundle).  The
   reduced LP has one variable ``x_o`` per orbit (at most 21 for ``m <= 12``)
   plus ``t``, one row-sum row per bundle size, and a cut row per cardinal
   ``B`` with coefficient ``count_o(B) = #{j : (B(j), j) in o}``; its value
   equals ``LP(lambda)``, so an upper bound on it bounds ``LP(lambda)``.
4. *Cutting planes.*  Cut rows are generated lazily: the most violated one at
   the current vertex is the utilitarian-optimal cardinal allocation of the
   expanded ``v``, :func:`fairlib.cardinality.cardinal_optimum` (Paper B,
   Proposition 1).  HiGHS (``highspy``) solves the reduced LP by simplex with
   rows added incrementally (warm start).  Cuts are allocations, valid for
   every pattern, so one cut pool is shared across the patterns of a cell.
5. *Exact certificates.*  From HiGHS's final basis the exact rational dual
   is recovered by solving the basis system in exact integer arithmetic and
   checked dual feasible (``CutLP.exact_dual``); weak duality makes its
   objective ``sum_B y_B`` an upper bound on ``LP(lambda)`` (see
   :func:`check_certificate` for the inequality chain).  A pattern whose
   bound is at most the best ratio found so far stops there (early, or after
   its cuts converged in floating point).  For a pattern that may hold the
   maximum, the exact vertex is also recovered and checked primal feasible
   for the rows present (``CutLP.exact_primal``), then separated
   *exactly* (``cardinal_optimum`` on ``Fraction`` input, which certifies its
   optimum); a violated cut is added and the LP re-solved, otherwise the vertex
   is feasible for every cut, ``u = v/t`` is the witness and its exact ratio
   is a lower bound equal to that pattern's dual bound.  The cell's upper bound
   is the maximum over *all* patterns of their dual bounds; the lower bound is
   the witness's exact ratio.  An inexact LP solve is never reported:
   ``lower`` and ``upper`` are exact and :func:`check_certificate` re-verifies
   both without the LP solver.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .. import _validate as V
from ._cutlp import CutLP, new_highs
from .patterns import Pattern, initial_cuts, partitions, pattern_order
from .solve import cardinal_optimum

__all__ = ["ExactPoC", "PatternCertificate", "exact_poc"]

_SEP_TOL = 1e-9  # float separation: a cut is "violated" above 1 + this
_EARLY_STOP = 1e-7  # stop a pattern once its LP value is this far below the best
_MAX_ROUNDS = 10_000  # safety net against a non-terminating loop (never reached)


@dataclass(frozen=True, eq=False)
class PatternCertificate:
    """Exact dual certificate of one pattern's reduced LP (method steps 2–5).

    Attributes
    ----------
    pattern : tuple of int
        Bundle sizes of the utilitarian-optimal allocation (a partition of ``m``).
    cuts : tuple of tuple of int
        Cardinal allocations (owner arrays) whose cut rows carry a positive multiplier.
    multipliers : tuple of Fraction
        ``y_B > 0``, one per cut.
    row_multipliers : dict
        ``{bundle size a: w_a}``, the (free) multipliers of the row-sum rows.
    bound : Fraction
        ``sum_B y_B``, an upper bound on the pattern's LP value.
    exact : bool
        Whether the pattern's exact vertex was separated exactly and found
        feasible (then ``bound`` *is* the pattern's LP value).
    """

    pattern: tuple
    cuts: tuple
    multipliers: tuple
    row_multipliers: dict
    bound: Fraction
    exact: bool


@dataclass(frozen=True, eq=False)
class ExactPoC:
    """The exact price of cardinality (Paper B, Definition 2) of one cell.

    The result of :func:`exact_poc`, with its certificates; re-verify it with
    :func:`~fairlib.cardinality.check_certificate`.  Not a tuple: read the
    fields by name.

    Attributes
    ----------
    m, k, n : int
        The cell.
    value : float
        ``float(upper)``, the certified upper bound; it is the exact price of
        cardinality when :attr:`exact` holds (``lower == upper``), which has
        been the case in every cell computed so far.  Otherwise the price is
        only known to lie in ``[lower, upper]``.
    witness : numpy.ndarray of Fraction, shape (n, m)
        A normalized instance attaining ``lower``.
    lower : Fraction
        The witness's exact ratio ``OPT-USW / max cardinal USW``.
    upper : Fraction
        Maximum over all patterns of the exact dual bounds.
    pattern : tuple of int
        Bundle sizes of the pattern whose LP produced the witness.
    certificate : tuple of PatternCertificate
        One per partition of ``m`` into at most ``n`` parts.
    n_separated : int
        Distinct cuts found by separation for the cell (the shared pool's
        size; the initial cuts of each pattern are not counted).
    n_solves : int
        LP solves (HiGHS ``run`` calls) over all patterns.
    """

    m: int
    k: int
    n: int
    value: float
    witness: np.ndarray
    lower: Fraction
    upper: Fraction
    pattern: tuple
    certificate: tuple
    n_separated: int
    n_solves: int

    @property
    def exact(self) -> bool:
        """``lower == upper``: the value is proven exactly."""
        return self.lower == self.upper


class _Pool:
    """The cell's shared cut pool: distinct cardinal allocations found so far."""

    def __init__(self, m: int):
        self.owners = np.zeros((0, m), dtype=int)
        self.keys: set[bytes] = set()

    def add(self, owners: np.ndarray) -> None:
        fresh = [b for b in np.atleast_2d(owners) if b.tobytes() not in self.keys]
        for b in fresh:
            self.keys.add(b.tobytes())
        if fresh:
            self.owners = np.vstack([self.owners, np.array(fresh, dtype=int)])


def _separate(pat: Pattern, x, k: int) -> tuple[float, np.ndarray]:
    """Most violated cut at a float vertex.

    The best cardinal allocation of ``v`` (Paper B, Proposition 1).
    """
    value, owner = cardinal_optimum(pat.expand(x), k, normalized=False)
    return float(value), owner


def _solve_pattern(
    pat: Pattern, k: int, pool: _Pool, best: Fraction, counter: list, highs
) -> tuple:
    """Cutting planes on one pattern.

    Returns ``(certificate, witness-or-None, ratio-or-None)``.

    Stops early (with an exact dual bound ``<= best``) when the pattern cannot
    beat the best ratio found so far; otherwise runs to exact optimality and
    returns the exact vertex as a witness.
    """
    lp = CutLP(pat, highs)
    lp.add_cuts(initial_cuts(pat, k))
    if len(pool.owners):
        lp.add_cuts(pool.owners)
    early = True
    for _ in range(_MAX_ROUNDS):
        x, obj = lp.solve()
        counter[0] += 1
        if early and obj < float(best) - _EARLY_STOP:
            dual = lp.exact_dual()  # the vertex is not needed to stop early
            bound = _cut_sum(lp, dual)
            if bound <= best:
                return _certificate(pat, lp, dual, bound, exact=False), None, None
            early = False
        value, owner = _separate(pat, x, k)
        if value > 1 + _SEP_TOL and lp.add_cuts(owner):
            pool.add(owner)
            continue
        # float-converged: exact dual bound, then exact separation of the exact vertex
        dual = lp.exact_dual()
        bound = _cut_sum(lp, dual)
        if bound <= best:
            return _certificate(pat, lp, dual, bound, exact=False), None, None
        X, D = lp.exact_primal()
        xe = [Fraction(v, D) for v in X]
        v = pat.expand(xe)
        card, owner = cardinal_optimum(
            v, k, normalized=False
        )  # exact, certified optimum
        if card > 1:
            if not lp.add_cuts(owner):
                raise RuntimeError(
                    "exact separation found a violated cut already in the LP "
                    "(internal error)"
                )
            pool.add(owner)
            continue
        t = xe[-1]
        witness = np.array(
            [[Fraction(val) / t for val in row] for row in v], dtype=object
        )
        opt = sum((max(col) for col in v.T), Fraction(0))
        ratio = opt / card
        if ratio < bound:
            raise RuntimeError(
                "exact witness ratio below its LP value (internal error)"
            )
        return _certificate(pat, lp, dual, bound, exact=True), witness, ratio
    raise RuntimeError(f"cutting planes did not converge in {_MAX_ROUNDS} rounds")


def _cut_sum(lp: CutLP, dual: tuple[list[int], int]) -> Fraction:
    """``sum_B y_B`` over the cut rows: the exact dual bound."""
    Y, D = dual
    return Fraction(sum(v for v, c in zip(Y, lp.is_cut, strict=True) if c), D)


def _certificate(
    pat: Pattern,
    lp: CutLP,
    dual: tuple[list[int], int],
    bound: Fraction,
    *,
    exact: bool,
) -> PatternCertificate:
    Y, D = dual
    cuts, mult, w = [], [], {}
    for r, (val, cut) in enumerate(zip(Y, lp.is_cut, strict=True)):
        if cut and val > 0:
            cuts.append(tuple(np.asarray(lp.owners[r]).tolist()))
            mult.append(Fraction(val, D))
    for r, a in enumerate(pat.classes):
        w[int(a)] = Fraction(Y[r], D)
    return PatternCertificate(pat.sizes, tuple(cuts), tuple(mult), w, bound, exact)


def exact_poc(m, k, n) -> ExactPoC:
    """Exact single-category utilitarian price of cardinality of the cell ``(m, k, n)``.

    ``sup_u OPT-USW(u) / max_{B in C_k} USW_u(B)`` over normalized additive
    utilities of ``n`` agents for ``m`` items with cap ``k`` (Paper B,
    Definition 2, single category).  Computed pattern by pattern (partitions
    of ``m`` into at most ``n`` parts) by cutting planes on a symmetry-reduced
    linear program, and certified in exact arithmetic: see the module
    docstring for the method and its soundness.

    Parameters
    ----------
    m : int
        Number of items, ``m >= 1``.
    k : int
        Cardinality cap, ``k >= 1``.
    n : int
        Number of agents, ``n >= 1`` with ``n k >= m`` (a complete cardinal
        allocation exists).

    Returns
    -------
    ExactPoC
        ``value`` (float), ``witness`` (exact normalized instance), ``lower``
        (its exact ratio), ``upper`` (exact dual bound), ``pattern``,
        ``certificate``; re-verify with :func:`check_certificate`.

    Raises
    ------
    ValueError
        Non-integer or non-positive ``m``, ``k``, ``n``, or ``n k < m``.
    RuntimeError
        A solver failure or an exact check that does not pass.
    """
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    n = V.positive_int(n, "n")
    if n * k < m:
        raise ValueError(
            "n must satisfy n*k >= m (no complete cardinal allocation "
            f"otherwise): n = {n}, k = {k}, m = {m}"
        )
    pool = _Pool(m)
    best, witness, best_pattern = Fraction(0), None, None
    certs, counter = {}, [0]
    highs = new_highs()  # one HiGHS instance, cleared for every pattern
    for sizes in pattern_order(m, k, n):
        cert, wit, ratio = _solve_pattern(
            Pattern(sizes, n), k, pool, best, counter, highs
        )
        certs[sizes] = cert
        if wit is not None and ratio > best:
            best, witness, best_pattern = ratio, wit, sizes
    upper = max(c.bound for c in certs.values())
    if best > upper:
        raise RuntimeError("witness ratio above the dual bound (internal error)")
    ordered = tuple(certs[p] for p in partitions(m, n))
    return ExactPoC(
        m,
        k,
        n,
        float(upper),
        witness,
        best,
        upper,
        best_pattern,
        ordered,
        len(pool.owners),
        counter[0],
    )
