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
5. *Exact certificates.*  From HiGHS's optimal basis the exact rational
   vertex and dual are recovered by solving the basis system in
   :class:`fractions.Fraction` arithmetic and checked exactly (primal
   feasibility for the rows present, dual feasibility, equal objectives).
   Weak duality makes the exact dual objective ``sum_B y_B`` an upper bound on
   ``LP(lambda)`` (see :func:`check_certificate` for the inequality chain).
   For a pattern that may hold the maximum, the exact vertex is separated
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
from math import isqrt

import highspy
import numpy as np
import scipy.sparse as sp

from . import _validate as V
from .cardinality import cardinal_optimum

__all__ = [
    "ExactPoC",
    "PatternCertificate",
    "CertificateError",
    "exact_poc",
    "check_certificate",
    "partitions",
    "orbit_label",
    "compare_with_theorem1",
    "block_ratio",
    "block_instance",
    "best_block_ratio",
]

_SEP_TOL = 1e-9          # float separation: a cut is "violated" above 1 + this
_EARLY_STOP = 1e-7       # stop cutting a pattern once its LP bound is this far below the best ratio
_MAX_ROUNDS = 10_000     # safety net against a non-terminating loop (never reached in practice)


class CertificateError(ValueError):
    """A certificate of :func:`exact_poc` failed an exact check."""


# ----------------------------------------------------------------------------
# combinatorics of a pattern
# ----------------------------------------------------------------------------
def partitions(m: int, max_parts: int):
    """Integer partitions of ``m`` into at most ``max_parts`` parts, parts non-increasing.

    These are the bundle-size patterns of a utilitarian-optimal allocation of
    ``m`` items among ``max_parts`` agents, up to relabelling (step 1 of the
    module docstring).  Yields tuples, in reverse lexicographic order.
    """
    def rec(rest, largest, parts_left):
        if rest == 0:
            yield ()
            return
        if parts_left == 0:
            return
        for first in range(min(rest, largest), 0, -1):
            for tail in rec(rest - first, first, parts_left - 1):
                yield (first,) + tail

    yield from rec(int(m), int(m), int(max_parts))


def _pattern_owner(sizes, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Canonical owner array of a pattern and the bundle size of every agent."""
    owner = np.repeat(np.arange(len(sizes)), sizes)
    agent_size = np.zeros(n, dtype=int)
    agent_size[: len(sizes)] = sizes
    return owner, agent_size


def orbit_label(sizes, n: int, i: int, j: int) -> tuple[int, int, bool]:
    """The orbit of the agent–item pair ``(i, j)`` under the symmetries of a pattern.

    ``(|A_i|, |A_{A(j)}|, i == A(j))`` for the canonical allocation ``A`` of
    ``sizes`` (step 3 of the module docstring).  Plain Python; used by
    :func:`check_certificate` independently of the LP machinery.
    """
    owner = [a for a, s in enumerate(sizes) for _ in range(s)]
    size = list(sizes) + [0] * (n - len(sizes))
    return (size[i], size[owner[j]], i == owner[j])


class _Pattern:
    """Reduced (orbit) LP data of one pattern: columns, objective, row-sum rows, cut counts."""

    def __init__(self, sizes: tuple[int, ...], n: int):
        self.sizes = tuple(sizes)
        self.n = n
        self.m = sum(sizes)
        self.owner, self.agent_size = _pattern_owner(sizes, n)
        mult = {s: int(np.sum(self.agent_size == s)) for s in set(self.agent_size.tolist())}
        self.mult = mult
        positive = sorted((s for s in mult if s > 0), reverse=True)
        self.classes = sorted(mult, reverse=True)              # bundle sizes present, incl. 0
        labels = [(b, b, True) for b in positive]
        labels += [(a, b, False) for a in self.classes for b in positive if a != b or mult[b] >= 2]
        self.labels = labels
        index = {lab: c for c, lab in enumerate(labels)}
        osize = self.agent_size[self.owner]                    # bundle size of each item's owner
        own = np.arange(n)[:, None] == self.owner[None, :]
        self.orbit = np.array(
            [[index[(int(self.agent_size[i]), int(osize[j]), bool(own[i, j]))] for j in range(self.m)]
             for i in range(n)], dtype=int)
        L = len(labels)
        self.ncols = L + 1                                     # orbit variables, then t
        self.cost = np.zeros(self.ncols, dtype=np.int64)
        for c, (a, b, is_own) in enumerate(labels):
            if is_own:
                self.cost[c] = mult[b] * b
        # one row-sum row per bundle size: sum_j v[rep, j] - t = 0
        self.rep = {a: int(np.flatnonzero(self.agent_size == a)[0]) for a in self.classes}
        rows = np.zeros((len(self.classes), self.ncols), dtype=np.int64)
        for r, a in enumerate(self.classes):
            rows[r, :L] = np.bincount(self.orbit[self.rep[a]], minlength=L)
            rows[r, L] = -1
        self.class_rows = rows

    def counts(self, owners: np.ndarray) -> np.ndarray:
        """``count_o(B)`` for a stack of owner arrays, shape ``(K, ncols)`` (t column 0)."""
        owners = np.atleast_2d(owners)
        K, L = owners.shape[0], self.ncols - 1
        idx = self.orbit[owners, np.arange(self.m)[None, :]] + L * np.arange(K)[:, None]
        out = np.zeros((K, self.ncols), dtype=np.int64)
        out[:, :L] = np.bincount(idx.ravel(), minlength=K * L).reshape(K, L)
        return out

    def expand(self, x) -> np.ndarray:
        """The ``(n, m)`` matrix ``v`` of an orbit vector ``x`` (floats or Fractions)."""
        x = np.asarray(list(x[: self.ncols - 1]), dtype=object if isinstance(x[0], Fraction) else float)
        return x[self.orbit]


def _complete(partial: np.ndarray, pat: _Pattern, k: int) -> np.ndarray:
    """A complete cardinal allocation extending ``partial`` (``-1`` = unassigned).

    Unassigned items go to their pattern owner while it has room, otherwise to
    the least-loaded agent (lowest index on ties); ``n k >= m`` guarantees room.
    """
    owner = partial.copy()
    load = np.bincount(owner[owner >= 0], minlength=pat.n)
    for j in np.flatnonzero(owner < 0):
        a = pat.owner[j]
        if load[a] >= k:
            a = int(np.argmin(load))
        owner[j] = a
        load[a] += 1
    return owner


def _initial_cuts(pat: _Pattern, k: int) -> np.ndarray:
    """Cardinal allocations that make the reduced LP bounded from the first solve.

    For every bundle size ``a`` (representative agent ``i``) and every orbit
    ``o`` of ``i``, ``i`` takes ``min(k, |o_i|)`` of the items of ``o``; since
    ``t = sum_o |o_i| x_o``, these rows bound every ``x_o`` and ``t``.  Plus
    the truncation of ``A`` itself (everyone keeps ``k`` of their own items).
    """
    cuts = [_complete(np.full(pat.m, -1), pat, k)]
    for a in pat.classes:
        i = pat.rep[a]
        for o in np.unique(pat.orbit[i]):
            items = np.flatnonzero(pat.orbit[i] == o)[:k]
            partial = np.full(pat.m, -1)
            partial[items] = i
            cuts.append(_complete(partial, pat, k))
    return np.array(cuts, dtype=int)


# ----------------------------------------------------------------------------
# exact linear algebra
# ----------------------------------------------------------------------------
def _solve_exact(M: list[list[int]], rhs: list) -> list[Fraction]:
    """Solve the square system ``M z = rhs`` exactly (Gauss–Jordan over Fractions)."""
    size = len(M)
    A = [[Fraction(v) for v in row] + [Fraction(b)] for row, b in zip(M, rhs)]
    for col in range(size):
        piv = next((r for r in range(col, size) if A[r][col] != 0), None)
        if piv is None:
            raise RuntimeError("exact basis recovery: the basis matrix is singular")
        A[col], A[piv] = A[piv], A[col]
        p = A[col][col]
        prow = [v / p for v in A[col]]
        A[col] = prow
        nz = [c for c in range(col, size + 1) if prow[c] != 0]
        for r in range(size):
            if r != col and A[r][col] != 0:
                f = A[r][col]
                row = A[r]
                for c in nz:
                    row[c] -= f * prow[c]
    return [A[r][size] for r in range(size)]


# ----------------------------------------------------------------------------
# the reduced LP of one pattern, solved by cutting planes
# ----------------------------------------------------------------------------
class _CutLP:
    """The reduced LP in HiGHS with its exact integer rows kept alongside."""

    def __init__(self, pat: _Pattern):
        self.pat = pat
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("presolve", "off")   # tiny LPs; keeps the basis for warm starts
        nc = pat.ncols
        inf = highspy.kHighsInf
        h.addCols(nc, pat.cost.astype(float), np.zeros(nc), np.full(nc, inf), 0,
                  np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.h = h
        self.rows: list[np.ndarray] = []       # exact integer rows
        self.rhs: list[int] = []
        self.is_cut: list[bool] = []
        self.owners: list[np.ndarray | None] = []
        self.seen: set[bytes] = set()
        self._add(pat.class_rows, [0] * len(pat.class_rows), [None] * len(pat.class_rows), cut=False)

    def _add(self, rows: np.ndarray, rhs, owners, *, cut: bool) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        nr = rows.shape[0]
        if nr == 0:
            return
        a = sp.csr_matrix(rows.astype(float))
        rhs_f = np.asarray(rhs, dtype=float)
        lower = np.full(nr, -highspy.kHighsInf) if cut else rhs_f
        self.h.addRows(nr, lower, rhs_f, a.nnz, a.indptr[:-1].astype(np.int32),
                       a.indices.astype(np.int32), a.data)
        self.rows.extend(rows)
        self.rhs.extend(int(b) for b in rhs)
        self.is_cut.extend([cut] * nr)
        self.owners.extend(owners)

    def add_cuts(self, owners: np.ndarray) -> int:
        """Add the cut rows of these allocations not yet present; return how many were new."""
        owners = np.atleast_2d(owners)
        counts = self.pat.counts(owners)
        keep, new_owners = [], []
        for c, b in zip(counts, owners):
            key = c.tobytes()
            if key not in self.seen:
                self.seen.add(key)
                keep.append(c)
                new_owners.append(b.copy())
        if keep:
            self._add(np.array(keep), [1] * len(keep), new_owners, cut=True)
        return len(keep)

    def solve(self) -> tuple[np.ndarray, float]:
        self.h.run()
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS did not solve the reduced LP to optimality: {self.h.modelStatusToString(status)}")
        x = np.maximum(np.asarray(self.h.getSolution().col_value, dtype=float), 0.0)
        return x, float(self.h.getInfo().objective_function_value)

    def exact(self):
        """Exact vertex and dual of HiGHS's final basis; checked, else ``RuntimeError``.

        Returns ``(x, y)``: ``x`` the exact primal vertex (orbit variables and
        ``t``), ``y`` the exact row duals (``y >= 0`` on cut rows).
        """
        basis = self.h.getBasis()
        kb = highspy.HighsBasisStatus.kBasic
        bc = [j for j, s in enumerate(basis.col_status) if s == kb]
        nb = [r for r, s in enumerate(basis.row_status) if s != kb]
        if len(bc) != len(nb):
            raise RuntimeError("exact basis recovery: HiGHS basis is not square")
        M = [[int(self.rows[r][j]) for j in bc] for r in nb]
        xb = _solve_exact(M, [self.rhs[r] for r in nb])
        yn = _solve_exact([list(col) for col in zip(*M)], [int(self.pat.cost[j]) for j in bc])
        nc = self.pat.ncols
        x = [Fraction(0)] * nc
        for j, v in zip(bc, xb):
            x[j] = v
        y = [Fraction(0)] * len(self.rows)
        for r, v in zip(nb, yn):
            y[r] = v
        if any(v < 0 for v in x):
            raise RuntimeError("exact basis recovery: HiGHS basis is not primal feasible in exact arithmetic")
        for row, b, cut in zip(self.rows, self.rhs, self.is_cut):
            act = sum((int(a) * x[j] for j, a in enumerate(row) if a), Fraction(0))
            if (cut and act > b) or (not cut and act != b):
                raise RuntimeError("exact basis recovery: HiGHS basis violates a row in exact arithmetic")
        if any(v < 0 for v, cut in zip(y, self.is_cut) if cut):
            raise RuntimeError("exact basis recovery: HiGHS basis is not dual feasible in exact arithmetic")
        for j in range(nc):
            reduced = self.pat.cost[j] - sum((y[r] * int(row[j]) for r, row in enumerate(self.rows) if row[j] and y[r]), Fraction(0))
            if reduced > 0:
                raise RuntimeError("exact basis recovery: a reduced cost has the wrong sign in exact arithmetic")
        return x, y


@dataclass(frozen=True, eq=False)
class PatternCertificate:
    """Exact dual certificate of one pattern's reduced LP (module docstring, steps 2–5).

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
    """Result of :func:`exact_poc`; unpacks as ``(value, witness, lower, upper, pattern, certificate)``.

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

    def __iter__(self):
        return iter((self.value, self.witness, self.lower, self.upper, self.pattern, self.certificate))

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


def _separate(pat: _Pattern, x, k: int) -> tuple[float, np.ndarray]:
    """Most violated cut at a float vertex: the best cardinal allocation of ``v`` (Paper B, Prop. 1)."""
    value, owner = cardinal_optimum(pat.expand(x), k, normalized=False)
    return float(value), owner


def _solve_pattern(pat: _Pattern, k: int, pool: _Pool, best: Fraction, counter: list) -> tuple:
    """Cutting planes on one pattern; returns ``(certificate, witness-or-None, ratio-or-None)``.

    Stops early (with an exact dual bound ``<= best``) when the pattern cannot
    beat the best ratio found so far; otherwise runs to exact optimality and
    returns the exact vertex as a witness.
    """
    lp = _CutLP(pat)
    lp.add_cuts(_initial_cuts(pat, k))
    if len(pool.owners):
        lp.add_cuts(pool.owners)
    early = True
    for _ in range(_MAX_ROUNDS):
        x, obj = lp.solve()
        counter[0] += 1
        if early and obj < float(best) - _EARLY_STOP:
            xe, y = lp.exact()
            bound = sum((v for v, c in zip(y, lp.is_cut) if c), Fraction(0))
            if bound <= best:
                return _certificate(pat, lp, y, bound, exact=False), None, None
            early = False
        value, owner = _separate(pat, x, k)
        if value > 1 + _SEP_TOL and lp.add_cuts(owner):
            pool.add(owner)
            continue
        # float-converged: exact dual bound, then exact separation of the exact vertex
        xe, y = lp.exact()
        bound = sum((v for v, c in zip(y, lp.is_cut) if c), Fraction(0))
        if bound <= best:
            return _certificate(pat, lp, y, bound, exact=False), None, None
        v = pat.expand(xe)
        card, owner = cardinal_optimum(v, k, normalized=False)   # exact, certified optimum
        if card > 1:
            if not lp.add_cuts(owner):
                raise RuntimeError("exact separation found a violated cut already in the LP (internal error)")
            pool.add(owner)
            continue
        t = xe[-1]
        witness = np.array([[Fraction(val) / t for val in row] for row in v], dtype=object)
        opt = sum((max(col) for col in v.T), Fraction(0))
        ratio = opt / card
        if ratio < bound:
            raise RuntimeError("exact witness ratio below its LP value (internal error)")
        return _certificate(pat, lp, y, bound, exact=True), witness, ratio
    raise RuntimeError(f"cutting planes did not converge in {_MAX_ROUNDS} rounds")


def _certificate(pat: _Pattern, lp: _CutLP, y, bound: Fraction, *, exact: bool) -> PatternCertificate:
    cuts, mult, w = [], [], {}
    for r, (val, cut) in enumerate(zip(y, lp.is_cut)):
        if cut and val > 0:
            cuts.append(tuple(int(g) for g in lp.owners[r]))
            mult.append(val)
    for r, a in enumerate(pat.classes):
        w[int(a)] = y[r]
    return PatternCertificate(pat.sizes, tuple(cuts), tuple(mult), w, bound, exact)


def _pattern_order(m: int, k: int, n: int) -> list[tuple[int, ...]]:
    """Partitions of ``m`` into at most ``n`` parts, promising ones first.

    First the Lemma 1/2 shapes (``t`` near-equal blocks of ``g_1..g_{m-1}``
    plus the single item ``g_m``), which attain or nearly attain the maximum
    and so let the remaining patterns stop early; then the rest.
    """
    pats = list(partitions(m, n))
    lemma = []
    for t in range(1, m):
        q, r = divmod(m - 1, t)
        if q == 0 or t + 1 > n:
            continue
        lemma.append(tuple(sorted([q + 1] * r + [q] * (t - r) + [1], reverse=True)))
    s = isqrt((k + m - 1) // k) - 1                      # floor of Lemma 1's s
    lemma.sort(key=lambda p: abs(len(p) - 1 - s))
    front = list(dict.fromkeys(p for p in lemma if p in set(pats)))
    return front + [p for p in pats if p not in set(front)]


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
        raise ValueError(f"n must satisfy n*k >= m (no complete cardinal allocation otherwise): n = {n}, k = {k}, m = {m}")
    pool = _Pool(m)
    best, witness, best_pattern = Fraction(0), None, None
    certs, counter = {}, [0]
    for sizes in _pattern_order(m, k, n):
        cert, wit, ratio = _solve_pattern(_Pattern(sizes, n), k, pool, best, counter)
        certs[sizes] = cert
        if wit is not None and ratio > best:
            best, witness, best_pattern = ratio, wit, sizes
    upper = max(c.bound for c in certs.values())
    if best > upper:
        raise RuntimeError("witness ratio above the dual bound (internal error)")
    ordered = tuple(certs[p] for p in partitions(m, n))
    return ExactPoC(m, k, n, float(upper), witness, best, upper, best_pattern, ordered, len(pool.owners), counter[0])


# ----------------------------------------------------------------------------
# independent verification
# ----------------------------------------------------------------------------
def _fail(msg: str):
    raise CertificateError(msg)


def check_certificate(result: ExactPoC) -> dict:
    """Re-verify a result of :func:`exact_poc` in exact arithmetic, without the LP solver.

    Checks

    1. *Witness (lower bound).*  ``witness`` is an ``(n, m)`` array of
       non-negative ``Fraction``/``int`` with every row summing to exactly 1;
       ``OPT-USW`` is recomputed as ``sum_j max_i u_ij`` and the best cardinal
       welfare by :func:`fairlib.cardinality.cardinal_optimum` with
       ``method="assignment"`` (Proposition 1's assignment, a different
       algorithm from the ``"flow"`` path used while solving; its exact
       optimum is certified by an exact transportation dual).  The ratio must
       equal ``lower``.
    2. *Upper bound.*  The certificate covers every partition of ``m`` into at
       most ``n`` parts exactly once.  For each: every cut is an owner array
       of length ``m`` with entries in ``0..n-1`` and at most ``k`` items per
       agent (a complete cardinal allocation); ``y_B > 0``; and with the orbit
       of ``(i, j)`` computed by :func:`orbit_label`, for every orbit ``o``

           sum_B y_B count_o(B) + w_{a(o)} N(o) >= c_o,     sum_a w_a <= 0,

       where ``N(o) = #{j : (rep_a, j) in o}`` and ``c_o = #{j : (A(j), j) in
       o}``.  Then for every feasible ``(x, t) >= 0`` of the reduced LP,
       ``c.x <= sum_o x_o (sum_B y_B count_o(B) + w_a N(o)) = sum_B y_B B(x) +
       t sum_a w_a <= sum_B y_B`` (weak duality), so ``bound = sum_B y_B``
       bounds the pattern, and ``upper`` (their maximum) bounds the price of
       cardinality (module docstring, steps 1–3).
    3. ``lower <= upper`` and ``value`` within ``1e-9`` of ``upper``.

    Returns
    -------
    dict
        ``lower``, ``upper`` (Fractions), ``gap`` (``upper - lower``),
        ``patterns`` and ``cuts`` (number of certificate cuts).

    Raises
    ------
    CertificateError
        On the first check that fails, saying which.
    """
    if not isinstance(result, ExactPoC):
        raise ValueError(f"result must be an ExactPoC from exact_poc, got {type(result).__name__}")
    m, k, n = result.m, result.k, result.n
    # 1. the witness
    u = result.witness
    if not isinstance(u, np.ndarray) or u.shape != (n, m):
        _fail(f"witness must be an (n, m) = ({n}, {m}) array")
    if not all(isinstance(v, (Fraction, int)) and not isinstance(v, bool) and v >= 0 for v in u.flat):
        _fail("witness entries must be non-negative Fractions")
    if any(sum(row, Fraction(0)) != 1 for row in u):
        _fail("witness rows must sum to exactly 1")
    opt = sum((max(col) for col in u.T), Fraction(0))
    card, owner = cardinal_optimum(u, k, method="assignment")
    if np.bincount(owner, minlength=n).max() > k or sum((u[owner[j], j] for j in range(m)), Fraction(0)) != card:
        _fail("cardinal optimum of the witness is not a cardinal allocation of that value")
    ratio = Fraction(opt) / Fraction(card)
    if ratio != result.lower:
        _fail(f"witness ratio {ratio} differs from the stated lower bound {result.lower}")
    # 2. the dual certificates
    expected = list(partitions(m, n))
    got = [c.pattern for c in result.certificate]
    if sorted(got) != sorted(expected) or len(set(got)) != len(got):
        _fail("certificate must cover every partition of m into at most n parts exactly once")
    n_cuts, bounds = 0, []
    for cert in result.certificate:
        sizes = tuple(cert.pattern)
        own = [a for a, s in enumerate(sizes) for _ in range(s)]
        size = list(sizes) + [0] * (n - len(sizes))
        labels = {orbit_label(sizes, n, i, j) for i in range(n) for j in range(m)}
        cover = dict.fromkeys(labels, Fraction(0))
        if len(cert.cuts) != len(cert.multipliers):
            _fail(f"pattern {sizes}: one multiplier per cut expected")
        for cut, y in zip(cert.cuts, cert.multipliers):
            if not isinstance(y, Fraction) or y <= 0:
                _fail(f"pattern {sizes}: cut multipliers must be positive Fractions")
            if len(cut) != m or not all(isinstance(g, int) and 0 <= g < n for g in cut):
                _fail(f"pattern {sizes}: a cut is not a complete allocation of the m items to the n agents")
            if max(cut.count(i) for i in range(n)) > k:
                _fail(f"pattern {sizes}: a cut gives some agent more than k = {k} items")
            for j, i in enumerate(cut):
                cover[orbit_label(sizes, n, i, j)] += y
        w = cert.row_multipliers
        if set(w) != set(size) or not all(isinstance(v, Fraction) for v in w.values()):
            _fail(f"pattern {sizes}: one Fraction row multiplier per bundle size expected")
        if sum(w.values(), Fraction(0)) > 0:
            _fail(f"pattern {sizes}: row multipliers must sum to <= 0 (the t column)")
        rep = {a: size.index(a) for a in set(size)}
        for o in labels:
            a = o[0]
            n_o = sum(1 for j in range(m) if orbit_label(sizes, n, rep[a], j) == o)
            c_o = sum(1 for j in range(m) if orbit_label(sizes, n, own[j], j) == o)
            if cover[o] + w[a] * n_o < c_o:
                _fail(f"pattern {sizes}: dual constraint of orbit {o} violated")
        bound = sum(cert.multipliers, Fraction(0))
        if bound != cert.bound:
            _fail(f"pattern {sizes}: stated bound {cert.bound} differs from the sum of multipliers {bound}")
        bounds.append(bound)
        n_cuts += len(cert.cuts)
    upper = max(bounds)
    if upper != result.upper:
        _fail(f"maximum pattern bound {upper} differs from the stated upper bound {result.upper}")
    # 3. consistency
    if result.lower > result.upper:
        _fail("lower bound exceeds upper bound")
    if abs(result.value - float(result.upper)) > 1e-9:
        _fail("value differs from the certified upper bound")
    return {"lower": result.lower, "upper": result.upper, "gap": result.upper - result.lower,
            "patterns": len(bounds), "cuts": n_cuts}


# ----------------------------------------------------------------------------
# Theorem 1, exactly
# ----------------------------------------------------------------------------
def compare_with_theorem1(q, m, k) -> int:
    """Sign of ``q - (1 + sqrt(1 + (m - 1)/k))/2`` in exact arithmetic (Paper B, Theorem 1).

    Parameters
    ----------
    q : Fraction or int
        A rational value (e.g. ``ExactPoC.upper``).
    m, k : int

    Returns
    -------
    int
        ``-1``, ``0`` or ``1``.
    """
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    if not isinstance(q, (Fraction, int)) or isinstance(q, bool):
        raise ValueError(f"q must be a Fraction or int, got {type(q).__name__}")
    if m <= k:
        d = Fraction(q) - 1
        return (d > 0) - (d < 0)
    s = 2 * Fraction(q) - 1                 # compare s with sqrt(D)
    D = Fraction(k + m - 1, k)
    if s < 0:
        return -1
    return (s * s > D) - (s * s < D)


# ----------------------------------------------------------------------------
# Paper B's block instances, with the number of block agents chosen freely
# ----------------------------------------------------------------------------
def _blocks(m: int, t: int) -> list[int]:
    q, r = divmod(m - 1, t)
    return [q + 1] * r + [q] * (t - r)


def block_ratio(m, k, t) -> Fraction:
    """Exact price of cardinality of the block instance with ``t`` block agents.

    The instance of Paper B, Lemma 1 and §3.1 (text before Lemma 2), with the
    number ``t`` of block agents free: agents ``1..t`` value near-equal blocks
    ``b_1, ..., b_t`` of ``g_1..g_{m-1}`` (sizes ``ceil`` or ``floor`` of
    ``(m-1)/t``) uniformly, the other agents value only ``g_m``.  Then
    ``OPT-USW = 1 + t`` and the best cardinal welfare is
    ``1 + sum_i min(1, k/b_i)`` (each block agent keeps ``min(k, b_i)`` of its
    items; ``g_m`` goes to an agent valuing it), so the ratio is

        (1 + t) / (1 + sum_i min(1, k / b_i)).

    Paper B takes ``t = s = c - 1`` (Lemma 1) or ``t = max(floor(s), 1)``
    (Lemma 2) with ``s = -1 + sqrt(1 + (m-1)/k)``.

    Parameters
    ----------
    m : int
        Items, ``m >= 2``.
    k : int
        Cap, ``k >= 1``.
    t : int
        Block agents, ``1 <= t <= m - 1``.
    """
    m = V.positive_int(m, "m", minimum=2)
    k = V.positive_int(k, "k")
    t = V.positive_int(t, "t")
    if t > m - 1:
        raise ValueError(f"t must be <= m - 1 = {m - 1} (one item per block at least), got {t}")
    return Fraction(1 + t) / (1 + sum(min(Fraction(1), Fraction(k, b)) for b in _blocks(m, t)))


def block_instance(m, k, t, n=None) -> np.ndarray:
    """The block instance of :func:`block_ratio` (exact ``Fraction`` utilities, normalized rows).

    Parameters
    ----------
    m, k, t : int
        As in :func:`block_ratio`.
    n : int, optional
        Agents, ``n >= t + 1`` and ``n k >= m``; default the smallest such.

    Returns
    -------
    numpy.ndarray of Fraction, shape (n, m)
    """
    block_ratio(m, k, t)                                   # validates m, k, t
    n_min = max(t + 1, -(-m // k))
    n = n_min if n is None else V.positive_int(n, "n", minimum=n_min)
    u = np.full((n, m), Fraction(0), dtype=object)
    start = 0
    for i, b in enumerate(_blocks(m, t)):
        u[i, start:start + b] = Fraction(1, b)
        start += b
    u[t:, m - 1] = Fraction(1)
    return u


def best_block_ratio(m, k) -> tuple[Fraction, int]:
    """The best block instance: ``max_t block_ratio(m, k, t)`` and the smallest maximizing ``t``.

    A proven *lower* bound on the price of cardinality of every cell
    ``(m, k, n)`` with ``n k >= m``: if the maximum exceeds 1, some block of a
    maximizing ``t`` is larger than ``k`` (otherwise every block agent keeps
    its whole block and the ratio is 1), so every block has at least ``k``
    items, ``t <= (m-1)/k < ceil(m/k) <= n`` and the instance fits.  Returns
    ``(1, 0)`` when ``m = 1``.
    """
    m = V.positive_int(m, "m")
    k = V.positive_int(k, "k")
    if m == 1:
        return Fraction(1), 0
    best, arg = max((block_ratio(m, k, t), -t) for t in range(1, m))
    return best, -arg
