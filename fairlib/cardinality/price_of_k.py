"""The price of a cap ``k`` on your own data (Paper B, Definitions 2 and 3).

``python -m fairlib.cardinality price-of-k VALUATIONS.csv [--categories
CATS.csv] [--normalize] [--plot OUT.svg]`` reads an agents x items table and
prints, for every cap ``k`` from ``ceil(m/n)`` to ``m``, the utilitarian and
egalitarian optima with and without the cap, this instance's price, and the
worst case over all instances of the same shape (Theorems 1 and 2; Theorems
3/4 and 5 with categories).  Malformed input ends with one line naming the
file, row and column, exit status 2, never a traceback.

File formats
------------
``VALUATIONS.csv``: a header row (its first cell is ignored, then one item
name per column) and one row per agent (the agent's name, then her value of
each item: finite, non-negative numbers).  Without ``--normalize`` every row
must sum to 1 (Paper B §2); with it each row is divided by its sum.

``CATS.csv``: a header row ``item,category`` and one row per item giving its
category name; every item of the valuations file exactly once.  The cap ``k``
is then applied in every category; ``k`` runs from ``max_j ceil(m_j/n)`` to
``max_j m_j``.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .bounds import utilitarian_poc_bound
from .categories import categories_poc_bound
from .solve import cardinal_optimum, utilitarian_optimum

__all__ = [
    "ValuationError",
    "Valuations",
    "read_valuations",
    "read_categories",
    "PriceOfKRow",
    "price_of_k",
    "format_table",
    "plot_price_of_k",
    "main",
]

NORM_TOL = 1e-9


class ValuationError(ValueError):
    """A malformed input file; the message is one line naming file, row, column."""


def _fail(path, row, col, what):
    raise ValuationError(f"{path}: row {row}, column {col}: {what}")


@dataclass(frozen=True)
class Valuations:
    """An agents x items table read by :func:`read_valuations`.

    Attributes
    ----------
    agents : tuple of str
        Agent names (first column), in file order.
    items : tuple of str
        Item names (header row), in file order.
    u : numpy.ndarray of float, shape (n, m)
        The utilities, rows summing to 1.
    """

    agents: tuple
    items: tuple
    u: np.ndarray


def _rows(path) -> list[list[str]]:
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            return [row for row in csv.reader(fh) if any(c.strip() for c in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValuationError(f"{path}: row 1, column 1: cannot read: {exc}") from None


def _names(path, cells, row, col0, what) -> tuple:
    seen = {}
    for c, name in enumerate(cells, start=col0):
        name = name.strip()
        if not name:
            _fail(path, row, c, f"empty {what} name")
        if name in seen:
            _fail(
                path,
                row,
                c,
                f"duplicate {what} name {name!r} (also column {seen[name]})",
            )
        seen[name] = c
    return tuple(seen)


def read_valuations(path, normalize=False) -> Valuations:
    """Read and check an agents x items CSV table (Paper B §2 instances).

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file (format in the module docstring).
    normalize : bool, default False
        Divide each row by its sum; otherwise rows must sum to 1 within 1e-9.

    Returns
    -------
    Valuations

    Raises
    ------
    ValuationError
        One line naming the file, row and column of the first problem: an
        empty table, a ragged row, a duplicate or empty name, a non-numeric,
        non-finite or negative entry, an all-zero row, or (without
        ``normalize``) a row not summing to 1.
    """
    rows = _rows(path)
    if len(rows) < 2 or len(rows[0]) < 2:
        _fail(
            path,
            1,
            1,
            "empty table: need a header row of item names and one row per agent",
        )
    items = _names(path, rows[0][1:], 1, 2, "item")
    width = len(rows[0])
    agents = tuple(r[0].strip() for r in rows[1:])
    dup = {}
    for r, name in enumerate(agents, start=2):
        if not name:
            _fail(path, r, 1, "empty agent name")
        if name in dup:
            _fail(path, r, 1, f"duplicate agent name {name!r} (also row {dup[name]})")
        dup[name] = r
    u = np.empty((len(agents), len(items)))
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            col = min(len(row), width) + 1
            _fail(path, r, col, f"ragged row: {len(row)} cells, the header has {width}")
        for c, cell in enumerate(row[1:], start=2):
            try:
                x = float(cell)
            except ValueError:
                _fail(path, r, c, f"{cell.strip()!r} is not a number")
            if not math.isfinite(x):
                _fail(path, r, c, f"{cell.strip()!r} is not finite")
            if x < 0:
                _fail(path, r, c, f"negative value {cell.strip()}")
            u[r - 2, c - 2] = x
        total = u[r - 2].sum()
        if total <= 0:
            _fail(path, r, 2, f"agent {agents[r - 2]!r} values every item at 0")
        if normalize:
            u[r - 2] /= total
        elif abs(total - 1) > NORM_TOL:
            _fail(
                path,
                r,
                f"2-{width}",
                f"values sum to {total:.6g}, not 1 (pass --normalize to rescale rows)",
            )
    return Valuations(agents, items, u)


def read_categories(path, items) -> tuple[np.ndarray, tuple]:
    """Read an ``item,category`` CSV for the items of a valuations table.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file (format in the module docstring).
    items : sequence of str
        The item names of the valuations table.

    Returns
    -------
    ids : numpy.ndarray of int, shape (m,)
        Category id of each item, in the valuations table's item order.
    names : tuple of str
        Category names, by id (order of first appearance).

    Raises
    ------
    ValuationError
        An empty or ragged table, an unknown, duplicate or missing item, or an
        empty category name.
    """
    rows = _rows(path)
    if len(rows) < 2:
        _fail(
            path,
            1,
            1,
            "empty table: need a header row 'item,category' and one row per item",
        )
    index = {name: g for g, name in enumerate(items)}
    ids = np.full(len(items), -1)
    names: dict[str, int] = {}
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            _fail(
                path,
                r,
                min(len(row), 2) + 1,
                f"ragged row: {len(row)} cells, expected 2",
            )
        item, cat = row[0].strip(), row[1].strip()
        if item not in index:
            _fail(path, r, 1, f"unknown item {item!r} (not in the valuations header)")
        if ids[index[item]] >= 0:
            _fail(path, r, 1, f"duplicate item {item!r}")
        if not cat:
            _fail(path, r, 2, "empty category name")
        ids[index[item]] = names.setdefault(cat, len(names))
    if (ids < 0).any():
        missing = items[int(np.flatnonzero(ids < 0)[0])]
        _fail(path, len(rows) + 1, 1, f"item {missing!r} has no category")
    return ids, tuple(names)


@dataclass(frozen=True)
class PriceOfKRow:
    """One cap ``k`` of :func:`price_of_k` (Paper B, Definitions 1–3).

    Attributes
    ----------
    k : int
        The cap (in every category).
    usw_opt, usw_cap : float
        ``OPT-USW`` and ``max_{cardinal} USW``.
    usw_price : float
        Their ratio: this instance's utilitarian price of cardinality.
    usw_bound : float or None
        The worst case over instances of this shape (Theorem 1; Theorem 3 or
        4 with categories); ``None`` where the paper gives none.
    esw_opt, esw_cap, esw_price, esw_bound : float or None
        The same for egalitarian welfare (Theorem 2; Theorem 5 with
        categories); ``None`` if not computed; ``esw_price`` is ``inf`` when
        only the capped optimum is 0 and ``None`` when both are.
    """

    k: int
    usw_opt: float
    usw_cap: float
    usw_price: float
    usw_bound: float | None
    esw_opt: float | None
    esw_cap: float | None
    esw_price: float | None
    esw_bound: float | None


def _bound(fn, *args):
    try:
        return float(fn(*args))
    except ValueError:
        return None


def cap_range(n, sizes) -> range:
    """Caps ``k`` from ``max_j ceil(m_j/n)`` to ``max_j m_j``."""
    return range(max(-(-s // n) for s in sizes), max(sizes) + 1)


def price_of_k(u, categories=None, ks=None, egalitarian=True, progress=False):
    """This instance's price of cardinality for every cap ``k``.

    Paper B, Definitions 2 and 3 on one instance, with the worst-case bounds
    of Theorems 1, 2 (one category) or 3/4, 5 (categories) beside them.

    Parameters
    ----------
    u : array_like, shape (n, m)
        Normalized utilities.
    categories : array_like of int, shape (m,), optional
        Category id per item; the cap applies in every category.
    ks : sequence of int, optional
        Caps to evaluate; default :func:`cap_range`.
    egalitarian : bool, default True
        Also solve the egalitarian MILPs (``fairlib.cardinality.egalitarian``).
    progress : bool, default False
        Show a progress bar on stderr (tqdm) when the run takes over a second.

    Returns
    -------
    list of PriceOfKRow
    """
    u = np.asarray(u, dtype=float)
    n, m = u.shape
    ids = np.zeros(m, dtype=int) if categories is None else np.asarray(categories)
    sizes = np.bincount(ids).tolist()
    ks = list(cap_range(n, sizes) if ks is None else ks)
    for k in ks:
        if n * k < max(sizes):
            raise ValueError(
                f"k must satisfy n*k >= m_j: n = {n}, k = {k}, m_j = {max(sizes)}"
            )
    esw_solve = None
    if egalitarian:
        from .egalitarian import egalitarian_optimum as esw_solve
    usw_opt = utilitarian_optimum(u).value
    esw_opt = esw_solve(u, None).value if esw_solve else None
    if progress:
        from tqdm import tqdm

        ks = tqdm(ks, file=sys.stderr, delay=1.0, desc="price of k", unit="cap")
    rows = []
    for k in ks:
        h = len(sizes)
        kk = k if h == 1 else [k] * h
        cats = None if h == 1 else ids
        usw_cap = cardinal_optimum(u, kk, cats).value
        if h == 1:
            usw_b = _bound(utilitarian_poc_bound, m, k)
        else:
            usw_b = _bound(categories_poc_bound, sizes, kk, n)
        esw_cap = esw_price = esw_b = None
        if esw_solve:
            esw_cap = esw_solve(u, kk, cats).value
            esw_price = _ratio(esw_opt, esw_cap)
            esw_b = _esw_bound(sizes, k, n)
        rows.append(
            PriceOfKRow(
                k,
                usw_opt,
                usw_cap,
                usw_opt / usw_cap,
                usw_b,
                esw_opt,
                esw_cap,
                esw_price,
                esw_b,
            )
        )
    return rows


def _ratio(top, cap):
    if cap > 0:
        return top / cap
    return math.inf if top > 0 else None


def _esw_bound(sizes, k, n):
    from . import egalitarian_bounds as EB

    if len(sizes) == 1:
        if k >= sizes[0]:
            return 1.0  # the cap is void (Paper B §3)
        return _bound(EB.egalitarian_poc_bound, sizes[0], k, n)
    return _bound(EB.categories_egalitarian_poc_bound, sizes, [k] * len(sizes), n)


def _fmt(x) -> str:
    if x is None:
        return "-"
    if math.isinf(x):
        return "inf"
    return f"{x:.4f}"


def format_table(rows) -> str:
    """The rows of :func:`price_of_k` as a fixed-width text table.

    Parameters
    ----------
    rows : list of PriceOfKRow

    Returns
    -------
    str
    """
    head = [
        "k",
        "OPT-USW",
        "USW cap",
        "price",
        "bound",
        "OPT-ESW",
        "ESW cap",
        "price",
        "bound",
    ]
    lines = [" ".join(f"{h:>8}" for h in head)]
    for r in rows:
        vals = [r.usw_opt, r.usw_cap, r.usw_price, r.usw_bound]
        vals += [r.esw_opt, r.esw_cap, r.esw_price, r.esw_bound]
        lines.append(f"{r.k:>8} " + " ".join(f"{_fmt(v):>8}" for v in vals))
    return "\n".join(lines)


def plot_price_of_k(rows):
    """Welfare against the cap ``k``: utilitarian and egalitarian, capped or not.

    Parameters
    ----------
    rows : list of PriceOfKRow

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    ks = [r.k for r in rows]
    fig, ax = plt.subplots()
    ax.plot(ks, [r.usw_cap for r in rows], "o-", color="tab:blue", label="USW, cap k")
    ax.axhline(
        rows[0].usw_opt, color="tab:blue", ls="--", lw=1, label="OPT-USW (no cap)"
    )
    if rows[0].esw_opt is not None:
        ax.plot(
            ks, [r.esw_cap for r in rows], "s-", color="tab:orange", label="ESW, cap k"
        )
        ax.axhline(
            rows[0].esw_opt, color="tab:orange", ls="--", lw=1, label="OPT-ESW (no cap)"
        )
    ax.set_xlabel("cap $k$ (items per agent and category)")
    ax.set_ylabel("welfare")
    ax.set_xticks(ks)
    ax.legend()
    return fig


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m fairlib.cardinality")
    sub = p.add_subparsers(dest="command", required=True)
    q = sub.add_parser("price-of-k", help="the price of a cap k on your own valuations")
    q.add_argument("valuations", help="agents x items CSV (header: item names)")
    q.add_argument("--categories", help="item,category CSV")
    q.add_argument("--normalize", action="store_true", help="rescale each row to sum 1")
    q.add_argument("--plot", metavar="OUT.svg", help="draw welfare against k")
    q.add_argument(
        "--k", type=int, nargs="+", metavar="K", help="caps to evaluate (default all)"
    )
    q.add_argument(
        "--no-egalitarian", action="store_true", help="skip the egalitarian MILPs"
    )
    return p


def _feasible_caps(args, val, ids):
    """The caps of ``--k`` with ``n k >= m_j`` for every category, or an error."""
    if not args.k:
        return None
    n, m = val.u.shape
    sizes = [m] if ids is None else np.bincount(ids).tolist()
    ok = [k for k in args.k if k >= 1 and n * k >= max(sizes)]
    if ok:
        for k in sorted(set(args.k) - set(ok)):
            print(f"note: k = {k} skipped (n*k < m_j or k < 1)", file=sys.stderr)
        return ok
    what = f"n*k < m for every requested k (n = {n} agents, k = {args.k})"
    if ids is None:
        _fail(args.valuations, 1, m + 1, f"{what}, m = {m} items")
    big = int(np.argmax(sizes))
    row = 2 + int(np.flatnonzero(ids == big)[0])
    _fail(args.categories, row, 2, f"{what}, category of {max(sizes)} items")


def main(argv=None) -> int:
    """Command-line entry point; returns the exit status (2 on bad input).

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
    """
    args = _parser().parse_args(argv)
    try:
        val = read_valuations(args.valuations, normalize=args.normalize)
        ids = None
        if args.categories:
            ids, _ = read_categories(args.categories, val.items)
        n, m = val.u.shape
        egal = not args.no_egalitarian
        if egal:
            try:
                from . import egalitarian  # noqa: F401
            except ImportError:
                print(
                    "note: fairlib.cardinality.egalitarian is missing; ESW skipped",
                    file=sys.stderr,
                )
                egal = False
        ks = _feasible_caps(args, val, ids)
        rows = price_of_k(val.u, ids, ks=ks, egalitarian=egal, progress=True)
    except ValuationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    cats = "" if ids is None else f", {int(ids.max()) + 1} categories"
    print(f"{args.valuations}: n = {n} agents, m = {m} items{cats}")
    print(format_table(rows))
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        fig = plot_price_of_k(rows)
        try:
            fig.savefig(Path(args.plot))
        except OSError as exc:
            print(f"error: {args.plot}: cannot write the plot: {exc}", file=sys.stderr)
            return 2
        print(f"plot written to {args.plot}")
    return 0
