"""The capped-report mechanism for strategic agents (Paper A, Appendix C, Prop. C.1).

Shirali, Finocchiaro, Abebe, *Participatory Objective Design via Preference
Elicitation*, FAccT 2024, Appendix C.  Two agents with ``alpha_i = beta_i``
report values ``a'`` and aversion levels ``alpha' <= alpha_m`` (the cap).
With ``r(alpha') = (1 - alpha'_1 - alpha'_2)/(1 + alpha'_1 + alpha'_2)``:

* allocation, per item, the participatory optimum under the reports
  (Lemma 3.1 for one item): agent ``i`` gets the item if
  ``a'_{-i} < r(alpha') a'_i``, and between the two thresholds the item is
  split so that the reported utilities tie;
* payment: agent ``i`` pays ``a'_{-i}`` whenever ``a'_i >= r(alpha') a'_{-i}``
  (the rule ``p_ij = 1{a'_ij >= r(alpha') a'_-ij}`` of Prop. C.1, charged at
  the other agent's report as in its proof, Eq. 35–36).

Agent 1's payoff is her Fehr–Schmidt value under her *true* ``a_1, alpha_1``
(Eq. 9 with ``n = 2``: ``u_1 - alpha_1 |u_1 - u_2|``, ``u_2`` read off agent
2's report) minus her payment.  Proposition C.1 says no report outside
``[r^2(alpha_1, alpha_m) a_1, r^{-2}(alpha_1, alpha_m) a_1]`` pays more than
the best report inside; :func:`best_response` checks it by grid search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "report_threshold",
    "deviation_band",
    "capped_mechanism",
    "report_payoff",
    "BestResponse",
    "best_response",
]


def report_threshold(alpha1, alpha2) -> float:
    """``r = (1 - alpha_1 - alpha_2)/(1 + alpha_1 + alpha_2)`` (Paper A, Prop. C.1).

    Parameters
    ----------
    alpha1, alpha2 : float
        Aversion levels in ``[0, 1/2)``.
    """
    s = _aversion(alpha1, "alpha1") + _aversion(alpha2, "alpha2")
    return (1.0 - s) / (1.0 + s)


def deviation_band(a1, alpha1, alpha_cap) -> tuple[float, float]:
    """``[r^2 a_1, r^{-2} a_1]`` with ``r = r(alpha_1, alpha_m)`` (Paper A, Prop. C.1).

    Parameters
    ----------
    a1 : float
        Agent 1's true value of the item, > 0.
    alpha1 : float
        Her true aversion, in ``[0, alpha_cap]``.
    alpha_cap : float
        The cap ``alpha_m`` in ``[0, 1/2)``.
    """
    a1 = _positive(a1, "a1")
    alpha_cap = _aversion(alpha_cap, "alpha_cap")
    alpha1 = _aversion(alpha1, "alpha1", alpha_cap)
    r = report_threshold(alpha1, alpha_cap)
    return r * r * a1, a1 / (r * r)


def capped_mechanism(a1_report, a2_report, alpha1_report, alpha2_report):
    """Agent 1's share and payment under the reports (Paper A, Appendix C, Prop. C.1).

    Vectorized: ``a1_report`` and ``alpha1_report`` broadcast together.

    Parameters
    ----------
    a1_report : float or array_like
        Agent 1's reported value(s), > 0.
    a2_report : float
        Agent 2's report, > 0.
    alpha1_report : float or array_like
        Agent 1's reported aversion(s), in ``[0, 1/2)``.
    alpha2_report : float
        Agent 2's reported aversion, in ``[0, 1/2)``.

    Returns
    -------
    share, payment : numpy.ndarray
        ``x_1`` in ``[0, 1]`` and agent 1's payment.
    """
    a1r = np.asarray(a1_report, dtype=float)
    al1 = np.asarray(alpha1_report, dtype=float)
    if not (np.all(np.isfinite(a1r)) and np.all(a1r > 0)):
        raise ValueError("a1_report must be finite and > 0")
    if not (np.all(np.isfinite(al1)) and np.all((al1 >= 0) & (al1 < 0.5))):
        raise ValueError("alpha1_report must be in [0, 1/2)")
    a2r = _positive(a2_report, "a2_report")
    al2 = _aversion(alpha2_report, "alpha2_report")
    return _mechanism(a1r, a2r, al1, al2)


def _mechanism(a1r, a2r, al1, al2):
    s = al1 + al2
    r = (1.0 - s) / (1.0 + s)
    share = np.where(
        a2r < r * a1r, 1.0, np.where(a1r < r * a2r, 0.0, a2r / (a1r + a2r))
    )
    payment = np.where(a1r >= r * a2r, a2r, 0.0)
    return share, payment


def report_payoff(a1, alpha1, a1_report, alpha1_report, a2_report, alpha2_report):
    """Agent 1's true value minus payment for her report (Paper A, Appendix C).

    ``u_1 = a_1 x_1``, ``u_2 = a'_2 (1 - x_1)`` and the payoff is
    ``u_1 - alpha_1 |u_1 - u_2| - p_1`` (Eq. 9 with ``alpha_1 = beta_1``).

    Parameters
    ----------
    a1, alpha1 : float
        True value (> 0) and aversion (in ``[0, 1/2)``).
    a1_report, alpha1_report, a2_report, alpha2_report
        As in :func:`capped_mechanism`.

    Returns
    -------
    numpy.ndarray
    """
    a1 = _positive(a1, "a1")
    alpha1 = _aversion(alpha1, "alpha1")
    share, pay = capped_mechanism(a1_report, a2_report, alpha1_report, alpha2_report)
    return _payoff(a1, alpha1, share, pay, float(a2_report))


def _payoff(a1, alpha1, share, pay, a2r):
    u1, u2 = a1 * share, a2r * (1.0 - share)
    return u1 - alpha1 * np.abs(u1 - u2) - pay


@dataclass(frozen=True)
class BestResponse:
    """Grid search over agent 1's reports (Paper A, Prop. C.1).

    Attributes
    ----------
    band : tuple of float
        ``(r^2 a_1, r^{-2} a_1)`` with ``r = r(alpha_1, alpha_m)``.
    truthful : float
        Payoff of the truthful report ``(a_1, alpha_1)``.
    best_inside, best_outside : float
        Best payoff over the reports in the band, and outside it
        (``-inf`` if the grid has none there).
    best_report : float
        The report value closest to ``a_1`` (in log scale) among those
        attaining ``max(best_inside, best_outside)`` within ``tol``.
    reports : int
        Number of ``(a'_1, alpha'_1)`` pairs evaluated.
    """

    band: tuple
    truthful: float
    best_inside: float
    best_outside: float
    best_report: float
    reports: int

    def holds(self, tol: float = 1e-12) -> bool:
        """No report outside the band pays more than the best one inside."""
        return self.best_outside <= self.best_inside + tol


def best_response(
    a1,
    alpha1,
    a2_report,
    alpha2_report,
    alpha_cap,
    *,
    grid: int = 2001,
    alpha_grid: int = 11,
    span: float = 16.0,
    tol: float = 1e-12,
) -> BestResponse:
    """Agent 1's best report against a fixed report of agent 2 (Paper A, Prop. C.1).

    Reports ``a'_1`` on a log grid over ``[a_1 r^2/span, a_1 span/r^2]``, plus
    the band's ends, the truth and every threshold ``r a'_2``, ``a'_2/r`` of
    the mechanism (and their neighbours 1e-9 apart); ``alpha'_1`` on an even
    grid over ``[0, alpha_m]`` plus ``alpha_1``.

    Parameters
    ----------
    a1, alpha1 : float
        Agent 1's true value (> 0) and aversion (in ``[0, alpha_cap]``).
    a2_report, alpha2_report : float
        Agent 2's report (> 0) and reported aversion (in ``[0, alpha_cap]``).
    alpha_cap : float
        ``alpha_m`` in ``[0, 1/2)``.
    grid, alpha_grid : int, default 2001, 11
        Grid sizes (>= 2).
    span : float, default 16.0
        How far (> 1) beyond the band the grid reaches, as a factor.
    tol : float, default 1e-12
        Payoffs within ``tol`` of the best count as best.

    Returns
    -------
    BestResponse
    """
    alpha_cap = _aversion(alpha_cap, "alpha_cap")
    a1 = _positive(a1, "a1")
    alpha1 = _aversion(alpha1, "alpha1", alpha_cap)
    a2r = _positive(a2_report, "a2_report")
    al2 = _aversion(alpha2_report, "alpha2_report", alpha_cap)
    for value, name in ((grid, "grid"), (alpha_grid, "alpha_grid")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be an integer >= 2, got {value!r}")
        if value < 2:
            raise ValueError(f"{name} must be an integer >= 2, got {value!r}")
    span = _positive(span, "span")
    if span <= 1:
        raise ValueError(f"span must be > 1, got {span}")
    lo, hi = deviation_band(a1, alpha1, alpha_cap)
    alphas = np.unique(np.r_[np.linspace(0.0, alpha_cap, alpha_grid), alpha1])
    s = alphas + al2
    r_all = (1.0 - s) / (1.0 + s)
    thresholds = np.r_[r_all * a2r, a2r / r_all]
    values = np.r_[
        np.geomspace(lo / span, hi * span, grid),
        lo,
        hi,
        a1,
        thresholds,
        thresholds * (1 + 1e-9),
        thresholds * (1 - 1e-9),
    ]
    values = np.unique(values[values > 0])
    rep, alp = np.meshgrid(values, alphas)
    share, pay = _mechanism(rep, a2r, alp, al2)
    pay_off = _payoff(a1, alpha1, share, pay, a2r)
    inside = (rep >= lo) & (rep <= hi)
    best_in = float(pay_off[inside].max())
    best_out = float(pay_off[~inside].max()) if np.any(~inside) else float("-inf")
    top = max(best_in, best_out)
    winners = rep[pay_off >= top - tol]
    best_report = float(winners[np.argmin(np.abs(np.log(winners / a1)))])
    share_t, pay_t = _mechanism(np.array(a1), a2r, np.array(alpha1), al2)
    truthful = float(_payoff(a1, alpha1, share_t, pay_t, a2r))
    return BestResponse((lo, hi), truthful, best_in, best_out, best_report, rep.size)


def _positive(value, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _aversion(value, name: str, cap: float | None = None) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not np.isfinite(value)
        or not 0.0 <= value < 0.5
    ):
        raise ValueError(f"{name} must be a number in [0, 1/2), got {value!r}")
    if cap is not None and value > cap:
        raise ValueError(f"{name} must not exceed the cap alpha_m = {cap}, got {value}")
    return float(value)
