"""Paper A's model: utilities, Fehr–Schmidt inequality terms and values (Eq. 1, 9–12).

Shirali, Finocchiaro, Abebe, *Participatory Objective Design via Preference
Elicitation*, FAccT 2024, §2.  Agent ``i`` has linear utility
``u_i(x) = sum_j a_ij x_ij`` (Eq. 1) and aggregated value (Eq. 9)

    v_i(x) = u_i(x) - alpha_i I_i^+(x) - beta_i I_i^-(x),

with the disadvantageous / advantageous inequality terms of Eq. (10)–(11).
The participatory social welfare is ``f(v(x)) = sum_i v_i(x)``.

This module also holds the input checks every Paper A entry point shares
(``validate_instance``): an instance is validated once, at the public
boundary, and the solvers and metrics below it work on checked arrays.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as V

__all__ = [
    "utilities",
    "inequality_terms",
    "fs_values",
    "fs_welfare",
    "pair_weights",
    "fs_welfare_symbolic",
]

#: Tolerance for "1/b_j is an integer" (Theorem 3.4 assumes ``1/b_j`` in N).
INTEGER_TOL = 1e-9


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
    """Fehr–Schmidt inequality terms ``(I^+, I^-)`` (Paper A, Eq. 10–11).

    ``I_i^+ = (1/(n-1)) sum_{k: u_k >= u_i} (u_k - u_i)`` (disadvantageous) and
    ``I_i^- = (1/(n-1)) sum_{k: u_k < u_i} (u_i - u_k)`` (advantageous).

    Parameters
    ----------
    u : array_like, shape (n,)
        Utility profile, ``n >= 2``, finite.

    Returns
    -------
    i_plus, i_minus : numpy.ndarray, shape (n,)
    """
    u = np.asarray(u, dtype=float)
    if u.ndim != 1 or u.size < 2:
        raise ValueError(
            f"u must be a 1-D utility profile of at least 2 agents, got shape {u.shape}"
        )
    if not np.all(np.isfinite(u)):
        raise ValueError("u must be finite")
    return _inequality_terms(u)


def _inequality_terms(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    diff = u[None, :] - u[:, None]  # diff[i, k] = u_k - u_i
    n = u.size
    i_plus = np.clip(diff, 0.0, None).sum(axis=1) / (n - 1)
    i_minus = np.clip(-diff, 0.0, None).sum(axis=1) / (n - 1)
    return i_plus, i_minus


def fs_values(a, x, alpha, beta) -> np.ndarray:
    """Aggregated values ``v_i = u_i - alpha_i I_i^+ - beta_i I_i^-`` (Paper A, Eq. 9).

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
    x = V.allocation_matrix(x, a.shape, "x")
    return _fs_values(a, x, alpha, beta)


def _fs_values(a, x, alpha, beta) -> np.ndarray:
    """:func:`fs_values` on checked float arrays (no validation)."""
    u = np.einsum("ij,ij->i", a, x)
    i_plus, i_minus = _inequality_terms(u)
    return u - alpha * i_plus - beta * i_minus


def fs_welfare(a, x, alpha, beta) -> float:
    """Participatory welfare ``f(v(x)) = sum_i v_i(x)`` (Paper A, Def. 2.3, Eq. 9–11).

    Parameters
    ----------
    a, x, alpha, beta
        As in :func:`fs_values`.

    Returns
    -------
    float
    """
    return float(fs_values(a, x, alpha, beta).sum())


def _fs_welfare(a, x, alpha, beta) -> float:
    """:func:`fs_welfare` on checked float arrays (no validation)."""
    return float(_fs_values(a, x, alpha, beta).sum())


def pair_weights(alpha, beta):
    """Unordered pairs ``i < k`` and their weights in ``f`` (Paper A, Eq. 12 and 89).

    ``f(v) = sum_i u_i - sum_{i<k} max(w1 (u_i - u_k), w2 (u_k - u_i))`` with
    ``w1 = (beta_i + alpha_k)/(n-1)`` (paid when ``u_i > u_k``) and
    ``w2 = (alpha_i + beta_k)/(n-1)`` (paid when ``u_k > u_i``); this follows
    from Eq. (9)–(11), and for ``n = 2`` it is Eq. (12).

    Parameters
    ----------
    alpha, beta : array_like, shape (n,)
        Inequality aversion (>= 0), ``n >= 2``.

    Returns
    -------
    i, k : numpy.ndarray of int, shape (P,)
        The pairs, ``P = n (n - 1) / 2``, in ``numpy.triu_indices`` order.
    w1, w2 : numpy.ndarray, shape (P,)
    """
    alpha = np.asarray(alpha, dtype=float)
    if alpha.ndim != 1 or alpha.size < 2:
        raise ValueError(f"alpha must be a vector of >= 2 agents, got {alpha.shape}")
    n = alpha.size
    alpha = V.per_agent(alpha, n, "alpha")
    beta = V.per_agent(beta, n, "beta")
    return _pair_weights(alpha, beta)


def _pair_weights(alpha: np.ndarray, beta: np.ndarray):
    n = alpha.size
    i, k = np.triu_indices(n, 1)
    w1 = (beta[i] + alpha[k]) / (n - 1)
    w2 = (alpha[i] + beta[k]) / (n - 1)
    return i, k, w1, w2


def validate_instance(a, alpha, beta, b=1.0, *, min_agents: int = 2):
    """Checked Paper A instance ``(a, alpha, beta, b)`` (Paper A, §2.2 and §3.2).

    Parameters
    ----------
    a : array_like, shape (n, m)
        Utility coefficients, finite and >= 0, at least ``min_agents`` rows.
    alpha, beta : float or array_like, shape (n,)
        Inequality aversion, finite and >= 0 (scalars are broadcast).
    b : float or array_like, shape (m,), default 1.0
        Per-agent share cap of each item, in ``(0, 1]``.

    Returns
    -------
    a, alpha, beta, b : numpy.ndarray
        Float arrays of shapes ``(n, m)``, ``(n,)``, ``(n,)``, ``(m,)``.

    Raises
    ------
    ValueError
        Naming the first argument that is invalid.
    """
    a = V.utility_matrix(a, "a", min_agents=min_agents)
    n, m = a.shape
    alpha = V.per_agent(alpha, n, "alpha")
    beta = V.per_agent(beta, n, "beta")
    b = V.per_item_share(b, m, "b")
    return a, alpha, beta, b


def require_below_half(alpha: np.ndarray, beta: np.ndarray, what: str) -> None:
    """Raise unless every ``alpha_i, beta_i < 1/2`` (Paper A's assumption, §2.2).

    Parameters
    ----------
    alpha, beta : numpy.ndarray
        Checked aversion vectors.
    what : str
        The result that needs the assumption, named in the message.
    """
    for name, arr in (("alpha", alpha), ("beta", beta)):
        if np.any(arr >= 0.5):
            raise ValueError(
                f"{name} must be < 1/2 for every agent: {what} assumes "
                f"alpha_i, beta_i < 1/2 (Paper A, §2.2), found {name} = "
                f"{arr.max():.6g}"
            )


def integer_inverse_share(b: np.ndarray) -> np.ndarray:
    """``1/b_j`` as integers (Paper A, Theorem 3.4 assumes ``1/b_j`` in N).

    Raises ``ValueError`` naming ``b`` unless each ``1/b_j`` is an integer
    within :data:`INTEGER_TOL`.
    """
    inv = 1.0 / b
    k = np.rint(inv)
    bad = np.abs(inv - k) > INTEGER_TOL
    if np.any(bad):
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(
            "b must have 1/b_j an integer for every item (Theorem 3.4 assumes "
            f"1/b_j in N), found b[{j}] = {b[j]:.6g} (1/b = {inv[j]:.6g})"
        )
    return k.astype(np.int64)


def fs_welfare_symbolic(u, alpha, beta):
    """``f(v) = sum_i v_i`` built term by term from Eq. (9)–(11) in SymPy (Paper A).

    Each inequality term is the set-sum of its definition, with the indicator
    ``1{u_k >= u_i}`` (Eq. 10) or ``1{u_k < u_i}`` (Eq. 11) written as a
    ``Piecewise``; nothing is simplified, so the expression can be compared
    with a closed form such as Eq. (12).

    Parameters
    ----------
    u, alpha, beta : sequence of SymPy expressions, length n >= 2
        Utilities and aversion levels (symbols or numbers).

    Returns
    -------
    sympy.Expr
    """
    import sympy as sp

    n = len(u)
    if n < 2 or len(alpha) != n or len(beta) != n:
        raise ValueError(
            "u, alpha and beta must have the same length n >= 2, got "
            f"{len(u)}, {len(alpha)}, {len(beta)}"
        )
    scale = sp.Rational(1, n - 1)

    def set_sum(i, pred):
        # sum over k of (u_k - u_i) where pred(u_k, u_i) holds
        pieces = (
            sp.Piecewise((u[k] - u[i], pred(u[k], u[i])), (0, True)) for k in range(n)
        )
        return sum(pieces)

    return sum(
        u[i]
        - alpha[i] * scale * set_sum(i, lambda s, t: s >= t)
        - beta[i] * scale * (-set_sum(i, lambda s, t: s < t))
        for i in range(n)
    )
