"""Paper A: divisible goods with Fehr–Schmidt inequality-averse agents.

Shirali, Finocchiaro, Abebe, *Participatory Objective Design via Preference
Elicitation*, FAccT 2024, §2.2.  Agent ``i`` has linear utility
``u_i(x) = sum_j a_ij x_ij`` and aggregated value (Eq. 9)

    v_i(x) = u_i(x) - alpha_i I_i^+(x) - beta_i I_i^-(x),

with the disadvantageous / advantageous inequality terms of Eq. (10)–(11).
The participatory designer maximizes ``f(v(x)) = sum_i v_i(x)``.
"""
from __future__ import annotations

import numpy as np

from . import _validate as V

__all__ = ["utilities", "inequality_terms", "fs_values", "fs_welfare"]


def utilities(a, x) -> np.ndarray:
    """Linear utilities ``u_i(x) = sum_j a_ij x_ij`` (Paper A, Eq. 1).

    Parameters
    ----------
    a : array_like, shape (n, m)
        Non-negative, finite utility coefficients.
    x : array_like, shape (n, m)
        Allocation: ``x_ij`` is the share of item ``j`` given to agent ``i``.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    a = V.utility_matrix(a, "a")
    x = V.allocation_matrix(x, a.shape, "x")
    return np.einsum("ij,ij->i", a, x)


def inequality_terms(u) -> tuple[np.ndarray, np.ndarray]:
    """Fehr–Schmidt inequality terms ``(I^+, I^-)`` of a utility profile (Paper A, Eq. 10–11).

    ``I_i^+ = (1/(n-1)) sum_{k: u_k >= u_i} (u_k - u_i)`` (disadvantageous) and
    ``I_i^- = (1/(n-1)) sum_{k: u_k < u_i} (u_i - u_k)`` (advantageous).

    Parameters
    ----------
    u : array_like, shape (n,)
        Utility profile, ``n >= 2``.
    """
    u = np.asarray(u, dtype=float)
    if u.ndim != 1 or u.size < 2:
        raise ValueError(f"u must be a 1-D utility profile of at least 2 agents, got shape {u.shape}")
    if not np.all(np.isfinite(u)):
        raise ValueError("u must be finite")
    diff = u[None, :] - u[:, None]  # diff[i, k] = u_k - u_i
    n = u.size
    i_plus = np.clip(diff, 0.0, None).sum(axis=1) / (n - 1)
    i_minus = np.clip(-diff, 0.0, None).sum(axis=1) / (n - 1)
    return i_plus, i_minus


def fs_values(a, x, alpha, beta) -> np.ndarray:
    """Aggregated values ``v_i(x) = u_i - alpha_i I_i^+ - beta_i I_i^-`` (Paper A, Eq. 9).

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients (finite, >= 0), ``n >= 2``.
    x : array_like, shape (n, m)
        Feasible allocation (entries in [0, 1], column sums <= 1).
    alpha, beta : float or array_like, shape (n,)
        Disadvantageous and advantageous inequality aversion (>= 0).

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    a = V.utility_matrix(a, "a", min_agents=2)
    n = a.shape[0]
    alpha = V.per_agent(alpha, n, "alpha")
    beta = V.per_agent(beta, n, "beta")
    u = utilities(a, x)
    i_plus, i_minus = inequality_terms(u)
    return u - alpha * i_plus - beta * i_minus


def fs_welfare(a, x, alpha, beta) -> float:
    """Participatory social welfare ``f(v(x)) = sum_i v_i(x)`` (Paper A, Definition 2.3 with Eq. 9–11)."""
    return float(fs_values(a, x, alpha, beta).sum())
