"""Paper B, Appendix B.1: the reductions behind Lemma 6 (two agents, categories).

Each reduction takes a normalized two-agent instance ``I`` (utilities ``u``,
categories ``C_j`` with caps ``k_j``) and a utilitarian-optimal allocation
``A*`` of it, and builds an instance ``I'`` that differs from ``I`` only in
the utilities ``u'`` and whose price of cardinality
``OPT-USW(I')/max_{A in C_kappa(I')} USW(A)`` is at least that of ``I``:

* :func:`lemma7_instance` — Lemma 7: an agent over her cap in several
  categories ``H`` keeps only ``p = argmin_{j in H} k_j/|A*_ip|``;
* :func:`claim2_holds` — Claim 2 (inside Lemma 7's proof): the best cardinal
  allocations of ``I`` and ``I'`` assign the items ``A*_ip`` alike;
* :func:`lemma8_instance` — Lemma 8: an agent over her cap in ``C_j`` values
  nothing of what she receives elsewhere;
* :func:`lemma9_instance` — Lemma 9: both agents over a cap, in different
  categories: after Lemmas 7 and 8, agent 2's utility for an item ``g*`` of
  hers drops by ``eps`` and her utility for each item of ``A*_12`` rises by
  ``eps/|A*_12|``, as the proof of Lemma 9 says.

All arithmetic is exact (``fractions.Fraction``) and every ``u'`` is again
normalized (``u'_i(M) = 1``).  Allocations are owner arrays with agents 0 and
1 (the paper's agents 1 and 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import _instance as I
from .categories import _exceeded as _over
from .solve import cardinal_optimum

__all__ = [
    "ReducedInstance",
    "over_cap",
    "lemma7_instance",
    "claim2_holds",
    "lemma8_instance",
    "lemma9_instance",
]


@dataclass(frozen=True)
class ReducedInstance:
    """An instance ``I'`` built by a reduction of Paper B, Appendix B.1.

    Attributes
    ----------
    u : numpy.ndarray of Fraction, shape (2, m)
        The new utilities ``u'`` (normalized).
    owner : numpy.ndarray of int, shape (m,)
        ``A'*``: a utilitarian-optimal allocation of ``I'`` with the structure
        the lemma promises.
    source : numpy.ndarray of int, shape (m,)
        ``A*``: the utilitarian-optimal allocation of ``I`` the construction
        starts from.
    exceeded : tuple of tuple of int
        For each agent, the categories where ``A'*`` exceeds her cap.
    steps : tuple of str
        What was done, in order (e.g. ``"agent 0: A*_02 merged into A*_00"``).
    agent, category : int or None
        Lemma 7: the agent ``i`` and the category ``p`` she keeps over her cap
        (used by :func:`claim2_holds`); ``None`` for the other reductions.
    base_u, base_owner : numpy.ndarray or None
        Lemma 9: the instance the ``eps``-step perturbs (utilities after
        Lemmas 7 and 8) and its utilitarian optimum; ``None`` otherwise.
    item : int or None
        Lemma 9: the item ``g*`` whose utility to agent 2 drops by ``eps``.
    eps : Fraction or None
        Lemma 9: the ``eps > 0`` used.
    """

    u: np.ndarray
    owner: np.ndarray
    source: np.ndarray
    exceeded: tuple
    steps: tuple
    agent: int | None = None
    category: int | None = None
    base_u: np.ndarray | None = None
    base_owner: np.ndarray | None = None
    item: int | None = None
    eps: Fraction | None = None


def _setup(u, k, categories, owner):
    """Checked exact utilities, categories, caps and a utilitarian optimum A*."""
    u, groups, caps = I.setup(u, k, categories, normalized=True)
    if u.shape[0] != 2:
        raise ValueError(
            f"u must have exactly 2 agents (Paper B, Lemma 6), got {u.shape[0]}"
        )
    if not I.is_exact(u):
        raise ValueError("u must be exact: an object array of Fraction or int")
    u = np.array([[Fraction(x) for x in row] for row in u], dtype=object)
    if any(sum(row, Fraction(0)) != 1 for row in u):
        raise ValueError("u must be exactly normalized: u_i(M) = 1 (Paper B §2)")
    m = u.shape[1]
    if owner is None:
        w, _ = I.scaled_integers(u)
        owner = np.where(w[1] > w[0], 1, 0)  # exact argmax, ties to agent 0
    owner = np.asarray(owner)
    if owner.shape != (m,) or not np.isin(owner, (0, 1)).all():
        raise ValueError(f"owner must be an array of m = {m} agents, each 0 or 1")
    owner = owner.astype(int)
    cols = np.arange(m)
    if any(u[owner[g], g] < u[1 - owner[g], g] for g in cols):
        raise ValueError(
            "owner must be a utilitarian-optimal allocation A* of u (Paper B, "
            "Definition 1): each item to an agent valuing it most"
        )
    return u, groups, caps, owner


def _bundles(owner, groups, a: int) -> list[np.ndarray]:
    return [g[owner[g] == a] for g in groups]


def _merge(u, into: np.ndarray, src: np.ndarray, agents=(0, 1)) -> None:
    """Move the listed agents' values of ``src`` evenly onto ``into``, in place."""
    for i in agents:
        extra = sum(u[i, src], Fraction(0)) / into.size
        u[i, src] = Fraction(0)
        u[i, into] = u[i, into] + extra


def over_cap(owner, k, categories) -> tuple:
    """The categories where each of two agents exceeds her cap (Paper B, §4).

    Agent ``i`` exceeds the cardinality constraint of ``C_j`` under the
    allocation when ``|A_ij| > k_j``; Lemmas 7–9 (Appendix B.1) are stated in
    these terms for the utilitarian optimum ``A*``.

    Parameters
    ----------
    owner : array_like of int, shape (m,)
        An allocation of the ``m`` items to agents 0 and 1.
    k : sequence of int
        Caps ``k_j``, one per category.
    categories : array_like of int or list of index lists
        As in :func:`fairlib.cardinality.cardinal_optimum`.

    Returns
    -------
    tuple of tuple of int
        ``(H_0, H_1)``: the categories where agent 0, resp. 1, exceeds her cap.
    """
    owner = np.asarray(owner)
    if owner.ndim != 1 or owner.size == 0 or not np.isin(owner, (0, 1)).all():
        raise ValueError("owner must be a non-empty 1-D array of agents 0 and 1")
    m = owner.size
    groups = I.category_list(categories, m, None if np.ndim(k) == 0 else len(k))
    groups = [np.arange(m)] if groups is None else groups
    return _over(owner.astype(int), groups, I.caps(k, groups, 2))


def lemma7_instance(u, k, categories, agent=None, owner=None) -> ReducedInstance:
    """The instance ``I'`` of Lemma 7's proof (Paper B, Appendix B.1).

    Agent ``i`` exceeds her cap under ``A*`` in the categories ``H``,
    ``|H| >= 2``.  With ``p in argmin_{j in H} k_j/|A*_ip|`` (ties to the lower
    index), ``u'_l(g) = u_l(g)`` for ``g`` outside ``U_{j in H} A*_ij``,
    ``u'_l(g) = 0`` on ``U_{j in H \\ {p}} A*_ij`` and
    ``u'_l(g) = u_l(g) + sum_{j in H \\ {p}} u_l(A*_ij) / |A*_ip|`` on
    ``A*_ip``, for both agents ``l``.  The items ``A*_ij`` (``j != p``) are now
    worthless to both agents, so ``A'*`` hands ``|A*_ij| - k_j`` of them to the
    other agent: under ``A'*`` agent ``i`` exceeds her cap in ``p`` only.  For
    both agents over caps in several categories, apply it twice (the second
    time with ``owner`` the first result's ``owner``), as the proof does.

    Parameters
    ----------
    u : array_like of Fraction, shape (2, m)
        Normalized exact utilities of the two agents.
    k : sequence of int
        Caps ``k_j`` per category, ``2 k_j >= m_j``.
    categories : array_like of int or list of index lists
        As in :func:`fairlib.cardinality.cardinal_optimum`.
    agent : {0, 1} or None, default None
        The agent ``i``; ``None``: the first agent over her cap in at least
        two categories.
    owner : array_like of int, optional
        The utilitarian optimum ``A*`` to start from; default: each item to the
        agent valuing it most, ties to agent 0.

    Returns
    -------
    ReducedInstance
    """
    u, groups, caps, owner = _setup(u, k, categories, owner)
    over = _over(owner, groups, caps)
    if agent is None:
        agent = next((i for i in range(2) if len(over[i]) >= 2), 0)
    if agent not in (0, 1):
        raise ValueError(f"agent must be 0, 1 or None, got {agent!r}")
    H = over[agent]
    if len(H) < 2:
        raise ValueError(
            f"the hypothesis of Lemma 7 is not met: under A* agent {agent} exceeds "
            f"her cap in {len(H)} categories, Lemma 7 needs at least 2"
        )
    bundle = _bundles(owner, groups, agent)
    p = min(H, key=lambda j: (Fraction(caps[j], bundle[j].size), j))
    v, new = u.copy(), owner.copy()
    steps = []
    for j in H:
        if j != p:
            _merge(v, bundle[p], bundle[j])
            new[bundle[j][caps[j] :]] = 1 - agent  # worthless now: the excess moves
            steps.append(f"agent {agent}: A*_{agent}{j} merged into A*_{agent}{p}")
    over = _over(new, groups, caps)
    return ReducedInstance(v, new, owner, over, tuple(steps), agent, p)


def claim2_holds(u, k, categories, reduced: ReducedInstance) -> bool:
    """Claim 2 (Paper B, proof of Lemma 7): ``A^k_ip ∩ A*_1p = B^k_ip ∩ A*_1p``.

    ``A^k`` and ``B^k`` are the utilitarian-optimal cardinal allocations of
    ``I`` and of Lemma 7's ``I'`` (from :func:`cardinal_optimum`, exact); the
    claim says they give every item of ``A*_1p`` (the bundle that Lemma 7's
    agent keeps over her cap) to the same agent.  Under ties in
    ``u_1 - u_2`` on ``A*_1p`` the optima need not be unique and the claim is
    about a suitable choice; on tie-free instances the optima are unique there.

    Parameters
    ----------
    u, k, categories
        The instance ``I``, as in :func:`lemma7_instance`.
    reduced : ReducedInstance
        The result of :func:`lemma7_instance` on this instance.

    Returns
    -------
    bool
        Whether the two optima agree on ``A*_1p``.
    """
    if not isinstance(reduced, ReducedInstance) or reduced.category is None:
        raise ValueError("reduced must be the ReducedInstance of lemma7_instance")
    u, groups, caps, _ = _setup(u, k, categories, reduced.source)
    if reduced.u.shape != u.shape:
        raise ValueError(f"reduced must be lemma7_instance's result for u {u.shape}")
    a, p = reduced.agent, reduced.category
    items = groups[p][reduced.source[groups[p]] == a]
    ak = cardinal_optimum(u, caps, groups).owner
    bk = cardinal_optimum(reduced.u, caps, groups).owner
    return bool(np.array_equal(ak[items], bk[items]))


def lemma8_instance(u, k, categories, owner=None) -> ReducedInstance:
    """The instance ``I'`` of Lemma 8's proof (Paper B, Appendix B.1).

    Hypothesis: under ``A*`` each agent exceeds her cap in at most one
    category.  For agent ``i`` over her cap in ``C_j`` (the proof's ``C_1``)
    with ``u_i(A*_ir) > 0`` for some other category ``C_r`` (the proof's
    ``C_2``): ``u'_a(g) = 0`` on ``A*_ir`` and
    ``u'_a(g) = u_a(g) + u_a(A*_ir)/|A*_ij|`` on ``A*_ij`` for both agents
    ``a``; other items keep their utilities.  As the proof says, this is
    repeated for both agents and every such category.  ``A'* = A*``.

    Parameters
    ----------
    u, k, categories, owner
        As in :func:`lemma7_instance`.

    Returns
    -------
    ReducedInstance
        ``I'``: under ``A'* = A*`` an agent over her cap in ``C_j`` values
        nothing she receives in any other category.
    """
    u, groups, caps, owner = _setup(u, k, categories, owner)
    over = _over(owner, groups, caps)
    if max(map(len, over)) > 1:
        raise ValueError(
            "the hypothesis of Lemma 8 is not met: under A* an agent exceeds her "
            f"cap in several categories {over}; apply lemma7_instance first"
        )
    v, steps = u.copy(), []
    for i in range(2):
        if over[i]:
            (j,) = over[i]
            bundle = _bundles(owner, groups, i)
            for r in range(len(groups)):
                if r != j and sum(v[i, bundle[r]], Fraction(0)) > 0:
                    _merge(v, bundle[j], bundle[r])
                    steps.append(f"agent {i}: A*_{i}{r} merged into A*_{i}{j}")
    return ReducedInstance(v, owner.copy(), owner, over, tuple(steps))


def lemma9_instance(
    u, k, categories, owner=None, *, eps=None
) -> ReducedInstance | None:
    """The instance ``I'`` of Lemma 9's proof (Paper B, Appendix B.1).

    Hypothesis: under ``A*`` at most one agent exceeds her cap.  The proof:
    if agent ``i`` (the paper's agent 1) exceeds, (1) Lemma 7
    (:func:`lemma7_instance`) when she exceeds in several categories, so she
    exceeds only in ``C_p`` (the paper's ``C_1``); (2) Lemma 8
    (:func:`lemma8_instance`), so she values nothing she receives outside
    ``C_p``; (3) for the other agent ``b`` (the paper's agent 2) and a
    category ``C_q`` (the paper's ``C_2``), her utility for an item ``g*`` she
    receives drops by ``eps`` and her utility for each item of ``A*_iq`` (the
    paper's ``A*_12``, worthless to both agents after step 2) rises by
    ``eps/|A*_iq|``.  ``A'*`` is ``A*`` with ``A*_iq`` moved to ``b``, who then
    holds all of ``C_q``; ``u'_b(M)`` is unchanged.

    Choices where the paper leaves one: ``q`` is the lowest-index category
    ``q != p`` with ``k_q < m_q`` (only then can ``b`` exceed the cap of
    ``C_q``, and then ``|A*_iq| >= m_q - k_q >= 1``; for ``h = 2`` it is the
    paper's ``C_2``).  ``g*`` is, among ``b``'s items of non-zero utility, one
    of largest margin ``u_b(g) - u_i(g)`` (lowest index on ties): the proof
    needs ``u_b(g*) - eps >= u_i(g*)`` for ``OPT-USW(I') = USW(A*)``.

    Parameters
    ----------
    u, k, categories, owner
        As in :func:`lemma7_instance`.
    eps : Fraction or int, optional
        The paper's ``eps > 0``, exact, at most ``u_b(g*)`` (utilities stay
        ``>= 0``).  Default: 1/1000 of the smallest positive number among the
        utilities and the margins ``|u_1(g) - u_2(g)|`` after step 2, so it
        is below the margin of ``g*`` (the paper's "arbitrarily small").

    Returns
    -------
    ReducedInstance or None
        ``I'`` (with ``base_u``, ``base_owner`` the instance after step 2,
        ``item`` = ``g*``, ``eps``), or ``None`` where the proof's
        construction cannot be carried out: no agent exceeds a cap (the
        proof's ignored case, price 1); no category ``q != p`` has
        ``k_q < m_q`` (no allocation puts the agents over caps of different
        categories); or ``b`` receives no item of non-zero utility (then both
        agents have the same utilities and the price is 1).
    """
    u, groups, caps, owner = _setup(u, k, categories, owner)
    over = _over(owner, groups, caps)
    if over[0] and over[1]:
        raise ValueError(
            "the hypothesis of Lemma 9 is not met: under A* both agents exceed "
            f"their caps, in the categories {over}; at most one agent may"
        )
    if not over[0] and not over[1]:
        return None
    a = 0 if over[0] else 1
    b, v, own, steps = 1 - a, u, owner, ()
    if len(over[a]) > 1:
        r7 = lemma7_instance(u, caps, groups, agent=a, owner=owner)
        v, own, steps = r7.u, r7.owner, r7.steps
    r8 = lemma8_instance(v, caps, groups, own)
    v, steps = r8.u, steps + r8.steps
    (p,) = _over(own, groups, caps)[a]
    q = next((j for j, g in enumerate(groups) if j != p and caps[j] < g.size), None)
    mine = np.flatnonzero((own == b) & (v[b] > 0))
    if q is None or mine.size == 0:
        return None
    g_star = int(max(mine, key=lambda g: (v[b, g] - v[a, g], -g)))
    moved = groups[q][own[groups[q]] == a]
    if eps is None:
        gaps = [x for x in (*v.ravel(), *abs(v[0] - v[1])) if x > 0]
        eps = min(gaps) / 1000
    if isinstance(eps, bool) or not isinstance(eps, int | Fraction):
        raise ValueError(f"eps must be an exact Fraction or int, got {eps!r}")
    if not 0 < eps <= v[b, g_star]:
        raise ValueError(
            f"eps must satisfy 0 < eps <= u_2(g*) = {v[b, g_star]} (utilities "
            f"stay >= 0, Paper B, proof of Lemma 9), got {eps}"
        )
    w, new = v.copy(), own.copy()
    w[b, g_star] -= Fraction(eps)
    w[b, moved] = w[b, moved] + Fraction(eps) / moved.size
    new[moved] = b
    steps += (f"agent {b}: u(g*={g_star}) - eps, A*_{a}{q} + eps/{moved.size} each",)
    return ReducedInstance(
        w,
        new,
        owner,
        _over(new, groups, caps),
        steps,
        base_u=v,
        base_owner=own.copy(),
        item=g_star,
        eps=Fraction(eps),
    )
