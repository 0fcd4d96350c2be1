"""The reduced LP of one pattern in HiGHS, with its exact rows and exact basis.

Steps 4 and 5 of the method of :mod:`fairlib.cardinality.exact`: cutting-plane
rows are added incrementally to a HiGHS simplex model (warm start), and the
exact rational vertex and dual of HiGHS's final basis are recovered and
checked exactly.  The basis system is solved in floating point, each entry is
rounded to a nearby fraction with a small denominator, and the result is
*verified* in exact integer arithmetic (the system holds exactly after
clearing the common denominator); only if that fails is it solved by exact
Gauss–Jordan elimination over :class:`fractions.Fraction`.  Either way the
returned vertex and dual are exact, and every feasibility check is done in
integers.
"""

from __future__ import annotations

import math
from fractions import Fraction

import highspy
import numpy as np

from .patterns import Pattern

_DENOMINATORS = (10**4, 10**7)  # rounding caps tried before the exact fallback
_INT64_SAFE = 2**62


def _solve_exact(M: list[list[int]], rhs: list) -> list[Fraction]:
    """Solve the square system ``M z = rhs`` exactly (Gauss–Jordan over Fractions)."""
    size = len(M)
    A = [
        [Fraction(v) for v in row] + [Fraction(b)]
        for row, b in zip(M, rhs, strict=True)
    ]
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


def _matvec(A: np.ndarray, z: list[int]) -> np.ndarray:
    """``A @ z`` exactly for an int64 matrix and Python-int vector.

    int64 when no partial sum can overflow, else Python integers.
    """
    if A.size == 0:
        return np.zeros(A.shape[0], dtype=object)
    big = max((abs(v) for v in z), default=0)
    if big * int(np.abs(A).sum(axis=1).max()) < _INT64_SAFE:
        return A @ np.array(z, dtype=np.int64)
    return A.astype(object) @ np.array(z, dtype=object)


def _scaled(values: list[Fraction]) -> tuple[list[int], int]:
    """``(z, D)`` with ``values = z / D``, ``D > 0`` the lcm of the denominators."""
    D = 1
    for v in values:
        D = math.lcm(D, v.denominator)
    return [v.numerator * (D // v.denominator) for v in values], D


def _reduced(z: list[int], D: int) -> tuple[list[int], int]:
    """``z / D`` with ``D > 0`` and no common factor left."""
    if D < 0:
        z, D = [-v for v in z], -D
    g = math.gcd(D, *z)
    return ([v // g for v in z], D // g) if g > 1 else (z, D)


def _verified(M: np.ndarray, rhs: np.ndarray, z: list[int], D: int) -> bool:
    """``M z == D rhs`` in exact integer arithmetic."""
    lhs = _matvec(M, z)
    return all(int(a) == D * int(b) for a, b in zip(lhs, rhs, strict=True))


def _solve_integer(M: np.ndarray, rhs: np.ndarray) -> tuple[list[int], int]:
    """Exact solution ``z / D`` of the square integer system ``M z = rhs``.

    Cramer's rule says ``det(M) z`` is an integer vector: the float solution
    scaled by the (rounded) float determinant is rounded and verified exactly;
    then small-denominator rounding of each entry is tried; then exact
    Gauss–Jordan elimination.  Whatever is returned satisfies the system
    exactly.
    """
    if M.shape[0] == 0:
        return [], 1
    Mf = M.astype(float)
    try:
        zf = np.linalg.solve(Mf, rhs.astype(float))
        det = float(np.rint(np.linalg.det(Mf)))
    except np.linalg.LinAlgError:
        zf = None
    if zf is not None and np.all(np.isfinite(zf)):
        if det != 0 and abs(det) < 2.0**40:
            D = int(det)
            z = [int(v) for v in np.rint(zf * det)]
            if _verified(M, rhs, z, D):
                return _reduced(z, D)
        for cap in _DENOMINATORS:
            z, D = _scaled([Fraction(float(v)).limit_denominator(cap) for v in zf])
            if _verified(M, rhs, z, D):
                return z, D
    return _scaled(_solve_exact(M.tolist(), rhs.tolist()))


def new_highs() -> highspy.Highs:
    """A quiet HiGHS simplex instance without presolve.

    Reusable: :class:`CutLP` clears it.
    """
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("presolve", "off")  # tiny LPs; keeps the basis for warm starts
    return h


class CutLP:
    """The reduced LP in HiGHS with its exact integer rows kept alongside.

    ``highs``: an instance from :func:`new_highs` to reuse (it is cleared; the
    previous ``CutLP`` on it must not be solved again), else a new one.
    """

    def __init__(self, pat: Pattern, highs: highspy.Highs | None = None):
        self.pat = pat
        h = new_highs() if highs is None else highs
        h.clearModel()
        nc = pat.ncols
        inf = highspy.kHighsInf
        h.addCols(
            nc,
            pat.cost.astype(float),
            np.zeros(nc),
            np.full(nc, inf),
            0,
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0),
        )
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.h = h
        self._rows = np.zeros((0, nc), dtype=np.int64)  # exact integer rows
        self.rhs: list[int] = []
        self.is_cut: list[bool] = []
        self.owners: list[np.ndarray | None] = []
        self.seen: set[bytes] = set()
        self._add(
            pat.class_rows,
            [0] * len(pat.class_rows),
            [None] * len(pat.class_rows),
            cut=False,
        )

    @property
    def rows(self) -> np.ndarray:
        """The exact integer rows, shape ``(rows, ncols)``."""
        return self._rows

    def _add(self, rows: np.ndarray, rhs, owners, *, cut: bool) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        nr = rows.shape[0]
        if nr == 0:
            return
        r, c = np.nonzero(rows)  # CSR by hand: row-major order
        starts = np.searchsorted(r, np.arange(nr)).astype(np.int32)
        rhs_f = np.asarray(rhs, dtype=float)
        lower = np.full(nr, -highspy.kHighsInf) if cut else rhs_f
        self.h.addRows(
            nr,
            lower,
            rhs_f,
            r.size,
            starts,
            c.astype(np.int32),
            rows[r, c].astype(float),
        )
        self._rows = np.vstack([self._rows, rows])
        self.rhs.extend(int(b) for b in rhs)
        self.is_cut.extend([cut] * nr)
        self.owners.extend(owners)

    def add_cuts(self, owners: np.ndarray) -> int:
        """Add the cut rows of these allocations not yet present.

        Returns how many were new.
        """
        owners = np.array(owners, dtype=int, ndmin=2)  # a copy: rows are kept
        counts = self.pat.counts(owners)
        keep = []
        for r, c in enumerate(counts):
            key = c.tobytes()
            if key not in self.seen:
                self.seen.add(key)
                keep.append(r)
        if keep:
            self._add(counts[keep], [1] * len(keep), list(owners[keep]), cut=True)
        return len(keep)

    def solve(self) -> tuple[np.ndarray, float]:
        self.h.run()
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                "HiGHS did not solve the reduced LP to optimality: "
                f"{self.h.modelStatusToString(status)}"
            )
        x = np.maximum(np.asarray(self.h.getSolution().col_value, dtype=float), 0.0)
        return x, float(self.h.getInfo().objective_function_value)

    def _basis(self) -> tuple[list[int], list[int]]:
        basis = self.h.getBasis()
        kb = highspy.HighsBasisStatus.kBasic
        bc = [j for j, s in enumerate(basis.col_status) if s == kb]
        nb = [r for r, s in enumerate(basis.row_status) if s != kb]
        if len(bc) != len(nb):
            raise RuntimeError("exact basis recovery: HiGHS basis is not square")
        return bc, nb

    def exact_dual(self) -> tuple[list[int], int]:
        """Exact row duals of HiGHS's final basis, checked dual feasible.

        Returns ``(Y, D)``: the duals ``y = Y / D`` (Python ints, ``D > 0``; one
        per row, ``y >= 0`` on cut rows) with every reduced
        cost ``c_j - sum_r y_r a_rj <= 0``, verified in exact integer
        arithmetic; else ``RuntimeError``.  Any such ``y`` proves (weak
        duality) that the LP value is at most ``sum`` of ``y`` over the cuts.
        """
        bc, nb = self._basis()
        M = self._rows[np.ix_(nb, bc)]
        yn, D = _solve_integer(M.T, self.pat.cost[bc])
        Y = [0] * len(self.rhs)
        for r, v in zip(nb, yn, strict=True):
            Y[r] = v
        if any(v < 0 for v, cut in zip(Y, self.is_cut, strict=True) if cut):
            raise RuntimeError(
                "exact basis recovery: HiGHS basis is not dual feasible in "
                "exact arithmetic"
            )
        used = [r for r, v in enumerate(Y) if v]
        act = _matvec(self._rows[used].T, [Y[r] for r in used])
        cost = self.pat.cost
        if any(D * int(c) - int(a) > 0 for c, a in zip(cost, act, strict=True)):
            raise RuntimeError(
                "exact basis recovery: a reduced cost has the wrong sign in "
                "exact arithmetic"
            )
        return Y, D

    def exact_primal(self) -> tuple[list[int], int]:
        """Exact vertex of HiGHS's final basis, checked primal feasible.

        Returns ``(X, D)``: the vertex ``x = X / D`` (orbit variables and
        ``t``, all ``>= 0``; Python ints, ``D > 0``) satisfying every row
        present exactly; else ``RuntimeError``.
        """
        bc, nb = self._basis()
        M = self._rows[np.ix_(nb, bc)]
        xb, D = _solve_integer(M, np.asarray([self.rhs[r] for r in nb], dtype=np.int64))
        X = [0] * self.pat.ncols
        for j, v in zip(bc, xb, strict=True):
            X[j] = v
        if any(v < 0 for v in X):
            raise RuntimeError(
                "exact basis recovery: HiGHS basis is not primal feasible in "
                "exact arithmetic"
            )
        act = _matvec(self._rows, X)
        for a, b, cut in zip(act, self.rhs, self.is_cut, strict=True):
            a, b = int(a), D * b
            if (cut and a > b) or (not cut and a != b):
                raise RuntimeError(
                    "exact basis recovery: HiGHS basis violates a row in exact "
                    "arithmetic"
                )
        return X, D

    def exact(self):
        """Exact vertex and dual of HiGHS's final basis; checked, else ``RuntimeError``.

        Returns ``(x, y)``: ``x`` the exact primal vertex (orbit variables and
        ``t``), ``y`` the exact row duals (``y >= 0`` on cut rows).
        """
        (X, dx), (Y, dy) = self.exact_primal(), self.exact_dual()
        return [Fraction(v, dx) for v in X], [Fraction(v, dy) for v in Y]
