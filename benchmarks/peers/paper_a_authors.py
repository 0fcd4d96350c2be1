"""Paper A's authors' approach to the Fehr–Schmidt allocation, as a benchmark peer.

Shirali, Finocchiaro and Abebe's code for divisible items under social
preferences (github.com/alishiraliGit/allocation-of-divisible-items-under-
social-preference, commit d855541, ``allocationmechanisms.ProportionallyFairFS``
and ``preferencemodels.LinearFehrSchmidt``) handles the non-smooth Fehr–Schmidt
values by enumerating all ``n!`` orderings of the agents' utilities: under a
fixed ordering each ``v_i`` is linear in ``x``, the ordering is imposed by
``n - 1`` order-preserving linear constraints, and each subproblem is solved by
``scipy.optimize.minimize(method="trust-constr")`` from ``x0 = 1/n``; the best
subproblem wins.  Their objective is proportional fairness (``sum log v_i``);
for Paper A's participatory optimum (Eq. 3) this re-implementation (written
here, not copied) keeps their method and replaces the objective by
``f(v(x)) = sum_i v_i`` with the ``1/(n - 1)`` scaling of Eq. (10)–(11) and the
share caps ``x_ij <= 1``.  It is exact only up to trust-constr's tolerance, and
its cost grows like ``n!``.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, minimize


def ordered_objective(a, alpha, beta, order):
    """Coefficients ``g`` with ``f(v(x)) = sum_ij g_ij x_ij`` under ``order``.

    ``order`` lists the agents from lowest to highest utility.
    """
    n = a.shape[0]
    rank = np.empty(n, dtype=int)
    rank[np.asarray(order)] = np.arange(n)
    coef = np.ones(n)
    for i, k in itertools.combinations(range(n), 2):
        lo, hi = (i, k) if rank[i] < rank[k] else (k, i)
        w = (alpha[lo] + beta[hi]) / (n - 1)  # paid on u_hi - u_lo
        coef[hi] -= w
        coef[lo] += w
    return coef[:, None] * a


def allocate(a, alpha, beta):
    """Best allocation over all ``n!`` orderings; returns ``(x, f(v(x)))``."""
    a = np.asarray(a, dtype=float)
    n, m = a.shape
    items = np.kron(np.ones((1, n)), np.eye(m))  # sum_i x_ij <= 1
    best_x, best_f = None, -np.inf
    for order in itertools.permutations(range(n)):
        g = ordered_objective(a, alpha, beta, order).ravel()
        keep = np.zeros((n - 1, n * m))
        for r in range(n - 1):  # u_order[r] <= u_order[r + 1]
            lo, hi = order[r], order[r + 1]
            keep[r, hi * m : (hi + 1) * m] = a[hi]
            keep[r, lo * m : (lo + 1) * m] = -a[lo]
        constraints = [LinearConstraint(items, -np.inf, np.ones(m))]
        if n > 1:
            constraints.append(LinearConstraint(keep, np.zeros(n - 1), np.inf))
        res = minimize(
            lambda z, g=g: -g @ z,
            np.full(n * m, 1.0 / n),
            jac=lambda z, g=g: -g,
            hess=lambda z: np.zeros((n * m, n * m)),
            method="trust-constr",
            bounds=Bounds(np.zeros(n * m), np.ones(n * m)),
            constraints=constraints,
        )
        if -res.fun > best_f:
            best_f, best_x = -res.fun, res.x.reshape(n, m)
    return best_x, best_f
