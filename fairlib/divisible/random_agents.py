"""Seeded instance generators for every setting of Paper A's Table 1, and ``kappa_j``.

Paper A (Shirali, Finocchiaro, Abebe, FAccT 2024), Table 1 and §3, App. D–F.
Every generator takes the paper's own parameters, validates them with a
``ValueError`` naming the argument, and draws from ``numpy.random.default_rng``
in a fixed order, so a page and a test that ask for the same seed get the
same arrays.  Utility coefficients lie in ``[0, 1]``, as the proofs of
Theorem D.1 (``x_j <= 1`` in Eq. 41) and Corollary E.3 (``E[a] <= 1``) use.

Settings
--------
``random_similar_pair``
    Two ``delta``-similar agents, ``||a_1 - a_2||_1 <= delta`` (§3.1).
``worst_case_dissimilar_a1``
    Agent 1's vector of the three-group family on which the worst-case loss of
    two ``gamma``-dissimilar agents grows like ``sqrt(gamma m)``.
``clustered_instance``
    ``K`` clusters of radius ``delta`` whose upper representatives are
    ``gamma``-dissimilar to every agent of the other clusters (Theorem 3.5).
``independent_instance``
    ``a_ij ~ g_j`` independently (Theorem 3.6, Appendix E).
``proposition_f1_instance`` / ``proposition_f2_instance``
    The lower-bound constructions of Appendix F.

``item_distribution`` turns ``"uniform"``, ``("beta", s)`` or a frozen
``scipy.stats`` distribution into a frozen distribution; ``kappa`` computes
``kappa_j = sup_a a g_j(a) / G_j(a)`` (Theorem 3.6, Corollary E.3) in closed
form where one exists and numerically always.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import scipy.stats

from .. import _validate as V

__all__ = [
    "random_similar_pair",
    "worst_case_dissimilar_a1",
    "ClusteredInstance",
    "clustered_instance",
    "item_distribution",
    "independent_instance",
    "Kappa",
    "kappa",
    "F1Instance",
    "proposition_f1_instance",
    "proposition_f2_instance",
]


# ---------------------------------------------------------------------------
# two agents: similar and dissimilar
# ---------------------------------------------------------------------------


def random_similar_pair(m: int, delta: float, seed) -> np.ndarray:
    """Two ``delta``-similar agents, ``||a_1 - a_2||_1 <= delta`` (Paper A, §3.1).

    ``a_1 ~ U[0, 1]^m``; a random direction ``w`` (Dirichlet(1, ..., 1)) and a
    random sign per item give ``a_2 = clip(a_1 + sign * delta * U * w, 0, 1)``
    with ``U ~ U[0, 1]``, so ``||a_1 - a_2||_1 <= delta`` always.

    Parameters
    ----------
    m : int
        Items (>= 1).
    delta : float
        The similarity radius, finite and >= 0.
    seed : int or numpy.random.Generator
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    numpy.ndarray, shape (2, m)
    """
    m = V.positive_int(m, "m")
    delta = _nonnegative(delta, "delta")
    rng = np.random.default_rng(seed)
    a1 = rng.uniform(0.0, 1.0, m)
    w = rng.dirichlet(np.ones(m))
    sign = rng.choice([-1.0, 1.0], m)
    a2 = np.clip(a1 + sign * delta * rng.uniform() * w, 0.0, 1.0)
    return np.vstack([a1, a2])


def worst_case_dissimilar_a1(m: int, gamma: float, r1: float, v=None) -> np.ndarray:
    """Agent 1's vector on which the worst-case loss grows like ``sqrt(gamma m)``.

    Paper A, Theorem D.1 and Table 1 ("Worst-case: ``m c sqrt(gamma m)``").
    Three groups of ``m // 3`` items: value 1 (they make ``||a_1||_1`` large),
    value 0 (agent 2 puts weight there to stay dissimilar) and value ``v``
    (default ``t + sqrt(t / r1)`` with ``t = gamma ||a_1||_1``), where agent 2
    can sit at ``r_1 v`` cheaply; leftover items get value 0.

    Parameters
    ----------
    m : int
        Items (>= 3).
    gamma : float
        Dissimilarity with ``0 < gamma m <= 1``.
    r1 : float
        The threshold ``r_1`` of Theorem 3.2, in ``(0, 1)``.
    v : float, optional
        The middle group's value, in ``(0, 1]``.

    Returns
    -------
    numpy.ndarray, shape (m,)
    """
    m = V.positive_int(m, "m", minimum=3)
    gamma = _gamma(gamma, m)
    r1 = _open_unit(r1, "r1")
    k = m // 3
    if v is None:  # fixed point of t = gamma (k + k v), v = t + sqrt(t / r1)
        v = 0.5
        for _ in range(200):
            t = gamma * k * (1.0 + v)
            v = min(1.0, t + np.sqrt(t / r1))
    elif not (np.isscalar(v) and 0.0 < v <= 1.0):
        raise ValueError(f"v must lie in (0, 1], got {v!r}")
    a1 = np.zeros(m)
    a1[:k] = 1.0
    a1[2 * k : 3 * k] = v
    return a1


# ---------------------------------------------------------------------------
# many agents: clusters and independent agents
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusteredInstance:
    """``K`` clusters of agents (Paper A, Theorem 3.5).

    Attributes
    ----------
    a : numpy.ndarray, shape (n, m)
        Utility coefficients in ``[0, 1]``.
    labels : numpy.ndarray of int, shape (n,)
        Cluster ``q`` of each agent (every cluster is non-empty).
    radius : float
        ``max_q ||abar_q - aunder_q||_1``, the measured radius (<= ``delta``).
    gamma : float
        ``max_{q != q', i' in C_q'} <abar_q, a_i'> / (||abar_q||_1 ||a_i'||_1)``,
        the measured between-cluster dissimilarity (<= the ``gamma`` asked).
    """

    a: np.ndarray
    labels: np.ndarray
    radius: float
    gamma: float


def clustered_instance(
    n: int, m: int, K: int, delta: float, gamma: float, seed
) -> ClusteredInstance:
    """``K`` clusters of radius ``delta``, dissimilarity ``gamma`` (Paper A, Thm 3.5).

    Item blocks ``B_q`` (``m // K`` items each, the rest in no block) belong to
    the clusters.  Cluster ``q``'s base vector has ``U[0.5, 1]`` on ``B_q`` and
    ``eps U[0, 1]`` elsewhere, with ``eps`` halved until the measured
    between-cluster dissimilarity is ``<= gamma``; agent ``i`` of cluster ``q``
    has ``a_ij = base_qj - delta w_qj U_ij`` (clipped at 0) with one
    ``w_q ~ Dirichlet(1, ..., 1)`` per cluster and ``U_ij ~ U[0, 1]``, so the
    radius is ``<= delta``.  Agents go to clusters round-robin.

    Parameters
    ----------
    n : int
        Agents, ``n >= K``.
    m : int
        Items, ``m >= K``.
    K : int
        Clusters (>= 1).
    delta : float
        Radius, ``>= 0``.
    gamma : float
        Between-cluster dissimilarity with ``0 < gamma m <= 1`` (Theorem 3.5).
    seed : int or numpy.random.Generator
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    ClusteredInstance
    """
    K = V.positive_int(K, "K")
    n = V.positive_int(n, "n", minimum=max(2, K))
    m = V.positive_int(m, "m", minimum=K)
    delta = _nonnegative(delta, "delta")
    gamma = _gamma(gamma, m)
    rng = np.random.default_rng(seed)
    size = m // K
    block = np.full(m, -1)
    block[: size * K] = np.repeat(np.arange(K), size)
    high = rng.uniform(0.5, 1.0, (K, m))
    low = rng.uniform(0.0, 1.0, (K, m))
    labels = np.arange(n) % K
    w = rng.dirichlet(np.ones(m), K)[labels] * rng.uniform(0.0, 1.0, (n, m))
    own = block[None, :] == np.arange(K)[:, None]
    eps = gamma * m
    for _ in range(60):
        base = np.where(own, high, eps * low)
        a = np.clip(base[labels] - delta * w, 0.0, 1.0)
        inst = _measure_clusters(a, labels, K)
        if inst.gamma <= gamma:
            return inst
        eps /= 2.0
    raise ValueError(  # pragma: no cover - delta so large that clusters overlap
        f"gamma: could not reach dissimilarity {gamma} with delta = {delta}"
    )


def _measure_clusters(a: np.ndarray, labels: np.ndarray, K: int) -> ClusteredInstance:
    upper = np.array([a[labels == q].max(axis=0) for q in range(K)])
    lower = np.array([a[labels == q].min(axis=0) for q in range(K)])
    radius = float((upper - lower).sum(axis=1).max())
    rows = a.sum(axis=1)
    dots = upper @ a.T / np.outer(upper.sum(axis=1), np.where(rows > 0, rows, 1.0))
    other = labels[None, :] != np.arange(K)[:, None]
    g = float(dots[other].max()) if other.any() else 0.0
    return ClusteredInstance(a, labels, radius, g)


def item_distribution(spec):
    """A frozen ``scipy.stats`` distribution of the ``a_ij`` (Paper A, Theorem 3.6).

    Parameters
    ----------
    spec : str, tuple or scipy.stats frozen distribution
        ``"uniform"`` (``U[0, 1]``), ``("beta", s)`` (``Beta(s, 1)``, ``s > 0``),
        ``("beta", s, t)`` (``Beta(s, t)``) or a frozen continuous
        distribution, returned as is (its support should lie in ``[0, 1]``).

    Returns
    -------
    scipy.stats frozen distribution
    """
    if hasattr(spec, "dist") and hasattr(spec, "cdf") and hasattr(spec, "pdf"):
        return spec
    if spec == "uniform":
        return scipy.stats.uniform(0.0, 1.0)
    if isinstance(spec, tuple) and len(spec) in (2, 3) and spec[0] == "beta":
        shapes = [*spec[1:], 1.0][:2]
        for name, value in zip(("s", "t"), shapes, strict=True):
            if not (np.isscalar(value) and np.isfinite(value) and value > 0):
                raise ValueError(f"spec: Beta's {name} must be > 0, got {value!r}")
        return scipy.stats.beta(float(shapes[0]), float(shapes[1]))
    raise ValueError(
        "spec must be 'uniform', ('beta', s), ('beta', s, t) or a frozen "
        f"scipy.stats distribution, got {spec!r}"
    )


def independent_instance(n: int, m: int, dists, seed) -> np.ndarray:
    """Independent agents, ``a_ij ~ g_j`` i.i.d. over ``i`` (Paper A, Theorem 3.6).

    Parameters
    ----------
    n, m : int
        Agents (>= 2) and items (>= 1).
    dists : spec or list of m specs
        The ``g_j``, each as accepted by :func:`item_distribution`; one spec
        is used for every item.
    seed : int or numpy.random.Generator
        Seed of ``numpy.random.default_rng``; column ``j`` is drawn after
        column ``j - 1`` (``"uniform"`` and ``("beta", ...)`` specs with
        NumPy's own samplers, frozen distributions with their ``rvs``).

    Returns
    -------
    numpy.ndarray, shape (n, m)
    """
    n = V.positive_int(n, "n", minimum=2)
    m = V.positive_int(m, "m")
    specs = dists if isinstance(dists, list) else [dists] * m
    if len(specs) != m:
        raise ValueError(
            f"dists must give one distribution per item ({m}), got {len(specs)}"
        )
    rng = np.random.default_rng(seed)
    for spec in specs:  # validate every spec (cached: freezing is slow)
        _frozen(spec) if isinstance(spec, str | tuple) else item_distribution(spec)
    cols = []
    for spec in specs:
        if isinstance(spec, str):  # "uniform": NumPy's sampler, no scipy overhead
            cols.append(rng.uniform(0.0, 1.0, n))
        elif isinstance(spec, tuple):
            cols.append(rng.beta(*_frozen(spec).args, size=n))
        else:
            cols.append(spec.rvs(size=n, random_state=rng))
    return np.column_stack(cols)


@functools.lru_cache(maxsize=256)
def _frozen(spec):
    return item_distribution(spec)


@dataclass(frozen=True)
class Kappa:
    """``kappa_j = sup_a a g_j(a) / G_j(a)`` (Paper A, Theorem 3.6, Corollary E.3).

    Attributes
    ----------
    numeric : float
        The supremum over a grid of the support (``inf`` if it diverges).
    closed_form : float or None
        The exact value where one is known (``U[0, w]``: 1, ``Beta(s, 1)``:
        ``s``, ``Beta(s, t)`` with ``t < 1``: ``inf``), else ``None``.
    argmax : float
        Where the grid's maximum was attained.
    """

    numeric: float
    closed_form: float | None
    argmax: float

    @property
    def value(self) -> float:
        """The closed form if known, else the numeric value."""
        return self.numeric if self.closed_form is None else self.closed_form


def kappa(spec, grid: int = 4001) -> Kappa:
    """``kappa_j`` of a distribution, closed form and numeric (Paper A, Cor. E.3).

    The numeric value is the maximum of ``a g(a) / G(a)`` over ``grid``
    points spaced geometrically from ``1e-8`` of the support's width to its
    upper end (minus ``1e-9``); a ratio above ``1e6`` counts as ``inf``.

    Parameters
    ----------
    spec : str, tuple or frozen distribution
        As accepted by :func:`item_distribution`.
    grid : int, default 4001
        Grid points (>= 10).

    Returns
    -------
    Kappa
    """
    g = item_distribution(spec)
    grid = V.positive_int(grid, "grid", minimum=10)
    lo, hi = (float(v) for v in g.support())
    width = hi - lo if np.isfinite(hi) else float(g.ppf(1 - 1e-12) - lo)
    top = lo + width * (1 - 1e-9)
    xs = lo + np.geomspace(1e-8 * width, top - lo, grid)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = xs * g.pdf(xs) / g.cdf(xs)
    ratio = np.where(np.isfinite(ratio), ratio, np.inf)
    k = int(np.argmax(ratio))
    numeric = float(ratio[k]) if ratio[k] <= 1e6 else float("inf")
    return Kappa(numeric, _kappa_closed_form(g), float(xs[k]))


def _kappa_closed_form(g) -> float | None:
    name = g.dist.name
    if name == "uniform" and float(g.support()[0]) == 0.0:
        return 1.0
    if name == "beta" and not g.kwds and len(g.args) == 2:
        s, t = (float(v) for v in g.args)
        if t == 1.0:
            return s
        if t < 1.0:
            return float("inf")
    return None


# ---------------------------------------------------------------------------
# Appendix F: lower-bound constructions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class F1Instance:
    """Proposition F.1's two ``delta``-similar agents (Paper A, App. F).

    Attributes
    ----------
    a : numpy.ndarray, shape (2, m)
        ``a_1j = 1``, ``a_2j = 1 - delta/m + eps 1{j odd}`` (``j`` from 1).
    aversion : float
        ``beta_1 + alpha_2 = alpha_1 + beta_2``, chosen so that
        ``r_1 = 1 - delta/m + eps/2``, within ``eps`` of ``1 - delta/m``.
    """

    a: np.ndarray
    aversion: float


def proposition_f1_instance(m: int, delta: float, eps: float) -> F1Instance:
    """The construction of Proposition F.1, ``loss -> delta/2`` (Paper A, App. F).

    Parameters
    ----------
    m : int
        Items, even and >= 2.
    delta : float
        In ``(0, m)``.
    eps : float
        In ``(0, delta/m)``.

    Returns
    -------
    F1Instance
    """
    m = V.positive_int(m, "m", minimum=2)
    if m % 2:
        raise ValueError(f"m must be even (Proposition F.1), got {m}")
    if not (np.isscalar(delta) and 0.0 < delta < m):
        raise ValueError(f"delta must lie in (0, m) = (0, {m}), got {delta!r}")
    if not (np.isscalar(eps) and 0.0 < eps < delta / m):
        raise ValueError(f"eps must lie in (0, delta/m), got {eps!r}")
    odd = (np.arange(1, m + 1) % 2) == 1
    a2 = 1.0 - delta / m + eps * odd
    r1 = 1.0 - delta / m + eps / 2
    s = (1.0 - r1) / (1.0 + r1)  # r_1 = (1 - s) / (1 + s)
    return F1Instance(np.vstack([np.ones(m), a2]), s / 2)


def proposition_f2_instance(m: int, r: float, seed) -> np.ndarray:
    """Two agents with ``a_ij`` on the two points ``{1, r}`` (Paper A, Prop. F.2).

    Each ``a_ij`` is 1 or ``r`` with probability 1/2, independently.

    Parameters
    ----------
    m : int
        Items (>= 1).
    r : float
        The second point, in ``(0, 1)`` (take it just above ``r_1``).
    seed : int or numpy.random.Generator
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    numpy.ndarray, shape (2, m)
    """
    m = V.positive_int(m, "m")
    r = _open_unit(r, "r")
    rng = np.random.default_rng(seed)
    return np.where(rng.uniform(size=(2, m)) < 0.5, 1.0, r)


# ---------------------------------------------------------------------------
# argument checks
# ---------------------------------------------------------------------------


def _nonnegative(value, name: str) -> float:
    if not (np.isscalar(value) and np.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _open_unit(value, name: str) -> float:
    if not (np.isscalar(value) and np.isfinite(value) and 0.0 < value < 1.0):
        raise ValueError(f"{name} must lie in (0, 1), got {value!r}")
    return float(value)


def _gamma(gamma, m: int) -> float:
    ok = np.isscalar(gamma) and np.isfinite(gamma) and gamma > 0
    if not ok or gamma * m > 1.0 + 1e-12:
        raise ValueError(
            f"gamma must satisfy 0 < gamma m <= 1 (m = {m}), got {gamma!r}"
        )
    return float(gamma)
