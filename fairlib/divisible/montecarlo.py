"""Seeded Monte Carlo of Paper A's expected loss, with intervals and fitted exponents.

Paper A's bounds for random agents (Theorems 3.5, 3.6, Corollaries D.2,
E.2, E.3) are statements about ``E[loss]`` and its order in a parameter.  This
module estimates expectations with a normal confidence interval
(``estimate``), draws losses of LP optima of seeded random instances
(``sample_losses``) and measures a scaling law as the slope of a least-squares
line through ``(log x, log E)`` with a bootstrap interval (``loglog_slope``
from raw samples, ``loglog_slope_summary`` from means and standard errors).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.stats

from .. import _validate as V
from .metrics import solve_participatory
from .model import validate_instance
from .solve import _utilitarian_allocation, two_agent_allocation

__all__ = [
    "MonteCarloEstimate",
    "estimate",
    "sample_losses",
    "LogLogFit",
    "loglog_slope",
    "loglog_slope_summary",
]


@dataclass(frozen=True)
class MonteCarloEstimate:
    """A Monte Carlo mean with its confidence interval (Paper A, Thm. 3.5).

    Attributes
    ----------
    mean : float
        The sample mean.
    stderr : float
        ``sd / sqrt(samples)`` (sample standard deviation, ``ddof = 1``).
    lo, hi : float
        ``mean -/+ z stderr`` with ``z`` the normal quantile of ``confidence``.
    samples : int
        Number of samples.
    confidence : float
        The interval's level, e.g. 0.95.
    """

    mean: float
    stderr: float
    lo: float
    hi: float
    samples: int
    confidence: float

    def format(self, digits: int = 4) -> str:
        """``"mean [lo, hi]"`` with ``digits`` decimals."""
        return f"{self.mean:.{digits}f} [{self.lo:.{digits}f}, {self.hi:.{digits}f}]"


def estimate(values, confidence: float = 0.95) -> MonteCarloEstimate:
    """Mean of ``values`` with a normal confidence interval (Paper A, Thm. 3.6).

    Parameters
    ----------
    values : array_like, shape (k,)
        Finite samples, ``k >= 2``.
    confidence : float, default 0.95
        In ``(0, 1)``.

    Returns
    -------
    MonteCarloEstimate
    """
    v = np.asarray(values, dtype=float).ravel()
    if v.size < 2 or not np.all(np.isfinite(v)):
        raise ValueError("values must hold at least 2 finite samples")
    confidence = _confidence(confidence)
    z = float(scipy.stats.norm.ppf(0.5 + confidence / 2))
    mean, se = float(v.mean()), float(v.std(ddof=1) / np.sqrt(v.size))
    return MonteCarloEstimate(
        mean, se, mean - z * se, mean + z * se, v.size, confidence
    )


def sample_losses(
    draw: Callable[[np.random.Generator], np.ndarray],
    alpha,
    beta,
    b=1.0,
    *,
    samples: int,
    seed,
) -> np.ndarray:
    """Losses (Paper A, Eq. 4) of ``samples`` seeded random instances ``draw(rng)``.

    Two agents with ``b = 1`` use the threshold solution of Lemma 3.1
    (``two_agent_allocation``, no LP); otherwise each instance is one HiGHS
    solve (``solve_participatory``).

    Parameters
    ----------
    draw : callable
        ``draw(rng) -> a`` (shape ``(n, m)``, or an object with an ``a``
        attribute), e.g. ``functools.partial(independent_instance, n, m,
        "uniform")``.
    alpha, beta : float or array_like, shape (n,)
        Inequality aversion (>= 0).
    b : float or array_like, default 1.0
        Share caps.
    samples : int
        Number of instances (>= 1).
    seed : int or numpy.random.Generator
        Seed of ``numpy.random.default_rng``, passed to every ``draw``.

    Returns
    -------
    numpy.ndarray, shape (samples,)
    """
    samples = V.positive_int(samples, "samples")
    if not callable(draw):
        raise ValueError("draw must be a callable rng -> a")
    rng = np.random.default_rng(seed)
    out = np.empty(samples)
    for k in range(samples):
        inst = draw(rng)
        a = getattr(inst, "a", inst)
        a, al, be, bb = validate_instance(a, alpha, beta, b)
        if a.shape[0] == 2 and np.all(bb == 1.0) and max(al + be[::-1]) <= 1.0:
            x = two_agent_allocation(a, al, be)
            best = float(np.sum(a * _utilitarian_allocation(a, bb)))
            out[k] = best - float(np.sum(a * x))
        else:
            out[k] = solve_participatory(a, al, be, bb).loss
    return out


@dataclass(frozen=True)
class LogLogFit:
    """A fitted exponent ``E ~ C x^slope`` with a bootstrap interval (Paper A, §3).

    Attributes
    ----------
    slope : float
        Least-squares slope of ``log E`` against ``log x`` on the estimates.
    lo, hi : float
        Percentile bootstrap interval of the slope at ``confidence``.
    intercept : float
        ``log C`` of the fit.
    confidence : float
        The interval's level.
    boots : int
        Bootstrap replicates.
    """

    slope: float
    lo: float
    hi: float
    intercept: float
    confidence: float
    boots: int

    def covers(self, exponent: float) -> bool:
        """Whether ``exponent`` lies in ``[lo, hi]``."""
        return self.lo <= exponent <= self.hi

    def format(self, digits: int = 2) -> str:
        """``"slope [lo, hi]"`` with ``digits`` decimals."""
        return f"{self.slope:.{digits}f} [{self.lo:.{digits}f}, {self.hi:.{digits}f}]"


def loglog_slope(
    x, groups: Sequence, *, boots: int = 1000, confidence: float = 0.95, seed=0
) -> LogLogFit:
    """Exponent of ``E[Y] ~ C x^p`` from raw samples, bootstrap interval (Paper A, §3).

    Each bootstrap replicate resamples every group with replacement, takes the
    group means and refits the line ``log mean`` against ``log x``.

    Parameters
    ----------
    x : array_like, shape (k,)
        Positive abscissae, ``k >= 2`` distinct.
    groups : sequence of k array_like
        Samples of ``Y`` at each ``x`` (each with a positive mean).
    boots : int, default 1000
        Bootstrap replicates (>= 10).
    confidence : float, default 0.95
        In ``(0, 1)``.
    seed : int or numpy.random.Generator
        Seed of the resampling.

    Returns
    -------
    LogLogFit
    """
    lx = _log_abscissae(x)
    if len(groups) != lx.size:
        raise ValueError(f"groups must hold one sample array per x ({lx.size})")
    arrs = [np.asarray(g, dtype=float).ravel() for g in groups]
    if any(g.size < 1 or not np.all(np.isfinite(g)) for g in arrs):
        raise ValueError("groups must be non-empty arrays of finite samples")
    means = np.array([g.mean() for g in arrs])
    boots, confidence = (
        V.positive_int(boots, "boots", minimum=10),
        _confidence(confidence),
    )
    rng = np.random.default_rng(seed)
    reps = np.array(
        [[rng.choice(g, g.size).mean() for g in arrs] for _ in range(boots)]
    )
    return _fit(lx, means, reps, confidence)


def loglog_slope_summary(
    x, means, stderrs, *, boots: int = 1000, confidence: float = 0.95, seed=0
) -> LogLogFit:
    """Exponent of ``E[Y] ~ C x^p`` from means and standard errors (Paper A, §3).

    The parametric bootstrap draws each mean from ``Normal(mean, stderr)``;
    used on committed summaries, where the raw samples are not shipped.

    Parameters
    ----------
    x : array_like, shape (k,)
        Positive abscissae, ``k >= 2`` distinct.
    means, stderrs : array_like, shape (k,)
        Positive means and their standard errors (>= 0).
    boots, confidence, seed
        As in :func:`loglog_slope`.

    Returns
    -------
    LogLogFit
    """
    lx = _log_abscissae(x)
    mu = np.asarray(means, dtype=float)
    se = np.asarray(stderrs, dtype=float)
    if mu.shape != lx.shape or se.shape != lx.shape:
        raise ValueError("means and stderrs must have one entry per x")
    if np.any(~np.isfinite(se)) or np.any(se < 0):
        raise ValueError("stderrs must be finite and >= 0")
    boots, confidence = (
        V.positive_int(boots, "boots", minimum=10),
        _confidence(confidence),
    )
    rng = np.random.default_rng(seed)
    reps = mu + se * rng.standard_normal((boots, lx.size))
    return _fit(lx, mu, reps, confidence)


def _fit(lx, means, reps, confidence) -> LogLogFit:
    if np.any(means <= 0):
        raise ValueError("every mean must be > 0 to take its logarithm")
    slope, icept = np.polyfit(lx, np.log(means), 1)
    reps = np.where(reps > 0, reps, np.min(means) * 1e-3)  # rare: resample at 0
    slopes = np.polyfit(lx, np.log(reps).T, 1)[0]
    q = (1 - confidence) / 2
    lo, hi = np.quantile(slopes, [q, 1 - q])
    return LogLogFit(
        float(slope), float(lo), float(hi), float(icept), confidence, len(reps)
    )


def _log_abscissae(x) -> np.ndarray:
    x = np.asarray(x, dtype=float).ravel()
    if x.size < 2 or np.unique(x).size < 2 or np.any(~np.isfinite(x)) or np.any(x <= 0):
        raise ValueError("x must hold at least 2 distinct finite values > 0")
    return np.log(x)


def _confidence(value) -> float:
    if not (np.isscalar(value) and np.isfinite(value) and 0.0 < value < 1.0):
        raise ValueError(f"confidence must lie in (0, 1), got {value!r}")
    return float(value)
