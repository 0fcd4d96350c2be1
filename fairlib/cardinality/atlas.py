"""The atlas of exact cells (beyond Paper B): its grids, one row per cell, certificates.

The atlas grid is every ``(m, k, n)`` with ``3 <= m <= 30``, ``1 <= k <= m - 1``
and ``n = ceil(m/k)`` (the fewest agents admitting a complete cardinal
allocation), plus ``n = ceil(m/k) + 1, ceil(m/k) + 2`` for ``m <= 12``;
``data/make_atlas.py`` computes each cell with
:func:`~fairlib.cardinality.exact_poc`, re-verifies it with
:func:`~fairlib.cardinality.check_certificate` and writes :func:`atlas_row` to
``data/exact_poc_atlas.csv``.  :func:`n_range_grid` (every ``n`` from
``ceil(m/k)`` to ``m``) asks whether ``n`` changes the value; the cells
``31 <= m <= 40`` are shipped with their certificates
(:func:`certificate_record`, re-checked from the file by
:func:`result_from_record`).  ``notebooks/exact_poc_cell.ipynb`` explains one
cell with the same row.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np

from .. import _validate as V
from .bounds import compare_with_theorem1, utilitarian_poc_bound
from .certificate import CertificateCheck, check_certificate
from .constructions import lemma1_c, lemma2_lower_bound
from .exact import ExactPoC, PatternCertificate, exact_poc

__all__ = [
    "ATLAS_M_MAX",
    "ATLAS_EXTRA_N_M_MAX",
    "ATLAS_COLUMNS",
    "atlas_grid",
    "n_range_grid",
    "atlas_row",
    "atlas_cell",
    "atlas_task",
    "certificate_record",
    "result_from_record",
]

#: Largest ``m`` of ``data/exact_poc_atlas.csv`` (what ``make atlas`` computes).
ATLAS_M_MAX = 30

#: Up to this ``m`` the atlas also has ``n = ceil(m/k) + 1`` and ``ceil(m/k) + 2``.
ATLAS_EXTRA_N_M_MAX = 12

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


def atlas_grid(m_max=ATLAS_M_MAX, m_min=3) -> list[tuple[int, int, int]]:
    """The atlas cells ``(m, k, n)``, sorted.

    Every ``m_min <= m <= m_max``, ``1 <= k <= m - 1`` and ``n = ceil(m/k)``
    (the fewest agents admitting a complete cardinal allocation, Paper B,
    Definition 2), plus ``n = ceil(m/k) + 1, ceil(m/k) + 2`` when
    ``m <= ATLAS_EXTRA_N_M_MAX``.

    Parameters
    ----------
    m_max : int, default ATLAS_M_MAX
        Largest number of items, ``m_max >= 3``.
    m_min : int, default 3
        Smallest number of items, ``3 <= m_min <= m_max``.

    Returns
    -------
    list of tuple of int
    """
    m_max = V.positive_int(m_max, "m_max", minimum=3)
    m_min = V.positive_int(m_min, "m_min", minimum=3)
    if m_min > m_max:
        raise ValueError(f"m_min must be <= m_max = {m_max}, got {m_min}")
    return [
        (m, k, n)
        for m in range(m_min, m_max + 1)
        for k in range(1, m)
        for n in range(-(-m // k), -(-m // k) + (3 if m <= ATLAS_EXTRA_N_M_MAX else 1))
    ]


def n_range_grid(m_max=16) -> list[tuple[int, int, int]]:
    """The cells ``(m, k, n)`` of every ``n`` from ``ceil(m/k)`` to ``m``.

    Every ``3 <= m <= m_max``, ``1 <= k <= m - 1``, ``ceil(m/k) <= n <= m``.
    With ``n >= m`` agents every pattern (partition of ``m``) is available, so
    ``n = m`` is the largest ``n`` that can matter; this grid shows where ``n``
    changes the exact price of cardinality (Paper B, Definition 2).

    Parameters
    ----------
    m_max : int, default 16
        Largest number of items, ``m_max >= 3``.

    Returns
    -------
    list of tuple of int
    """
    m_max = V.positive_int(m_max, "m_max", minimum=3)
    return [
        (m, k, n)
        for m in range(3, m_max + 1)
        for k in range(1, m)
        for n in range(-(-m // k), m + 1)
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


def atlas_cell(m, k, n, certificate=False):
    """:func:`atlas_row` of the cell ``(m, k, n)``, computed and re-verified.

    Runs :func:`~fairlib.cardinality.exact_poc` and
    :func:`~fairlib.cardinality.check_certificate`; raises (``CertificateError``,
    ``RuntimeError``) unless every exact check passes.  A top-level function,
    so worker processes (local or on a Dask cluster) can run it: its arguments
    and its result travel over the wire, no shared filesystem is needed.

    Parameters
    ----------
    m, k, n : int
        The cell (Paper B, Definition 2, one category), ``n k >= m``.
    certificate : bool, default False
        Also return :func:`certificate_record` of the result.

    Returns
    -------
    dict or tuple of dict
        As :func:`atlas_row`; ``(row, record)`` when ``certificate``.
    """
    result = exact_poc(m, k, n)
    row = atlas_row(result, check_certificate(result))
    return (row, certificate_record(result)) if certificate else row


def atlas_task(m, k, n, certificate=False) -> dict:
    """:func:`atlas_cell` as a cluster task, with the CPU time it took.

    Parameters
    ----------
    m, k, n, certificate
        As in :func:`atlas_cell`.

    Returns
    -------
    dict
        ``row`` (:func:`atlas_row`), ``record`` (:func:`certificate_record` or
        ``None``) and ``cpu_seconds`` (``time.process_time`` of the worker).
    """
    t0 = time.process_time()
    out = atlas_cell(m, k, n, certificate=certificate)
    row, record = out if certificate else (out, None)
    return {"row": row, "record": record, "cpu_seconds": time.process_time() - t0}


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def certificate_record(result: ExactPoC) -> dict:
    """A JSON-ready record of an :class:`ExactPoC` with all its certificates.

    Fractions as ``"p/q"`` text; every cut (an owner array, agents ``< 64``)
    as a string of one character per item, stored once per cell in
    ``"cuts"`` and referred to by index from each pattern.
    :func:`result_from_record` inverts it exactly.

    Parameters
    ----------
    result : ExactPoC
        From :func:`~fairlib.cardinality.exact_poc`, ``n <= 64``.

    Returns
    -------
    dict
    """
    if not isinstance(result, ExactPoC):
        raise ValueError(f"result must be an ExactPoC, got {type(result).__name__}")
    if result.n > len(_DIGITS):
        raise ValueError(f"result.n must be <= {len(_DIGITS)} to be recorded")
    table: dict[str, int] = {}
    patterns = []
    for c in result.certificate:
        ids = [
            table.setdefault("".join(_DIGITS[g] for g in cut), len(table))
            for cut in c.cuts
        ]
        patterns.append(
            [
                list(c.pattern),
                ids,
                [str(y) for y in c.multipliers],
                {str(a): str(w) for a, w in c.row_multipliers.items()},
                str(c.bound),
                bool(c.exact),
            ]
        )
    return {
        "m": result.m,
        "k": result.k,
        "n": result.n,
        "lower": str(result.lower),
        "upper": str(result.upper),
        "pattern": list(result.pattern),
        "witness": [[str(v) for v in row] for row in result.witness],
        "n_separated": result.n_separated,
        "n_solves": result.n_solves,
        "cuts": list(table),
        "patterns": patterns,
    }


def result_from_record(record: dict) -> ExactPoC:
    """The :class:`ExactPoC` of a :func:`certificate_record` (exact, unchecked).

    Re-verify it with :func:`~fairlib.cardinality.check_certificate`.

    Parameters
    ----------
    record : dict
        As written by :func:`certificate_record` (e.g. read back from JSON).

    Returns
    -------
    ExactPoC
    """
    if not isinstance(record, dict) or "patterns" not in record:
        raise ValueError("record must be a dict from certificate_record")
    index = {ch: i for i, ch in enumerate(_DIGITS)}
    cuts = [tuple(index[ch] for ch in text) for text in record["cuts"]]
    certs = tuple(
        PatternCertificate(
            tuple(pattern),
            tuple(cuts[i] for i in ids),
            tuple(Fraction(y) for y in ys),
            {int(a): Fraction(w) for a, w in ws.items()},
            Fraction(bound),
            bool(exact),
        )
        for pattern, ids, ys, ws, bound, exact in record["patterns"]
    )
    upper = Fraction(record["upper"])
    witness = np.array(
        [[Fraction(v) for v in row] for row in record["witness"]], dtype=object
    )
    return ExactPoC(
        int(record["m"]),
        int(record["k"]),
        int(record["n"]),
        float(upper),
        witness,
        Fraction(record["lower"]),
        upper,
        tuple(record["pattern"]),
        certs,
        int(record["n_separated"]),
        int(record["n_solves"]),
    )
