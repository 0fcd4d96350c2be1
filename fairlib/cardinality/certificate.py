"""Independent exact verification of an :func:`~fairlib.cardinality.exact_poc` result.

Re-checks the witness (lower bound) and the dual certificates (upper bound) of
an :class:`~fairlib.cardinality.exact.ExactPoC` in exact rational arithmetic,
without the LP solver (beyond Paper B; the method is in
:mod:`fairlib.cardinality.exact`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .exact import ExactPoC
from .patterns import orbit_label, partitions
from .solve import cardinal_optimum

__all__ = ["CertificateError", "CertificateCheck", "check_certificate"]


class CertificateError(ValueError):
    """A certificate of :func:`exact_poc` failed an exact check."""


def _fail(msg: str):
    raise CertificateError(msg)


@dataclass(frozen=True)
class CertificateCheck:
    """What :func:`check_certificate` verified about an :class:`ExactPoC`.

    Both bounds are on the price of cardinality of Paper B, Definition 2.

    Attributes
    ----------
    lower : Fraction
        The witness's exact ratio, recomputed.
    upper : Fraction
        The largest exact dual bound over all patterns, recomputed.
    gap : Fraction
        ``upper - lower`` (0 when the cell's value is proven exactly).
    patterns : int
        Patterns (partitions of ``m`` into at most ``n`` parts) checked.
    cuts : int
        Cuts (cardinal allocations with a positive multiplier) checked, over
        all patterns.
    """

    lower: Fraction
    upper: Fraction
    gap: Fraction
    patterns: int
    cuts: int


def _orbit_keys(sizes: tuple, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Orbit of every pair ``(i, j)`` as an integer key, and the owner of each item.

    The key of :func:`orbit_label`'s ``(|A_i|, |A_{A(j)}|, i == A(j))`` is
    ``(|A_i| (m + 1) + |A_{A(j)}|) 2 + [i == A(j)]``; the first entries are
    re-checked against :func:`orbit_label` itself.
    """
    own = np.repeat(np.arange(len(sizes)), sizes)
    size = np.zeros(n, dtype=np.int64)
    size[: len(sizes)] = sizes
    mine = np.arange(n)[:, None] == own[None, :]
    keys = (size[:, None] * (m + 1) + size[own][None, :]) * 2 + mine
    for i, j in ((0, 0), (n - 1, m - 1)):
        a, b, is_own = orbit_label(sizes, n, i, j)
        if keys[i, j] != (a * (m + 1) + b) * 2 + int(is_own):
            _fail("internal error: orbit keys disagree with orbit_label")
    return keys, own


def _int_dot(a: list[int], b: np.ndarray) -> list[int]:
    """``a @ b`` exactly: Python ints times a small non-negative int64 matrix."""
    big = max((abs(v) for v in a), default=0) * max(int(b.sum(axis=0).max()), 1)
    if big < 2**62:
        return [int(v) for v in np.array(a, dtype=np.int64) @ b]
    return list(np.array(a, dtype=object) @ b.astype(object))


def _check_pattern(cert, m: int, k: int, n: int) -> Fraction:
    """Check one pattern's dual certificate exactly; return its bound ``sum y_B``."""
    sizes = tuple(cert.pattern)
    keys, own = _orbit_keys(sizes, n, m)
    labels, inverse = np.unique(keys, return_inverse=True)
    inverse = inverse.reshape(keys.shape)
    L = labels.size
    if len(cert.cuts) != len(cert.multipliers):
        _fail(f"pattern {sizes}: one multiplier per cut expected")
    ys = cert.multipliers
    if not all(isinstance(y, Fraction) and y > 0 for y in ys):
        _fail(f"pattern {sizes}: cut multipliers must be positive Fractions")
    if not all(
        isinstance(cut, tuple) and len(cut) == m and all(type(g) is int for g in cut)
        for cut in cert.cuts
    ):
        _fail(
            f"pattern {sizes}: a cut is not a complete allocation of the "
            "m items to the n agents"
        )
    cuts = np.array(cert.cuts, dtype=np.int64).reshape(len(cert.cuts), m)
    if cuts.size and (cuts.min() < 0 or cuts.max() >= n):
        _fail(
            f"pattern {sizes}: a cut is not a complete allocation of the "
            "m items to the n agents"
        )
    R = cuts.shape[0]
    rows = np.arange(R)[:, None]
    if R and np.bincount((rows * n + cuts).ravel(), minlength=R * n).max() > k:
        _fail(f"pattern {sizes}: a cut gives some agent more than k = {k} items")
    counts = np.bincount(
        (rows * L + inverse[cuts, np.arange(m)[None, :]]).ravel(), minlength=R * L
    ).reshape(R, L)
    w = cert.row_multipliers
    present = set(int(a) for a in np.unique(np.append(np.asarray(sizes), 0)))
    if len(sizes) == n:
        present.discard(0)
    if set(w) != present or not all(isinstance(v, Fraction) for v in w.values()):
        _fail(f"pattern {sizes}: one Fraction row multiplier per bundle size expected")
    if sum(w.values(), Fraction(0)) > 0:
        _fail(f"pattern {sizes}: row multipliers must sum to <= 0 (the t column)")
    D = 1
    for v in (*ys, *w.values()):
        D = math.lcm(D, v.denominator)
    cover = _int_dot([y.numerator * (D // y.denominator) for y in ys], counts)
    # per orbit o: N(o) items of o in the row of a representative of its size
    # class a(o), c_o items of o in their owner's row
    size_of = labels // (2 * (m + 1))
    rep_row = {a: inverse[sizes.index(a) if a else len(sizes)] for a in present}
    n_o = {a: np.bincount(r, minlength=L) for a, r in rep_row.items()}
    c_o = np.bincount(inverse[own, np.arange(m)], minlength=L)
    for o in range(L):
        a = int(size_of[o])
        lhs = cover[o] + w[a].numerator * (D // w[a].denominator) * int(n_o[a][o])
        if lhs < D * int(c_o[o]):
            label = (a, int(labels[o]) // 2 % (m + 1), bool(labels[o] % 2))
            _fail(f"pattern {sizes}: dual constraint of orbit {label} violated")
    bound = sum(ys, Fraction(0))
    if bound != cert.bound:
        _fail(
            f"pattern {sizes}: stated bound {cert.bound} differs from the "
            f"sum of multipliers {bound}"
        )
    return bound


def check_certificate(result: ExactPoC) -> CertificateCheck:
    """Re-verify an :func:`exact_poc` result exactly, without the LP solver.

    Parameters
    ----------
    result : ExactPoC
        From :func:`~fairlib.cardinality.exact_poc` (possibly altered: every
        field is checked).

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
    CertificateCheck
        ``lower``, ``upper`` (Fractions), ``gap`` (``upper - lower``),
        ``patterns`` and ``cuts`` (number of certificate cuts).

    Raises
    ------
    CertificateError
        On the first check that fails, saying which.
    """
    if not isinstance(result, ExactPoC):
        raise ValueError(
            f"result must be an ExactPoC from exact_poc, got {type(result).__name__}"
        )
    m, k, n = result.m, result.k, result.n
    # 1. the witness
    u = result.witness
    if not isinstance(u, np.ndarray) or u.shape != (n, m):
        _fail(f"witness must be an (n, m) = ({n}, {m}) array")
    if not all(
        isinstance(v, (Fraction, int)) and not isinstance(v, bool) and v >= 0
        for v in u.flat
    ):
        _fail("witness entries must be non-negative Fractions")
    if any(sum(row, Fraction(0)) != 1 for row in u):
        _fail("witness rows must sum to exactly 1")
    opt = sum((max(col) for col in u.T), Fraction(0))
    card, owner = cardinal_optimum(u, k, method="assignment")
    if (
        np.bincount(owner, minlength=n).max() > k
        or sum((u[owner[j], j] for j in range(m)), Fraction(0)) != card
    ):
        _fail(
            "cardinal optimum of the witness is not a cardinal allocation of that value"
        )
    ratio = Fraction(opt) / Fraction(card)
    if ratio != result.lower:
        _fail(
            f"witness ratio {ratio} differs from the stated lower bound {result.lower}"
        )
    # 2. the dual certificates
    expected = list(partitions(m, n))
    got = [tuple(c.pattern) for c in result.certificate]
    if sorted(got) != sorted(expected) or len(set(got)) != len(got):
        _fail(
            "certificate must cover every partition of m into at most n parts "
            "exactly once"
        )
    n_cuts, bounds = 0, []
    for cert in result.certificate:
        bounds.append(_check_pattern(cert, m, k, n))
        n_cuts += len(cert.cuts)
    upper = max(bounds)
    if upper != result.upper:
        _fail(
            f"maximum pattern bound {upper} differs from the stated upper "
            f"bound {result.upper}"
        )
    # 3. consistency
    if result.lower > result.upper:
        _fail("lower bound exceeds upper bound")
    if abs(result.value - float(result.upper)) > 1e-9:
        _fail("value differs from the certified upper bound")
    return CertificateCheck(
        lower=result.lower,
        upper=result.upper,
        gap=result.upper - result.lower,
        patterns=len(bounds),
        cuts=n_cuts,
    )
