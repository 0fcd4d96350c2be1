"""The general framework of Paper A, §2 (Definitions 2.1–2.6, Eq. 2–8).

Shirali, Finocchiaro, Abebe, *Participatory Objective Design via Preference
Elicitation*, FAccT 2024, §2.  A set of objectives ``H`` (Definition 2.1),
each mapping an allocation to one value per agent; multi-objective agents
aggregate them with a preference ``theta_i`` (Definition 2.2), here a linear
aggregation ``v_i(x) = sum_h theta_ih h(x; i)``; participatory design maximizes
``f(v(x)) = sum_i v_i(x)`` over ``X_b`` (Definition 2.3).

The objectives implemented (names in :data:`OBJECTIVES`):

``"utility"``
    ``u_i(x) = <a_i, x_i>`` (Eq. 1), the benchmark objective ``h*``.
``"envy"``
    ``I_i^+(x)``, disadvantageous inequality (Eq. 10).
``"guilt"``
    ``I_i^-(x)``, advantageous inequality (Eq. 11).
``"others"``
    ``(1/(n-1)) sum_{k != i} u_k(x)``, the others' mean utility (altruism).
``"minimum"``
    ``min_k u_k(x)``, the worst-off agent's utility (§2, after Def. 2.1).

With ``theta_i = (1, -alpha_i, -beta_i)`` on ``("utility", "envy", "guilt")``
the aggregation is Fehr–Schmidt (Eq. 9).  ``participatory_optimum`` solves
``max f(v(x))`` as one sparse LP whenever ``f`` is concave (non-negative
weights on utility, others and minimum, non-positive on envy and guilt).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from .. import _validate as V
from .model import _inequality_terms, validate_instance
from .solve import _utilitarian_allocation

__all__ = [
    "OBJECTIVES",
    "objective_profile",
    "aggregated_values",
    "fehr_schmidt_preferences",
    "participatory_optimum",
    "PriceOfFairness",
    "price_of_fairness",
]

#: The objectives of :func:`objective_profile`, in column order.
OBJECTIVES = ("utility", "envy", "guilt", "others", "minimum")


def objective_profile(a, x, objectives=OBJECTIVES) -> np.ndarray:
    """Values ``h(x; i)`` of the objectives in ``H`` (Paper A, Definition 2.1).

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0), ``n >= 2``.
    x : array_like, shape (n, m)
        A feasible allocation.
    objectives : sequence of str, default :data:`OBJECTIVES`
        Names from :data:`OBJECTIVES`, without repeats.

    Returns
    -------
    numpy.ndarray, shape (n, len(objectives))
        Column ``h`` holds ``h(x; i)`` for every agent ``i``.
    """
    a = V.utility_matrix(a, "a", min_agents=2)
    x = V.allocation_matrix(x, a.shape, "x")
    names = _objectives(objectives)
    return _profile(np.einsum("ij,ij->i", a, x), names)


def _profile(u: np.ndarray, names: tuple) -> np.ndarray:
    n = u.size
    i_plus, i_minus = _inequality_terms(u)
    table = {
        "utility": u,
        "envy": i_plus,
        "guilt": i_minus,
        "others": (u.sum() - u) / (n - 1),
        "minimum": np.full(n, u.min()),
    }
    return np.column_stack([table[name] for name in names])


def aggregated_values(a, x, theta, objectives=OBJECTIVES) -> np.ndarray:
    """Linear aggregation ``v_i(x) = sum_h theta_ih h(x; i)`` (Paper A, Def. 2.2).

    Parameters
    ----------
    a, x, objectives
        As in :func:`objective_profile`.
    theta : array_like, shape (n, len(objectives)) or (len(objectives),)
        Each agent's preference over the objectives (one row shared by all if
        1-D).

    Returns
    -------
    numpy.ndarray, shape (n,)
        The value profile ``v(x)``; ``f(v(x))`` (Def. 2.3) is its sum.
    """
    profile = objective_profile(a, x, objectives)
    theta = _theta(theta, *profile.shape)
    return np.einsum("ih,ih->i", profile, theta)


def fehr_schmidt_preferences(alpha, beta, n: int | None = None) -> np.ndarray:
    """``theta_i = (1, -alpha_i, -beta_i, 0, 0)``: Fehr–Schmidt (Paper A, Eq. 9).

    Parameters
    ----------
    alpha, beta : float or array_like, shape (n,)
        Aversion levels (>= 0).
    n : int, optional
        Number of agents, required when both are scalars.

    Returns
    -------
    numpy.ndarray, shape (n, 5)
        Rows over :data:`OBJECTIVES`.
    """
    if n is None:
        sizes = [np.size(v) for v in (alpha, beta) if np.ndim(v) > 0]
        if not sizes:
            raise ValueError("n is required when alpha and beta are both scalars")
        n = sizes[0]
    n = V.positive_int(n, "n", minimum=2)
    alpha = V.per_agent(alpha, n, "alpha")
    beta = V.per_agent(beta, n, "beta")
    theta = np.zeros((n, len(OBJECTIVES)))
    theta[:, 0], theta[:, 1], theta[:, 2] = 1.0, -alpha, -beta
    return theta


def participatory_optimum(a, theta, b=1.0, objectives=OBJECTIVES):
    """``argmax_{x in X_b} f(v(x))`` for linear aggregation (Paper A, Def. 2.3, Eq. 3).

    One sparse LP over ``(x, u, m, p)``: utilities ``u_i``, the minimum ``m``
    and one ``p_ik >= max(u_k - u_i, 0)`` per ordered pair; every envy and
    guilt term is ``(1/(n-1)) sum_k p``, exact at the optimum because their
    weights are non-positive (HiGHS).

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0), ``n >= 2``.
    theta : array_like
        As in :func:`aggregated_values`; weights on ``"utility"``,
        ``"others"`` and ``"minimum"`` must be >= 0 and on ``"envy"``,
        ``"guilt"`` <= 0 (so ``f`` is concave).
    b : float or array_like, shape (m,), default 1.0
        Per-agent share caps in ``(0, 1]``.
    objectives : sequence of str, default :data:`OBJECTIVES`

    Returns
    -------
    x : numpy.ndarray, shape (n, m)
    welfare : float
        ``f(v(x))``.

    Raises
    ------
    RuntimeError
        If HiGHS does not report an optimum.
    """
    a, _, _, b = validate_instance(a, 0.0, 0.0, b)
    n, m = a.shape
    names = _objectives(objectives)
    theta = _theta(theta, n, len(names))
    w = {name: np.zeros(n) for name in OBJECTIVES}
    for h, name in enumerate(names):
        w[name] = theta[:, h]
    if any(np.any(w[k] < 0) for k in ("utility", "others", "minimum")) or any(
        np.any(w[k] > 0) for k in ("envy", "guilt")
    ):
        raise ValueError(
            "theta: need weights >= 0 on utility, others, minimum and <= 0 on "
            "envy, guilt (a concave f)"
        )
    nx, P = n * m, n * (n - 1)
    iu, im, ip = nx, nx + n, nx + n + 1
    ii, kk = np.nonzero(~np.eye(n, dtype=bool))  # ordered pairs p = (i, k)
    c = np.zeros(ip + P)
    # f = sum_i w_u u_i + w_o (sum_k u_k - u_i)/(n-1) + w_m m + envy/guilt terms
    c[iu : iu + n] = -(w["utility"] + (w["others"].sum() - w["others"]) / (n - 1))
    c[im] = -w["minimum"].sum()
    # p_(i,k) >= u_k - u_i is envy of i (weight w_e[i]) and guilt of k (w_g[k])
    c[ip:] = -(w["envy"][ii] + w["guilt"][kk]) / (n - 1)
    pr = np.arange(P)
    rows = np.r_[pr, pr, pr, P + np.arange(n), P + np.arange(n)]
    cols = np.r_[iu + kk, iu + ii, ip + pr, np.full(n, im), iu + np.arange(n)]
    vals = np.r_[np.ones(P), -np.ones(P), -np.ones(P), np.ones(n), -np.ones(n)]
    item = P + n + np.tile(np.arange(m), n)
    A_ub = sp.csc_array(
        (np.r_[vals, np.ones(nx)], (np.r_[rows, item], np.r_[cols, np.arange(nx)])),
        shape=(P + n + m, ip + P),
    )
    b_ub = np.r_[np.zeros(P + n), np.ones(m)]
    A_eq = sp.hstack(
        [
            sp.csc_array((-a.ravel(), (np.repeat(np.arange(n), m), np.arange(nx)))),
            sp.eye_array(n),
            sp.csc_array((n, 1 + P)),
        ]
    ).tocsc()
    bounds = np.zeros((ip + P, 2))
    bounds[:nx, 1] = np.tile(b, n)
    bounds[nx:, 1] = np.inf
    res = scipy.optimize.linprog(
        c,
        A_ub=A_ub,
        b_ub=b_ub,
        A_eq=A_eq,
        b_eq=np.zeros(n),
        bounds=bounds,
        method="highs",
    )
    if res.status != 0:
        raise RuntimeError(f"HiGHS did not solve the participatory LP: {res.message}")
    x = np.clip(res.x[:nx].reshape(n, m), 0.0, b[None, :])
    u = np.einsum("ij,ij->i", a, x)
    welfare = float(np.einsum("ih,ih->", _profile(u, names), theta))
    return x, welfare


@dataclass(frozen=True)
class PriceOfFairness:
    """Prices of fairness of a participatory optimum (Paper A, Eq. 6–7).

    Attributes
    ----------
    optimum : float
        ``f(u(x*))``, the utilitarian optimum (Eq. 2 with ``h* = u``).
    participatory : float
        ``f(u(x^theta))``, utilitarian welfare of the participatory optimum.
    """

    optimum: float
    participatory: float

    @property
    def loss(self) -> float:
        """``f(u(x*)) - f(u(x^theta))`` (Eq. 4)."""
        return self.optimum - self.participatory

    @property
    def bertsimas(self) -> float:
        """Relative reduction ``(OPT - OPT_fair)/OPT`` (Bertsimas et al.; Eq. 6)."""
        return (self.optimum - self.participatory) / self.optimum

    @property
    def caragiannis(self) -> float:
        """Ratio ``OPT / OPT_fair`` (Caragiannis et al.; Eq. 7)."""
        return self.optimum / self.participatory


def price_of_fairness(a, theta, b=1.0, objectives=OBJECTIVES) -> PriceOfFairness:
    """Solve ``x*`` and ``x^theta`` and return their prices (Paper A, Eq. 6–7).

    Parameters
    ----------
    a, theta, b, objectives
        As in :func:`participatory_optimum`; ``f(u(x*))`` must be > 0.
    """
    x_theta, _ = participatory_optimum(a, theta, b, objectives)
    a, _, _, b = validate_instance(a, 0.0, 0.0, b)
    x_star = _utilitarian_allocation(a, b)
    optimum = float(np.sum(a * x_star))
    participatory = float(np.sum(a * x_theta))
    if optimum <= 0 or participatory <= 0:
        raise ValueError("a: the prices of fairness need positive welfare")
    return PriceOfFairness(optimum, participatory)


def _objectives(objectives) -> tuple:
    if isinstance(objectives, str):
        raise ValueError("objectives must be a sequence of names, not one string")
    names = tuple(objectives)
    if not names or len(set(names)) != len(names):
        raise ValueError(f"objectives must be non-empty without repeats: {names}")
    unknown = [h for h in names if h not in OBJECTIVES]
    if unknown:
        raise ValueError(f"objectives: unknown {unknown}; choose from {OBJECTIVES}")
    return names


def _theta(theta, n: int, k: int) -> np.ndarray:
    t = np.asarray(theta, dtype=float)
    if t.ndim == 1:
        t = np.tile(t, (n, 1))
    if t.shape != (n, k) or not np.all(np.isfinite(t)):
        raise ValueError(
            f"theta must be finite of shape ({n}, {k}) or ({k},), got {np.shape(theta)}"
        )
    return t
