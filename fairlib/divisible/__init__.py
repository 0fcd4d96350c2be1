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
framework
    §2 in general form: objectives, linear aggregation, the participatory LP
    for any concave preference, prices of fairness (Def. 2.1–2.6, Eq. 6–7).
gain_ratio
    §4: per-item gain, Propositions 4.1–4.3, constructions of Eq. (26), (129).
tradeoff
    §5: Propositions 5.1–5.2, Lemma G.1, the inequality-free LP.
truthful
    Appendix C: the capped-report mechanism, best-response search (Prop. C.1).

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
from .framework import (
    OBJECTIVES,
    PriceOfFairness,
    aggregated_values,
    fehr_schmidt_preferences,
    objective_profile,
    participatory_optimum,
    price_of_fairness,
)
from .gain_ratio import (
    ClosedFormGain,
    TwoAgentGain,
    dissimilarity,
    eq26_instance,
    eq27_closed_form,
    eq129_instance,
    eq130_closed_form,
    l1_similarity,
    similar_pair_instance,
    threshold_instance,
    two_agent_gain,
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
from .lp_sets import SetGenerationResult, participatory_allocation_sets
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
from .montecarlo import (
    LogLogFit,
    MonteCarloEstimate,
    estimate,
    loglog_slope,
    loglog_slope_summary,
    sample_losses,
)
from .random_agents import (
    ClusteredInstance,
    F1Instance,
    Kappa,
    clustered_instance,
    independent_instance,
    item_distribution,
    kappa,
    proposition_f1_instance,
    proposition_f2_instance,
    random_similar_pair,
    worst_case_dissimilar_a1,
)
from .random_bounds import (
    Adversary,
    D2Bound,
    corollary_d2_bound,
    corollary_e2_expected_item_loss,
    corollary_e2_item_bound,
    corollary_e3_item_bound,
    dissimilar_adversary,
    lemma_e1_expected_item_loss,
    lemma_e1_item_loss,
    quadratic_item_bound,
    single_item_expected_loss,
    single_item_loss,
    theorem_3_5_expression,
    theorem_3_6_expression,
    theorem_d1_item_bounds,
)
from .solve import (
    participatory_allocation,
    participatory_allocation_cvxpy,
    two_agent_allocation,
    utilitarian_allocation,
)
from .tradeoff import (
    TradeoffCheck,
    equal_utility_allocation,
    proof_5_1_allocation,
    proof_5_1_profile,
    proof_5_1_share,
    tradeoff_check,
    two_good_instance,
    two_good_tradeoff,
)
from .truthful import (
    BestResponse,
    best_response,
    capped_mechanism,
    deviation_band,
    report_payoff,
    report_threshold,
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
    "SetGenerationResult",
    "participatory_allocation_sets",
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
    # gain, §4 (Propositions 4.1-4.4, Eq. 23-27, 129-131)
    "TwoAgentGain",
    "two_agent_gain",
    "l1_similarity",
    "dissimilarity",
    "similar_pair_instance",
    "threshold_instance",
    "eq26_instance",
    "eq129_instance",
    "ClosedFormGain",
    "eq27_closed_form",
    "eq130_closed_form",
    # random and structured agents (Theorems 3.5, 3.6, D.1, App. E-F)
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
    "quadratic_item_bound",
    "theorem_d1_item_bounds",
    "D2Bound",
    "corollary_d2_bound",
    "Adversary",
    "dissimilar_adversary",
    "lemma_e1_item_loss",
    "lemma_e1_expected_item_loss",
    "corollary_e2_expected_item_loss",
    "corollary_e2_item_bound",
    "corollary_e3_item_bound",
    "single_item_loss",
    "single_item_expected_loss",
    "theorem_3_5_expression",
    "theorem_3_6_expression",
    # Monte Carlo (E[loss], fitted exponents)
    "MonteCarloEstimate",
    "estimate",
    "sample_losses",
    "LogLogFit",
    "loglog_slope",
    "loglog_slope_summary",
    # individual tradeoff, §5 (Propositions 5.1-5.2, Lemma G.1)
    "two_good_instance",
    "two_good_tradeoff",
    "proof_5_1_profile",
    "proof_5_1_allocation",
    "proof_5_1_share",
    "equal_utility_allocation",
    "TradeoffCheck",
    "tradeoff_check",
    # strategic agents, Appendix C (Proposition C.1)
    "report_threshold",
    "deviation_band",
    "capped_mechanism",
    "report_payoff",
    "BestResponse",
    "best_response",
    # the general framework, §2 (Definitions 2.1-2.3, Eq. 6-7)
    "OBJECTIVES",
    "objective_profile",
    "aggregated_values",
    "fehr_schmidt_preferences",
    "participatory_optimum",
    "PriceOfFairness",
    "price_of_fairness",
    # instances
    "two_agent_instances",
    "figure_1_instance",
    "balancing_instance",
    "random_aversion_instance",
    "adversarial_family",
    "section5_instance",
    "section5_equalizing_share",
]
