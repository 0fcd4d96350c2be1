"""Paper A: divisible goods with Fehr–Schmidt inequality-averse agents.

Shirali, Finocchiaro, Abebe, *Participatory Objective Design via Preference
Elicitation*, FAccT 2024, §2–5.  ``m`` divisible items go to ``n`` agents with
linear utilities (Eq. 1) and Fehr–Schmidt values (Eq. 9–11); the participatory
designer maximizes ``f(v(x)) = sum_i v_i(x)`` and the standard designer
``f(u(x)) = sum_i u_i(x)``, both over
``X_b = {x : 0 <= x_ij <= b_j, sum_i x_ij <= 1}``.

Modules
-------
model
    Utilities, inequality terms, values and welfare (Eq. 1, 9–12); input checks.
solve
    The optima: ``utilitarian_allocation`` (Eq. 2), the participatory LP
    (build -> solve -> read back, HiGHS), its cvxpy cross-check, and the
    two-agent closed form of Lemma 3.1.
metrics
    ``solve_participatory`` -> ``ParticipatoryResult`` with ``loss`` (Eq. 4),
    ``gain`` (Eq. 5) and ``individual_tradeoff`` (Eq. 8) from one solve.
bounds
    Thresholds and loss bounds: Lemma 3.1, Theorem 3.2, Lemma 3.3,
    Theorem 3.4.
instances
    Seeded generators and the paper's constructions.

Every public name is importable from ``fairlib.divisible``.
"""

from .bounds import (
    FeasibleDeltas,
    Lemma33Check,
    LossBound,
    TwoAgentLossBounds,
    feasible_deltas,
    item_gain_eq23,
    item_loss_coefficients,
    item_loss_eq14,
    lemma_3_3_violations,
    loss_bound,
    pairwise_threshold,
    theorem_3_4_bound,
    two_agent_loss_bounds,
    two_agent_threshold,
    uniform_item_loss_coefficient,
)
from .instances import (
    adversarial_family,
    balancing_instance,
    figure_1_instance,
    random_aversion_instance,
    section5_equalizing_share,
    section5_instance,
    two_agent_instances,
)
from .metrics import (
    ParticipatoryResult,
    gain,
    individual_tradeoff,
    loss,
    solve_participatory,
    tradeoff_ratios,
)
from .model import (
    fs_values,
    fs_welfare,
    fs_welfare_symbolic,
    inequality_terms,
    pair_weights,
    utilities,
)
from .solve import (
    participatory_allocation,
    participatory_allocation_cvxpy,
    two_agent_allocation,
    utilitarian_allocation,
)

__all__ = [
    # model (Eq. 1, 9-12)
    "utilities",
    "inequality_terms",
    "fs_values",
    "fs_welfare",
    "fs_welfare_symbolic",
    "pair_weights",
    # optima (Eq. 2-3, Lemma 3.1)
    "utilitarian_allocation",
    "participatory_allocation",
    "participatory_allocation_cvxpy",
    "two_agent_allocation",
    # one solve, its metrics (Eq. 4, 5, 8)
    "ParticipatoryResult",
    "solve_participatory",
    "loss",
    "gain",
    "individual_tradeoff",
    "tradeoff_ratios",
    # thresholds and bounds (Lemma 3.1 - Theorem 3.4)
    "two_agent_threshold",
    "FeasibleDeltas",
    "feasible_deltas",
    "TwoAgentLossBounds",
    "two_agent_loss_bounds",
    "item_loss_eq14",
    "item_gain_eq23",
    "pairwise_threshold",
    "Lemma33Check",
    "lemma_3_3_violations",
    "LossBound",
    "theorem_3_4_bound",
    "item_loss_coefficients",
    "loss_bound",
    "uniform_item_loss_coefficient",
    # instances
    "two_agent_instances",
    "figure_1_instance",
    "balancing_instance",
    "random_aversion_instance",
    "adversarial_family",
    "section5_instance",
    "section5_equalizing_share",
]
