"""The reduced LP of one pattern in HiGHS, with its exact rows and exact basis.

Steps 4 and 5 of the method of :mod:`fairlib.cardinality.exact`: cutting-plane
rows are added incrementally to a HiGHS simplex model (warm start), and the
exact rational vertex and dual of HiGHS's final basis are recovered by solving
the basis system in :class:`fractions.Fraction` arithmetic and checked exactly.
"""

from __future__ import annotations

from fractions import Fraction

import highspy
import numpy as np
import scipy.sparse as sp

from .patterns import Pattern


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


class CutLP:
    """The reduced LP in HiGHS with its exact integer rows kept alongside."""

    def __init__(self, pat: Pattern):
        self.pat = pat
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("presolve", "off")  # tiny LPs; keeps the basis for warm starts
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
        self.rows: list[np.ndarray] = []  # exact integer rows
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

    def _add(self, rows: np.ndarray, rhs, owners, *, cut: bool) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        nr = rows.shape[0]
        if nr == 0:
            return
        a = sp.csr_matrix(rows.astype(float))
        rhs_f = np.asarray(rhs, dtype=float)
        lower = np.full(nr, -highspy.kHighsInf) if cut else rhs_f
        self.h.addRows(
            nr,
            lower,
            rhs_f,
            a.nnz,
            a.indptr[:-1].astype(np.int32),
            a.indices.astype(np.int32),
            a.data,
        )
        self.rows.extend(rows)
        self.rhs.extend(int(b) for b in rhs)
        self.is_cut.extend([cut] * nr)
        self.owners.extend(owners)

    def add_cuts(self, owners: np.ndarray) -> int:
        """Add the cut rows of these allocations not yet present.

        Returns how many were new.
        """
        owners = np.atleast_2d(owners)
        counts = self.pat.counts(owners)
        keep, new_owners = [], []
        for c, b in zip(counts, owners, strict=True):
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
            raise RuntimeError(
                "HiGHS did not solve the reduced LP to optimality: "
                f"{self.h.modelStatusToString(status)}"
            )
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
        yn = _solve_exact(
            [list(col) for col in zip(*M, strict=True)],
            [int(self.pat.cost[j]) for j in bc],
        )
        nc = self.pat.ncols
        x = [Fraction(0)] * nc
        for j, v in zip(bc, xb, strict=True):
            x[j] = v
        y = [Fraction(0)] * len(self.rows)
        for r, v in zip(nb, yn, strict=True):
            y[r] = v
        if any(v < 0 for v in x):
            raise RuntimeError(
                "exact basis recovery: HiGHS basis is not primal feasible in "
                "exact arithmetic"
            )
        for row, b, cut in zip(self.rows, self.rhs, self.is_cut, strict=True):
            act = sum((int(a) * x[j] for j, a in enumerate(row) if a), Fraction(0))
            if (cut and act > b) or (not cut and act != b):
                raise RuntimeError(
                    "exact basis recovery: HiGHS basis violates a row in exact "
                    "arithmetic"
                )
        if any(v < 0 for v, cut in zip(y, self.is_cut, strict=True) if cut):
            raise RuntimeError(
                "exact basis recovery: HiGHS basis is not dual feasible in "
                "exact arithmetic"
            )
        for j in range(nc):
            reduced = self.pat.cost[j] - sum(
                (
                    y[r] * int(row[j])
                    for r, row in enumerate(self.rows)
                    if row[j] and y[r]
                ),
                Fraction(0),
            )
            if reduced > 0:
                raise RuntimeError(
                    "exact basis recovery: a reduced cost has the wrong sign in "
                    "exact arithmetic"
                )
        return x, y
