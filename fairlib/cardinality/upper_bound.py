"""Paper B, the upper bound of Theorem 1: Lemmas 3, 4 and 5, step by step.

Single category, cap ``k``.  Under a utilitarian optimum ``A*`` the agents
split into ``R`` (fewer than ``k`` items), ``T`` (exactly ``k``) and ``S``
(more than ``k``).  Lemma 4's greedy reassignment (:func:`lemma4_reassign`)
moves items from agents over the cap to agents under it until the allocation
is cardinal; :func:`upper_bound_chain` evaluates every inequality the proofs
of Lemmas 3, 4 and 5 (Appendix A.2–A.4) chain together on one instance, so a
page can report which steps hold, which are tight and which fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from .. import _validate as V
from . import _instance as I
from .bounds import compare_with_theorem1, utilitarian_poc_bound
from .solve import cardinal_optimum

__all__ = [
    "paper_optimum",
    "Reassignment",
    "lemma4_reassign",
    "lemma5_preprocess",
    "ChainStep",
    "UpperBoundChain",
    "upper_bound_chain",
]

TOL = 1e-12


def _checked(u, owner, k, normalized):
    u = I.utilities(u, normalized)
    n, m = u.shape
    k = V.positive_int(k, "k")
    if n * k < m:
        raise ValueError(f"k must satisfy n*k >= m: n = {n}, k = {k}, m = {m}")
    if owner is not None:
        owner = np.asarray(owner)
        if owner.shape != (m,) or not np.issubdtype(owner.dtype, np.integer):
            raise ValueError(f"owner must be an integer array of shape ({m},)")
        if owner.min() < 0 or owner.max() >= n:
            raise ValueError(f"owner must hold agent indices 0..{n - 1}")
        owner = owner.astype(int)
    return u, k, owner


def _keys(u):
    """Values to compare: exact integers for exact input, floats otherwise."""
    return I.scaled_integers(u)[0] if I.is_exact(u) else u


def paper_optimum(u, k, normalized=True) -> np.ndarray:
    """A utilitarian optimum with Paper B's tie-break (proof of Lemma 5).

    Each item goes to an agent valuing it most; among tied agents, items
    move from agents over the cap ``k`` to tied agents under it while
    possible ("the tie is broken in favour of the agent with less than ``k``
    items").

    Parameters
    ----------
    u : array_like, shape (n, m)
        Utilities (floats or ``Fraction``).
    k : int
        The cap.
    normalized : bool, default True
        Require ``u_i(M) = 1``.

    Returns
    -------
    numpy.ndarray of int, shape (m,)
        ``owner[g]``.
    """
    u, k, _ = _checked(u, None, k, normalized)
    w = _keys(u)
    best = np.array([max(col) for col in w.T]) if I.is_exact(u) else w.max(axis=0)
    tied = w == best[None, :]
    owner = np.argmax(tied, axis=0).astype(int)
    counts = np.bincount(owner, minlength=u.shape[0])
    moved = True
    while moved:
        moved = False
        for g in range(u.shape[1]):
            if counts[owner[g]] > k:
                under = np.flatnonzero(tied[:, g] & (counts < k))
                if under.size:
                    counts[owner[g]] -= 1
                    owner[g] = int(under[0])
                    counts[owner[g]] += 1
                    moved = True
    return owner


@dataclass(frozen=True)
class Reassignment:
    """The cardinal allocation of Lemma 4's procedure (Paper B, Appendix A.3).

    Attributes
    ----------
    owner : numpy.ndarray of int, shape (m,)
        The cardinal allocation ``A^k`` the procedure outputs.
    start : numpy.ndarray of int, shape (m,)
        The starting utilitarian optimum ``A*``.
    dagger : int
        ``i†``: the active agent chosen at the last step (``-1`` if ``A*`` is
        already cardinal).
    moves : tuple of (int, int, int, value)
        ``(item, from_agent, to_agent, welfare_loss)`` in the order made.
    welfare : float or Fraction
        ``USW(A^k)``.
    """

    owner: np.ndarray
    start: np.ndarray
    dagger: int
    moves: tuple
    welfare: object


def lemma4_reassign(u, owner, k, normalized=True) -> Reassignment:
    """Lemma 4's greedy reassignment (Paper B, Lemma 4 and Appendix A.3).

    From ``A*``, repeatedly move the item, among those of *unsatisfied*
    agents (more than ``k`` items), to the *active* agent (fewer than ``k``)
    that loses the least utilitarian welfare, until no agent is unsatisfied.
    Ties: the smallest loss, then the lowest item, then the lowest agent.

    Parameters
    ----------
    u : array_like, shape (n, m)
        Utilities (floats or ``Fraction``).
    owner : array_like of int, shape (m,)
        The starting allocation ``A*`` (a utilitarian optimum in the lemma).
    k : int
        The cap, ``n k >= m``.
    normalized : bool, default True
        Require ``u_i(M) = 1``.

    Returns
    -------
    Reassignment
    """
    u, k, start = _checked(u, owner, k, normalized)
    n, m = u.shape
    w = _keys(u)
    cur = start.copy()
    counts = np.bincount(cur, minlength=n)
    moves, dagger = [], -1
    while (counts > k).any():
        items = np.flatnonzero(counts[cur] > k)
        agents = np.flatnonzero(counts < k)
        loss = w[cur[items], items][:, None] - w[np.ix_(agents, items)].T
        flat = min(range(loss.size), key=lambda t: (loss.flat[t], t))
        e, i = int(items[flat // agents.size]), int(agents[flat % agents.size])
        moves.append((e, int(cur[e]), i, u[cur[e], e] - u[i, e]))
        counts[cur[e]] -= 1
        counts[i] += 1
        cur[e], dagger = i, i
    I.check_cardinal(cur, n, [np.arange(m)], [k])
    return Reassignment(cur, start, dagger, tuple(moves), I.welfare(u, cur))


def lemma5_preprocess(u, owner, k, normalized=True, target=None) -> np.ndarray:
    """The preprocessed instance of Lemma 5's case (Paper B, §3.1).

    When ``sum_{i in R ∪ T} u_i(A*_i) < 1``, every ``j in R`` has her
    utilities on the items of ``S``'s bundles scaled down uniformly until
    ``sum_{i in S} u_j(A*_i) = 1 - sum_{i in R ∪ T} u_i(A*_i)`` (the paper
    only says "reducing"; a uniform scale is one way).  ``A*`` stays optimal.
    ``target`` fixes another admissible split of the reduction: the paper's
    line 167 fixes only the sum, so ``ratio(I')`` of Case 1 may depend on it.

    Parameters
    ----------
    u, owner, k, normalized
        As in :func:`lemma4_reassign`.
    target : array_like, shape (n, m), optional
        Preprocessed values ``u'_j(g)`` for ``j in R`` and ``g`` in ``S``'s
        bundles (other entries are ignored): ``0 <= u'_j(g) <= u_j(g)`` and
        ``sum_g u'_j(g) = 1 - sum_{R ∪ T} u_i(A*_i)``.  Default: the uniform
        scale.

    Returns
    -------
    numpy.ndarray
        The preprocessed utilities (object array of ``Fraction`` for exact
        input), not normalized in general.
    """
    u, k, owner = _checked(u, owner, k, normalized)
    counts = np.bincount(owner, minlength=u.shape[0])
    in_s = counts[owner] > k
    rt = sum(u[owner[~in_s], np.flatnonzero(~in_s)])
    one = Fraction(1) if I.is_exact(u) else 1.0
    if rt >= one:
        raise ValueError(
            "u and owner must be in Lemma 5's case: sum_{R ∪ T} u_i(A*_i) < 1"
        )
    out = u.copy()
    if target is not None:
        target = np.asarray(target, dtype=u.dtype)
        if target.shape != u.shape:
            raise ValueError(f"target must have the shape of u, {u.shape}")
    for j in np.flatnonzero(counts < k):
        if target is None:
            current = sum(u[j, in_s])
            out[j, in_s] = u[j, in_s] * ((one - rt) / current)
            continue
        new = target[j, in_s]
        if any(v < 0 or v > w for v, w in zip(new, u[j, in_s], strict=True)):
            raise ValueError("target must only reduce: 0 <= target <= u on S's items")
        if abs(sum(new) - (one - rt)) > (0 if I.is_exact(u) else TOL):
            raise ValueError(
                "target must sum to 1 - sum_{R ∪ T} u_i(A*_i) on S's items"
            )
        out[j, in_s] = new
    return out


class ChainStep(NamedTuple):
    """One inequality ``lhs <= rhs`` of a proof, evaluated on an instance.

    Attributes
    ----------
    name : str
        The step, as named on the upper-bound page.
    lhs, rhs : float or Fraction
        Both sides (exact for exact input where the paper's expression is
        rational; Theorem 1's bound is compared exactly via
        :func:`compare_with_theorem1` but stored as a float).
    holds : bool
        Whether ``lhs <= rhs`` (exactly, or within 1e-12 for floats).
    tight : bool
        Whether ``lhs == rhs`` (same tolerance).
    """

    name: str
    lhs: object
    rhs: object
    holds: bool
    tight: bool


@dataclass(frozen=True)
class UpperBoundChain:
    """Every step of Lemmas 3–5 (Paper B) on one instance.

    Attributes
    ----------
    case : str
        ``"cardinal"`` (``S`` empty: ``A*`` is cardinal), ``"lemma3"``
        (``sum_{N \\ S} u_i(A*_i) >= 1``), ``"lemma5-1"`` or ``"lemma5-2"``
        (Lemma 5, Case 1: not every item is in ``S``'s bundles; Case 2: all
        are).
    ratio : float or Fraction
        The instance's ``OPT-USW / max_{cardinal} USW``.
    start : numpy.ndarray of int
        ``A*`` (:func:`paper_optimum`).
    reassignment : Reassignment or None
        Lemma 4's output (on the preprocessed instance in Lemma 5's case).
    steps : tuple of ChainStep
        The chain, in the proof's order.
    """

    case: str
    ratio: object
    start: np.ndarray
    reassignment: Reassignment | None
    steps: tuple


def _step(name, lhs, rhs, m=None, k=None) -> ChainStep:
    if rhs == "theorem1":
        if isinstance(lhs, Fraction):
            sign = compare_with_theorem1(lhs, m, k)
        else:
            bound = utilitarian_poc_bound(m, k)
            sign = 0 if abs(lhs - bound) <= TOL else (1 if lhs > bound else -1)
        return ChainStep(name, lhs, utilitarian_poc_bound(m, k), sign <= 0, sign == 0)
    if isinstance(lhs, Fraction) and isinstance(rhs, Fraction):
        return ChainStep(name, lhs, rhs, lhs <= rhs, lhs == rhs)
    lhs_f, rhs_f = float(lhs), float(rhs)
    return ChainStep(name, lhs, rhs, lhs_f <= rhs_f + TOL, abs(lhs_f - rhs_f) <= TOL)


def _one_variable(vals, sizes, k, m, one):
    """Lemma 3's F, its best 0/1 vertex and the AM-HM bound (Appendix A.2)."""
    f = (one + sum(vals)) / (
        one + sum(k * v / s for v, s in zip(vals, sizes, strict=True))
    )
    order = sorted(sizes, reverse=True)  # the largest bundles have the smallest k/|A|
    best_t, best = 0, one
    for t in range(1, len(order) + 1):
        val = (one + t) / (one + sum(k * one / s for s in order[:t]))
        if val > best:
            best_t, best = t, val
    amhm = (one + best_t) / (one + k * one * best_t**2 / (m - 1))
    return f, best, amhm


def upper_bound_chain(
    u, k, owner=None, normalized=True, target=None
) -> UpperBoundChain:
    """Evaluate the proof of Theorem 1's upper bound on one instance.

    Paper B, Lemmas 3, 4 (with Claim 1) and 5, Appendix A.2–A.4.  Steps:

    * ``claim1``: each agent's ``t``-th smallest loss actually paid is at most
      the ``t``-th smallest ``u_j(g) - u_†(g)`` over her bundle;
    * ``lemma4-full``: ``USW(A^k) >= sum_{R∪T} u_i(A*_i) + sum_S (k/|A*_i|)
      u_i(A*_i) + sum_S ((|A*_i|-k)/|A*_i|) u_†(A*_i)``;
    * ``lemma4``: ``USW(A^k) >= 1 + sum_S (k/|A*_i|)(u_i(A*_i) - u_†(A*_i))``;
    * Lemma 3's case: ``ratio <= (a + x)/(a + y)`` via Lemma 4 (with
      ``a = sum_{N\\S} u_i(A*_i)``), ``<= F = (1 + x)/(1 + y)``, ``<=`` the
      best 0/1 vertex, ``<=`` the AM-HM bound, ``<=`` Theorem 1;
    * Lemma 5's case, on the preprocessed instance: ``ratio <= ratio_pre``,
      ``ratio_pre <= OPT/USW(A^k) <= F(v)`` with ``v_i = u_i(A*_i) -
      u_†(A*_i)``, the paper's equality ``F(v) = ratio(I')`` (Case 1, as
      ``ratio(I') <= F(v)`` and ``F(v) <= ratio(I')``), then ``F(v) <=``
      vertex ``<=`` AM-HM (Case 1) ``<=`` Theorem 1.

    Parameters
    ----------
    u : array_like, shape (n, m)
        Utilities (floats or ``Fraction``).
    k : int
        The cap, ``n k >= m``, ``m >= 2``.
    owner : array_like of int, optional
        ``A*``; default :func:`paper_optimum`.
    normalized : bool, default True
        Require ``u_i(M) = 1`` (the lemmas assume it).
    target : array_like, optional
        In Lemma 5's case, the split of the preprocessing
        (:func:`lemma5_preprocess`); default the uniform scale.

    Returns
    -------
    UpperBoundChain
    """
    u, k, owner = _checked(u, owner, k, normalized)
    n, m = u.shape
    if m < 2:
        raise ValueError(f"u must have at least 2 items, got m = {m}")
    start = paper_optimum(u, k, normalized) if owner is None else owner
    exact = I.is_exact(u)
    one = Fraction(1) if exact else 1.0
    opt = I.welfare(u, start)
    card = cardinal_optimum(u, k, normalized=False).value
    ratio = opt / card
    counts = np.bincount(start, minlength=n)
    s_agents = np.flatnonzero(counts > k)
    if s_agents.size == 0:
        return UpperBoundChain("cardinal", ratio, start, None, ())
    own = [
        u[i, start == i].sum() if not exact else sum(u[i, start == i]) for i in range(n)
    ]
    sizes = [int(counts[i]) for i in s_agents]
    x = [own[i] for i in s_agents]
    a = sum(own[i] for i in range(n) if counts[i] <= k)
    lemma3 = a >= one
    inst = (
        u if lemma3 else lemma5_preprocess(u, start, k, normalized=False, target=target)
    )
    re = lemma4_reassign(inst, start, k, normalized=False)
    dag = re.dagger
    xd = [sum(inst[dag, start == i]) for i in s_agents]
    steps = [_claim1(inst, start, re, s_agents)]
    full = (
        a
        + sum(k * xi / s for xi, s in zip(x, sizes, strict=True))
        + sum((s - k) * yi / s for yi, s in zip(xd, sizes, strict=True))
    )
    v = [xi - yi for xi, yi in zip(x, xd, strict=True)]
    short = one + sum(k * vi / s for vi, s in zip(v, sizes, strict=True))
    steps += [
        _step("lemma4-full", full, re.welfare),
        _step("lemma4", short, re.welfare),
    ]
    if lemma3:
        f, vert, amhm = _one_variable(x, sizes, k, m, one)
        big = (a + sum(x)) / (
            a + sum(k * xi / s for xi, s in zip(x, sizes, strict=True))
        )
        steps += [
            _step("lemma3-ratio", ratio, opt / re.welfare),
            _step("lemma3-lemma4", opt / re.welfare, big),
            _step("lemma3-a>=1", big, f),
            _step("lemma3-vertex", f, vert),
            _step("lemma3-amhm", vert, amhm),
            _step("lemma3-theorem1", amhm, "theorem1", m, k),
        ]
        return UpperBoundChain("lemma3", ratio, start, re, tuple(steps))
    case1 = sum(sizes) < m
    ratio_pre = opt / cardinal_optimum(inst, k, normalized=False).value
    f5 = (one + sum(v)) / short
    steps += [
        _step("lemma5-preprocess", ratio, ratio_pre),
        _step("lemma5-ratio", ratio_pre, opt / re.welfare),
        _step("lemma5-lemma4", opt / re.welfare, f5),
    ]
    if case1:
        prime = _lemma5_prime(inst, start, k, s_agents, dag)
        r_prime = (
            sum(max(col) for col in prime.T)
            / cardinal_optimum(prime, k, normalized=False).value
        )
        f, vert, amhm = _one_variable(v, sizes, k, m, one)
        steps += [
            _step("lemma5-I'<=F", r_prime, f5),
            _step("lemma5-F<=I'", f5, r_prime),
            _step("lemma5-vertex", f5, vert),
            _step("lemma5-amhm", vert, amhm),
            _step("lemma5-theorem1", amhm, "theorem1", m, k),
        ]
    else:
        steps.append(_step("lemma5-theorem1", f5, "theorem1", m, k))
    return UpperBoundChain(
        "lemma5-1" if case1 else "lemma5-2", ratio, start, re, tuple(steps)
    )


def _claim1(u, start, re, s_agents) -> ChainStep:
    """Claim 1 (Appendix A.3) for every ``j in S``; lhs is the worst excess."""
    worst = None
    for j in s_agents:
        paid = sorted(loss for (_, src, _, loss) in re.moves if src == j)
        items = np.flatnonzero(start == j)
        ref = sorted(u[j, g] - u[re.dagger, g] for g in items)[: len(paid)]
        for d, lt in zip(paid, ref, strict=True):
            worst = d - lt if worst is None or d - lt > worst else worst
    zero = 0 if worst is None else worst * 0
    return _step("claim1", zero if worst is None else worst, zero)


def _lemma5_prime(u, start, k, s_agents, dag) -> np.ndarray:
    """The instance ``I'`` of Lemma 5, Case 1 (Paper B, §3.1)."""
    n, m = u.shape
    in_s = np.isin(start, s_agents)
    g_dag = int(np.flatnonzero(~in_s)[0])
    prime = np.zeros_like(u)
    if u.dtype == object:
        prime = np.full(u.shape, Fraction(0), dtype=object)
    counts = np.bincount(start, minlength=n)
    for i in range(n):
        if counts[i] <= k:
            prime[i, g_dag] = 1
        else:
            mine = start == i
            prime[i, mine] = u[i, mine] - u[dag, mine]
    return prime
