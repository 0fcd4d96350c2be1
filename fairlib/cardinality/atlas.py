"""The atlas of exact cells (beyond Paper B): its grid and one row per cell.

The grid is every ``(m, k, n)`` with ``3 <= m <= m_max``, ``1 <= k <= m - 2``
and ``ceil(m/k) <= n <= ceil(m/k) + 2``; ``data/make_atlas.py`` computes each
cell with :func:`~fairlib.cardinality.exact_poc`, re-verifies it with
:func:`~fairlib.cardinality.check_certificate` and writes :func:`atlas_row`
to ``data/exact_poc_atlas.csv``.  ``notebooks/exact_poc_cell.ipynb`` explains
one cell with the same row.
"""

from __future__ import annotations

from .. import _validate as V
from .bounds import compare_with_theorem1, utilitarian_poc_bound
from .certificate import CertificateCheck, check_certificate
from .constructions import lemma1_c, lemma2_lower_bound
from .exact import ExactPoC, exact_poc

__all__ = ["ATLAS_M_MAX", "ATLAS_COLUMNS", "atlas_grid", "atlas_row", "atlas_cell"]

#: Largest ``m`` of the shipped atlas.
ATLAS_M_MAX = 12

#: The CSV columns after ``m, k, n``, in order (see :func:`atlas_row`).
ATLAS_COLUMNS = (
    "value",
    "lower",
    "upper",
    "exact",
    "formula",
    "formula_cmp",
    "formula_minus_value",
    "lemma1_c",
    "lemma2_main",
    "lemma2_appendix",
    "pattern",
    "n_patterns",
    "n_cuts",
    "n_best_cuts",
    "n_separated",
    "n_solves",
)

_CMP_TEXT = {0: "equals", -1: "is below"}


def atlas_grid(m_max=ATLAS_M_MAX) -> list[tuple[int, int, int]]:
    """The atlas cells ``(m, k, n)``, sorted.

    Every ``3 <= m <= m_max``, ``1 <= k <= m - 2`` (so ``m >= k + 2`` and
    Lemma 2 applies) and ``ceil(m/k) <= n <= ceil(m/k) + 2`` (the fewest
    agents admitting a complete cardinal allocation, and two more).

    Parameters
    ----------
    m_max : int, default ATLAS_M_MAX
        Largest number of items, ``m_max >= 3``.

    Returns
    -------
    list of tuple of int
    """
    m_max = V.positive_int(m_max, "m_max", minimum=3)
    return [
        (m, k, n)
        for m in range(3, m_max + 1)
        for k in range(1, m - 1)
        for n in range(-(-m // k), -(-m // k) + 3)
    ]


def atlas_row(result: ExactPoC, check: CertificateCheck) -> dict:
    """One atlas row: the cell, its exact value and the paper's bounds, as text.

    Parameters
    ----------
    result : ExactPoC
        From :func:`~fairlib.cardinality.exact_poc`.
    check : CertificateCheck
        From :func:`~fairlib.cardinality.check_certificate` on ``result``.

    Returns
    -------
    dict
        ``m``, ``k``, ``n`` (int), then the :data:`ATLAS_COLUMNS` as text:
        ``value`` (12 decimals), ``lower`` and ``upper`` (``p/q``), ``exact``
        (``"True"``/``"False"``), ``formula`` (Theorem 1, 12 decimals),
        ``formula_cmp`` (``"equals"`` or ``"is below"``, decided exactly),
        ``formula_minus_value``, ``lemma1_c`` (Lemma 1's ``c`` or
        ``"none"``), ``lemma2_main`` and ``lemma2_appendix`` (Lemma 2's
        closed forms, or ``"n/a"`` when ``m < k + 2``), ``pattern`` (best
        pattern as ``a+b+...``), ``n_patterns`` and ``n_cuts`` (checked by
        ``check``), ``n_best_cuts`` (cuts in the best pattern's certificate),
        ``n_separated`` and ``n_solves``.

    Raises
    ------
    ValueError
        If ``result`` or ``check`` has the wrong type, or ``check`` is not
        about ``result``.
    RuntimeError
        If the value lies above Theorem 1's bound.
    """
    if not isinstance(result, ExactPoC):
        raise ValueError(f"result must be an ExactPoC, got {type(result).__name__}")
    if not isinstance(check, CertificateCheck):
        raise ValueError(
            f"check must be a CertificateCheck, got {type(check).__name__}"
        )
    if (check.lower, check.upper) != (result.lower, result.upper):
        raise ValueError("check must be check_certificate(result)")
    m, k, n = result.m, result.k, result.n
    formula = utilitarian_poc_bound(m, k)
    cmp = compare_with_theorem1(result.upper, m, k)
    if cmp > 0:
        raise RuntimeError(f"cell {(m, k, n)}: above Theorem 1's bound")
    lemma2 = {
        v: str(lemma2_lower_bound(m, k, v)) if m >= k + 2 else "n/a"
        for v in ("main", "appendix")
    }
    c = lemma1_c(m, k)
    best = next(c for c in result.certificate if c.pattern == result.pattern)
    return {
        "m": m,
        "k": k,
        "n": n,
        "value": f"{result.value:.12f}",
        "lower": str(result.lower),
        "upper": str(result.upper),
        "exact": str(result.exact),
        "formula": f"{formula:.12f}",
        "formula_cmp": _CMP_TEXT[cmp],
        "formula_minus_value": f"{formula - result.value:.12f}",
        "lemma1_c": "none" if c is None else str(c),
        "lemma2_main": lemma2["main"],
        "lemma2_appendix": lemma2["appendix"],
        "pattern": "+".join(map(str, result.pattern)),
        "n_patterns": str(check.patterns),
        "n_cuts": str(check.cuts),
        "n_best_cuts": str(len(best.cuts)),
        "n_separated": str(result.n_separated),
        "n_solves": str(result.n_solves),
    }


def atlas_cell(m, k, n) -> dict:
    """:func:`atlas_row` of the cell ``(m, k, n)``, computed and re-verified.

    Runs :func:`~fairlib.cardinality.exact_poc` and
    :func:`~fairlib.cardinality.check_certificate`; raises (``CertificateError``,
    ``RuntimeError``) unless every exact check passes.  A top-level function,
    so worker processes can run it.

    Parameters
    ----------
    m, k, n : int
        The cell (Paper B, Definition 2, one category), ``n k >= m``.

    Returns
    -------
    dict
        As :func:`atlas_row`.
    """
    result = exact_poc(m, k, n)
    return atlas_row(result, check_certificate(result))
