"""Closed forms and bound expressions of Paper A's structured and random settings.

Paper A (Shirali, Finocchiaro, Abebe, FAccT 2024), Theorems 3.5, 3.6, D.1,
Corollaries D.2, E.2, E.3, Lemma E.1 and Eq. (40).  The formulas accept NumPy
arrays (vectorized) and, where noted, SymPy expressions, so a page checks a
derivation on the very formula the library evaluates.

Two ``gamma``-dissimilar agents (Appendix D)
    ``quadratic_item_bound`` (Eq. 40, Figure 4), ``theorem_d1_item_bounds``
    (Eq. 37–38, Figure 5), ``corollary_d2_bound`` (Eq. 66–68) and
    ``dissimilar_adversary``: agent 2's worst reply to ``a_1`` (the maximum of
    ``sum_j loss_j`` of Eq. 14 over ``gamma``-dissimilar ``a_2 in [0, 1]^m``,
    Eq. 41 without the quadratic relaxation) as a mixed-integer LP (HiGHS).
Two independent agents (Appendix E)
    ``lemma_e1_item_loss`` (Eq. 71), ``lemma_e1_expected_item_loss`` (Eq. 69
    by quadrature), ``corollary_e2_expected_item_loss`` (Eq. 77),
    ``corollary_e2_item_bound`` (Eq. 78), ``corollary_e3_item_bound`` (Eq. 79);
    ``single_item_loss`` and ``single_item_expected_loss``: the loss itself
    (Eq. 4, not its per-item bound ``loss_j``) when the two agents share one
    item, the quantity Corollary E.3 bounds.
Many agents (§3.2)
    ``theorem_3_5_expression`` (Eq. 21) and ``theorem_3_6_expression`` (Eq. 22).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.integrate
import scipy.optimize
import scipy.sparse as sp

from .. import _validate as V
from .random_agents import _nonnegative, _open_unit, item_distribution

__all__ = [
    "quadratic_item_bound",
    "theorem_d1_item_bounds",
    "D2Bound",
    "corollary_d2_bound",
    "Adversary",
    "dissimilar_adversary",
    "lemma_e1_item_loss",
    "lemma_e1_expected_item_loss",
    "corollary_e2_expected_item_loss",
    "corollary_e2_item_bound",
    "corollary_e3_item_bound",
    "single_item_loss",
    "single_item_expected_loss",
    "theorem_3_5_expression",
    "theorem_3_6_expression",
]


# ---------------------------------------------------------------------------
# Appendix D: two gamma-dissimilar agents
# ---------------------------------------------------------------------------


def quadratic_item_bound(x, a1j: float, r1: float) -> np.ndarray:
    """The quadratic upper bound ``overline{loss}_j(x_j)`` (Paper A, Eq. 40, Fig. 4).

    With ``c_1 = 1 - r_1``::

        x < r_1 a_1j:  -x (c_1 / r_1) (x / (r_1 a_1j) - 2)
        x >= r_1 a_1j: c_1 a_1j (1 - x)(x + 1 - 2 r_1 a_1j) / (1 - r_1 a_1j)^2

    zero at ``x = 0`` and ``x = 1``, maximal (``c_1 a_1j``) with zero slope at
    ``x = r_1 a_1j``.

    Parameters
    ----------
    x : array_like
        Agent 2's values ``a_2j`` in ``[0, 1]``.
    a1j : float
        Agent 1's value, in ``(0, 1]``.
    r1 : float
        ``r_1`` of Theorem 3.2, in ``(0, 1)``.

    Returns
    -------
    numpy.ndarray
    """
    x = _in_unit_array(x, "x")
    a1j = _unit_open_closed(a1j, "a1j")
    r1 = _open_unit(r1, "r1")
    c1, ra = 1.0 - r1, r1 * a1j
    left = -x * (c1 / r1) * (x / ra - 2.0)
    right = c1 * a1j * (1.0 - x) * (x + 1.0 - 2.0 * ra) / (1.0 - ra) ** 2
    return np.where(x < ra, left, right)


def theorem_d1_item_bounds(a1, gamma: float, tau: float, r1: float) -> np.ndarray:
    """Per-item bounds of Theorem D.1 (Paper A, Eq. 37–38, Figure 5).

    With ``t = gamma ||a_1||_1`` and ``c_1 = 1 - r_1``: if ``t > 1`` every item
    gets ``c_1 a_1j`` (Eq. 37); otherwise (Eq. 38) ``c_1 (1 + 2/r_1) t^(1-tau)``
    for ``a_1j < t``, ``2 c_1 t^tau`` for ``t <= a_1j < t + t^tau`` and 0 above.
    The theorem bounds ``sum_j loss_j`` by the sum of these.

    Parameters
    ----------
    a1 : array_like, shape (m,)
        Agent 1's values in ``[0, 1]``, not all zero.
    gamma : float
        Dissimilarity, ``>= 0``.
    tau : float
        In ``[0, 1]``.
    r1 : float
        ``r_1`` in ``(0, 1)``.

    Returns
    -------
    numpy.ndarray, shape (m,)
    """
    a1 = _in_unit_array(a1, "a1")
    if a1.ndim != 1 or a1.sum() <= 0:
        raise ValueError("a1 must be a 1-D vector with a positive entry")
    gamma = _nonnegative(gamma, "gamma")
    tau = _closed_unit(tau, "tau")
    r1 = _open_unit(r1, "r1")
    c1, t = 1.0 - r1, gamma * a1.sum()
    if t > 1.0:
        return c1 * a1
    low = c1 * (1.0 + 2.0 / r1) * t ** (1.0 - tau)
    mid = 2.0 * c1 * t**tau
    return np.where(a1 < t, low, np.where(a1 < t + t**tau, mid, 0.0))


class D2Bound(NamedTuple):
    """Corollary D.2's bound on ``E[loss]`` (Paper A, Eq. 66–68).

    Attributes
    ----------
    paper : float
        Eq. (68) as printed: ``2 m c_1 (1 + 1/r_1) (gamma m)^(4/3)``.
    chain : float
        Eq. (67) summed over items at ``tau``:
        ``m c_1 [(1 + 2/r_1)(gamma m)^(2 - tau) + 2 (gamma m)^(2 tau)]``; at
        ``tau = 2/3`` it is ``m c_1 (3 + 2/r_1)(gamma m)^(4/3)``.
    """

    paper: float
    chain: float


def corollary_d2_bound(m: int, gamma: float, r1: float, tau: float = 2 / 3) -> D2Bound:
    """Bound of Corollary D.2, as printed and from its own chain (Paper A, Eq. 67–68).

    Parameters
    ----------
    m : int
        Items (>= 1).
    gamma : float
        Dissimilarity with ``0 < gamma m <= 1``.
    r1 : float
        ``r_1`` in ``(0, 1)``.
    tau : float, default 2/3
        The exponent of Eq. (67), in ``[1/2, 1]``.

    Returns
    -------
    D2Bound
    """
    m = V.positive_int(m, "m")
    r1 = _open_unit(r1, "r1")
    gm = _nonnegative(gamma, "gamma") * m
    if not 0.0 < gm <= 1.0 + 1e-12:
        raise ValueError(f"gamma must satisfy 0 < gamma m <= 1, got gamma m = {gm!r}")
    tau = _closed_unit(tau, "tau")
    if tau < 0.5:
        raise ValueError(f"tau must lie in [1/2, 1] (Corollary D.2), got {tau!r}")
    c1 = 1.0 - r1
    paper = 2.0 * m * c1 * (1.0 + 1.0 / r1) * gm ** (4.0 / 3.0)
    chain = m * c1 * ((1.0 + 2.0 / r1) * gm ** (2.0 - tau) + 2.0 * gm ** (2.0 * tau))
    return D2Bound(float(paper), float(chain))


class Adversary(NamedTuple):
    """Agent 2's worst ``gamma``-dissimilar reply to ``a_1`` (Paper A, Eq. 14, 41).

    Attributes
    ----------
    a2 : numpy.ndarray, shape (m,)
        Agent 2's values in ``[0, 1]``.
    loss : float
        ``max sum_j loss_j`` of Eq. (14) (HiGHS's optimal value).
    items : numpy.ndarray of bool, shape (m,)
        Items with ``r_1 a_1j <= a_2j <= a_1j`` (the ones that carry loss).
    """

    a2: np.ndarray
    loss: float
    items: np.ndarray


def dissimilar_adversary(a1, gamma: float, r1: float) -> Adversary:
    """Maximize ``sum_j loss_j`` over ``gamma``-dissimilar ``a_2`` (Paper A, Thm D.1).

    Solves, over ``a_2 in [0, 1]^m`` (Eq. 41's feasible set),
    ``max sum_j (a_1j - a_2j) 1{r_1 a_1j <= a_2j <= a_1j}`` subject to
    ``<a_1, a_2> <= gamma ||a_1||_1 ||a_2||_1`` as a mixed-integer LP (one
    binary ``z_j`` per item, ``w_j <= c_1 a_1j z_j``,
    ``w_j <= a_1j - a_2j + 1 - z_j``, ``r_1 a_1j z_j <= a_2j <= a_1j + 1 - z_j``)
    with ``scipy.optimize.milp`` (HiGHS).  This is the exact worst case of the
    quantity Theorem D.1 bounds.

    Parameters
    ----------
    a1 : array_like, shape (m,)
        Agent 1's values in ``[0, 1]``, not all zero.
    gamma : float
        Dissimilarity, ``>= 0``.
    r1 : float
        ``r_1`` in ``(0, 1)``.

    Returns
    -------
    Adversary

    Raises
    ------
    RuntimeError
        If HiGHS does not report an optimal solution.
    """
    a1 = _in_unit_array(a1, "a1")
    if a1.ndim != 1 or a1.sum() <= 0:
        raise ValueError("a1 must be a 1-D vector with a positive entry")
    gamma = _nonnegative(gamma, "gamma")
    r1 = _open_unit(r1, "r1")
    m, c1, t = a1.size, 1.0 - r1, gamma * a1.sum()
    eye = sp.identity(m, format="csr")
    zero = sp.csr_array((m, m))
    # variables (x, z, w); rows: w - c a z <= 0; x + z + w <= a + 1;
    # r a z - x <= 0; x + z <= a + 1; sum (a - t) x <= 0
    A = sp.vstack(
        [
            sp.hstack([zero, -c1 * sp.diags(a1), eye]),
            sp.hstack([eye, eye, eye]),
            sp.hstack([-eye, r1 * sp.diags(a1), zero]),
            sp.hstack([eye, eye, zero]),
            sp.hstack([sp.csr_array((a1 - t)[None, :]), sp.csr_array((1, 2 * m))]),
        ],
        format="csr",
    )
    upper = np.concatenate([np.zeros(m), a1 + 1, np.zeros(m), a1 + 1, [0.0]])
    cons = scipy.optimize.LinearConstraint(A, -np.inf, upper)
    cost = np.concatenate([np.zeros(2 * m), -np.ones(m)])
    integrality = np.concatenate([np.zeros(m), np.ones(m), np.zeros(m)])
    upper_var = np.concatenate([np.ones(2 * m), np.full(m, np.inf)])
    bounds = scipy.optimize.Bounds(np.zeros(3 * m), upper_var)
    res = scipy.optimize.milp(
        cost, constraints=cons, integrality=integrality, bounds=bounds
    )
    if res.status != 0 or res.x is None:
        raise RuntimeError(f"HiGHS did not solve the adversary MILP: {res.message}")
    a2 = np.clip(res.x[:m], 0.0, 1.0)
    items = (a2 >= r1 * a1 - 1e-9) & (a2 <= a1 + 1e-9) & (a1 > 0)
    return Adversary(a2, float(-res.fun), items)


# ---------------------------------------------------------------------------
# Appendix E: two independent agents
# ---------------------------------------------------------------------------


def lemma_e1_item_loss(a1j, a2j, c):
    """``loss_j = (abar - aunder) 1{aunder >= (1 - c) abar}`` (Paper A, Eq. 71).

    ``abar = max(a_1j, a_2j)``, ``aunder = min(a_1j, a_2j)``; with
    ``c = c_m(alpha, beta) = max_i c_i`` this bounds the item's contribution
    to the loss whichever agent is better off (Theorem 3.2 with ``r_m``).

    Parameters
    ----------
    a1j, a2j : array_like
        The two agents' values (broadcast together), >= 0.
    c : float
        ``c_m`` in ``[0, 1)``.

    Returns
    -------
    numpy.ndarray
    """
    hi = np.maximum(np.asarray(a1j, float), np.asarray(a2j, float))
    lo = np.minimum(np.asarray(a1j, float), np.asarray(a2j, float))
    c = _unit_closed_open(c, "c")
    return np.where(lo >= (1.0 - c) * hi, hi - lo, 0.0)


def lemma_e1_expected_item_loss(spec, c: float, nodes: int = 64) -> float:
    """``E[loss_j]`` of Lemma E.1 by quadrature (Paper A, Eq. 69).

    ``abar ~ G^2`` has density ``2 g G``, so Eq. (69) is
    ``int 2 abar g(abar) int_0^c [G((1 - l) abar) - G((1 - c) abar)] dl dabar``
    (``G(abar)`` cancels); the inner integral uses ``nodes`` Gauss–Legendre
    nodes, the outer one ``scipy.integrate.quad``.

    Parameters
    ----------
    spec : str, tuple or frozen distribution
        ``g_j``, as accepted by ``item_distribution``.
    c : float
        ``c_m`` in ``[0, 1)``.
    nodes : int, default 64
        Gauss–Legendre nodes of the inner integral (>= 2).

    Returns
    -------
    float
    """
    g, c, u, wts = _gauss_legendre(spec, c, nodes)
    if c == 0.0:
        return 0.0
    ls, wl = c * (u + 1) / 2, wts * c / 2

    def integrand(ab: float) -> float:
        inner = g.cdf((1.0 - ls) * ab) - g.cdf((1.0 - c) * ab)
        return 2.0 * ab * float(g.pdf(ab)) * float(wl @ inner)

    return _outer_integral(g, integrand)


def corollary_e2_expected_item_loss(s, c):
    """``E[loss_j]`` for ``g_j = Beta(s, 1)`` in closed form (Paper A, Eq. 77).

    ``s / ((s + 1/2)(s + 1)) (1 - (1 + c s)(1 - c)^s)``.  NumPy arrays are
    evaluated elementwise; SymPy expressions pass through unchecked.

    Parameters
    ----------
    s : float, array_like or sympy.Expr
        The Beta shape, > 0.
    c : float, array_like or sympy.Expr
        ``c_m`` in ``[0, 1)``.
    """
    if _numeric(s) and _numeric(c):
        s, c = _positive_array(s, "s"), _unit_array(c, "c")
    return s / ((s + 0.5) * (s + 1)) * (1 - (1 + c * s) * (1 - c) ** s)


def corollary_e2_item_bound(s, c):
    """Per-item bound of Cor. E.2, ``s^3 c^2 / ((s + 1/2)(s + 1))`` (Paper A, Eq. 78).

    Valid for ``s >= 1``; Eq. (74) sums the weaker ``s_j c^2``.  SymPy
    expressions pass through unchecked.

    Parameters
    ----------
    s : float, array_like or sympy.Expr
        The Beta shape, > 0.
    c : float, array_like or sympy.Expr
        ``c_m`` in ``[0, 1)``.
    """
    if _numeric(s) and _numeric(c):
        s, c = _positive_array(s, "s"), _unit_array(c, "c")
    return s**3 / ((s + 0.5) * (s + 1)) * c**2


def corollary_e3_item_bound(kappa_j, c):
    """Leading term ``kappa_j c^2 / 2`` of Corollary E.3 (Paper A, Eq. 79).

    Parameters
    ----------
    kappa_j : float or array_like
        ``kappa_j`` (>= 0, may be ``inf``).
    c : float or array_like
        ``c_m`` in ``[0, 1)``.
    """
    k = np.asarray(kappa_j, dtype=float)
    if np.any(np.isnan(k)) or np.any(k < 0):
        raise ValueError("kappa_j must be >= 0")
    return k * _unit_array(c, "c") ** 2 / 2.0


def single_item_loss(a1j, a2j, c):
    """Loss (Paper A, Eq. 4) of two agents sharing one item, ``c_1 = c_2 = c``.

    By Lemma 3.1 with ``r_1 = r_2 = 1 - c`` the participatory optimum moves
    the item from the agent who values it more (``abar``) towards the other
    (``aunder``) only if ``aunder >= (1 - c) abar``, and then exactly until
    the two utilities are equal (agent ``abar`` keeps the share
    ``aunder / (abar + aunder)``), so
    ``loss = abar (abar - aunder) / (abar + aunder) 1{aunder >= (1 - c) abar}``,
    about half of ``loss_j`` (Eq. 71) for small ``c``.  The same ``c`` arises
    from ``alpha_i = beta_i = c / (4 - 2 c)`` for both agents.

    Parameters
    ----------
    a1j, a2j : array_like
        The two agents' values (broadcast together), >= 0.
    c : float
        ``c_1 = c_2 = c_m`` in ``[0, 1)``.

    Returns
    -------
    numpy.ndarray
    """
    hi = np.maximum(np.asarray(a1j, float), np.asarray(a2j, float))
    lo = np.minimum(np.asarray(a1j, float), np.asarray(a2j, float))
    if np.any(lo < 0) or not np.all(np.isfinite(hi)):
        raise ValueError("a1j and a2j must be finite values >= 0")
    c = _unit_closed_open(c, "c")
    moved = (lo >= (1.0 - c) * hi) & (hi > 0)
    return np.where(moved, hi * (hi - lo) / np.where(moved, hi + lo, 1.0), 0.0)


def single_item_expected_loss(spec, c: float, nodes: int = 64) -> float:
    """``E[loss]`` (Paper A, Eq. 4) of one item shared by two independent agents.

    The expectation of ``single_item_loss`` for ``a_1j, a_2j ~ g`` i.i.d.:
    with ``abar ~ G^2`` and ``aunder = h abar``,
    ``int 2 abar^2 g(abar) int_{1-c}^1 (1 - h) / (1 + h) g(h abar) dh dabar``
    (inner integral with ``nodes`` Gauss–Legendre nodes, outer one with
    ``scipy.integrate.quad``).  This is the left side of Corollary E.3
    (Eq. 79) for ``m = 1``; ``lemma_e1_expected_item_loss`` is its per-item
    upper bound ``E[loss_j]``.

    Parameters
    ----------
    spec : str, tuple or frozen distribution
        ``g_j``, as accepted by ``item_distribution`` (any support in
        ``[0, inf)``).
    c : float
        ``c_1 = c_2 = c_m`` in ``[0, 1)``.
    nodes : int, default 64
        Gauss–Legendre nodes of the inner integral (>= 2).

    Returns
    -------
    float
    """
    g, c, u, wts = _gauss_legendre(spec, c, nodes)
    if c == 0.0:
        return 0.0
    hs, wh = 1.0 - c * (1 - u) / 2, wts * c / 2
    share = wh * (1.0 - hs) / (1.0 + hs)

    def integrand(ab: float) -> float:
        return 2.0 * ab**2 * float(g.pdf(ab)) * float(share @ g.pdf(hs * ab))

    return _outer_integral(g, integrand)


# ---------------------------------------------------------------------------
# §3.2: many agents
# ---------------------------------------------------------------------------


def theorem_3_5_expression(
    delta: float, b: float, K: int, n: int, m: int, gamma: float, c, exponent=0.5
) -> float:
    """The expression inside Theorem 3.5's ``O(.)`` (Paper A, Eq. 21).

    ``delta b K min(n, m) + (K - 1) (gamma m)^exponent sum_j c_j``; the
    theorem's exponent is 1/2, or ``(s + 1)^2 / (s + 2)`` for ``Beta(s, 1)``.

    Parameters
    ----------
    delta, b, gamma : float
        Radius (>= 0), share cap in ``(0, 1]``, dissimilarity (>= 0).
    K, n, m : int
        Clusters, agents, items (>= 1).
    c : array_like, shape (m,)
        ``c_j(alpha, beta)`` of Eq. (18).
    exponent : float, default 0.5
        The exponent of ``gamma m`` (> 0).
    """
    K, n, m = (V.positive_int(v, k) for v, k in ((K, "K"), (n, "n"), (m, "m")))
    delta, gamma = _nonnegative(delta, "delta"), _nonnegative(gamma, "gamma")
    b = _unit_open_closed(b, "b")
    exponent = _nonnegative(exponent, "exponent")
    c = _nonneg_vector(c, "c")
    return float(
        delta * b * K * min(n, m) + (K - 1) * (gamma * m) ** exponent * c.sum()
    )


def theorem_3_6_expression(c, kappa_j, b, n: int) -> float:
    """The expression inside Theorem 3.6's ``O(.)``, ``sum_j c_j^2 kappa_j^2 b_j n``.

    Paper A, Eq. (22).

    Parameters
    ----------
    c : array_like, shape (m,)
        ``c_j(alpha, beta)`` of Eq. (18).
    kappa_j : float or array_like, shape (m,)
        ``kappa_j`` (>= 0).
    b : float or array_like, shape (m,)
        Share caps in ``(0, 1]``.
    n : int
        Agents (>= 2).
    """
    c = _nonneg_vector(c, "c")
    k = np.broadcast_to(_nonneg_vector(np.atleast_1d(kappa_j), "kappa_j"), c.shape)
    b = V.per_item_share(b, c.size, "b")
    n = V.positive_int(n, "n", minimum=2)
    return float(np.sum(c**2 * k**2 * b) * n)


# ---------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------


def _numeric(value) -> bool:
    try:
        arr = np.asarray(value)
    except Exception:  # pragma: no cover - exotic inputs
        return False
    return arr.dtype != object and np.issubdtype(arr.dtype, np.number)


def _closed_unit(value, name: str) -> float:
    if not (np.isscalar(value) and np.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return float(value)


def _unit_open_closed(value, name: str) -> float:
    if not (np.isscalar(value) and np.isfinite(value) and 0.0 < value <= 1.0):
        raise ValueError(f"{name} must lie in (0, 1], got {value!r}")
    return float(value)


def _gauss_legendre(spec, c, nodes):
    """``(g, c, u, w)``: the checked distribution and ``c``, and ``nodes``
    Gauss–Legendre nodes ``u`` and weights ``w`` on ``[-1, 1]``."""
    g = item_distribution(spec)
    c = _unit_closed_open(c, "c")
    nodes = V.positive_int(nodes, "nodes", minimum=2)
    u, wts = np.polynomial.legendre.leggauss(nodes)
    return g, c, u, wts


def _outer_integral(g, integrand) -> float:
    """``int integrand`` over the support of ``g`` (an infinite support cut at
    its ``1 - 1e-12`` quantile) by ``scipy.integrate.quad``."""
    lo, hi = (float(v) for v in g.support())
    if not np.isfinite(hi):
        hi = float(g.ppf(1 - 1e-12))
    val, _ = scipy.integrate.quad(integrand, lo, hi, limit=200, epsabs=1e-13)
    return float(val)


def _unit_closed_open(value, name: str) -> float:
    if not (np.isscalar(value) and np.isfinite(value) and 0.0 <= value < 1.0):
        raise ValueError(f"{name} must lie in [0, 1), got {value!r}")
    return float(value)


def _unit_array(value, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr >= 1):
        raise ValueError(f"{name} must lie in [0, 1)")
    return arr


def _in_unit_array(value, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"{name} must lie in [0, 1]")
    return arr


def _positive_array(value, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must be finite and > 0")
    return arr


def _nonneg_vector(value, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float).ravel()
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be a non-empty vector of finite values >= 0")
    return arr
