"""Paper B: the utilitarian price of cardinality for indivisible goods.

Lam, Li, Sun, *The (Exact) Price of Cardinality for Indivisible Goods: A
Parametric Perspective*.  ``n`` agents with additive, normalized utilities
(``u_i(M) = 1``, Paper B §2) share ``m`` indivisible goods.  An allocation is
*cardinal* if ``|A_i ∩ C_j| <= k_j`` for every agent ``i`` and category
``C_j``; it is *complete* (every item is allocated).  Allocations are owner
arrays: ``owner[g]`` is the agent receiving item ``g``.

Modules
-------
Dependencies point one way, up this list: a module imports only modules
listed above it.

_instance, _assignment
    Checked utilities, categories and caps; the assignment algorithms and
    their exact certificate (private).
solve
    Optima: :func:`utilitarian_optimum`, :func:`cardinal_optimum`
    (Propositions 1 and 2) and its cross-checks, :func:`poc`.
constructions
    Block instances, Lemmas 1 and 2, :func:`floor_s`.
reductions
    Appendix B.1: the two-agent reductions behind Lemma 6 (Lemmas 7, 8, 9 and
    Claim 2), in exact arithmetic.
bounds
    Theorem 1, as a float and as an exact comparison.
search, symbolic
    The hill-climbing search for bad instances (Theorem 1) and the exact sign
    of Lemma 2's symbolic inequalities.
patterns, _cutlp, exact, certificate
    Beyond Paper B: the exact price of cardinality of one cell
    (:func:`exact_poc`) and its independent exact check.
atlas
    The atlas grid of exact cells and one CSV row per cell.
"""

from .atlas import (
    ATLAS_COLUMNS,
    ATLAS_EXTRA_N_M_MAX,
    ATLAS_M_MAX,
    atlas_cell,
    atlas_grid,
    atlas_row,
    atlas_task,
    certificate_record,
    n_range_grid,
    result_from_record,
)
from .bounds import (
    compare_with_theorem1,
    theorem1_is_rational,
    utilitarian_poc_bound,
    within_theorem1,
)
from .categories import (
    Lemma6Reduction,
    categories_poc_bound,
    category_order,
    lemma6_reduce,
    proposition2_factor,
    theorem3_instance,
    theorem4_instance,
)
from .certificate import CertificateCheck, CertificateError, check_certificate
from .constructions import (
    best_block_ratio,
    block_instance,
    block_ratio,
    block_sizes,
    floor_s,
    lemma1_c,
    lemma1_instance,
    lemma2_instance,
    lemma2_lower_bound,
)
from .egalitarian import (
    EgalitarianOptimum,
    egalitarian_optimum,
    egalitarian_optimum_bruteforce,
    egalitarian_optimum_cvxpy,
    egalitarian_welfare,
    keep_top_k,
)
from .egalitarian_bounds import (
    categories_egalitarian_lower_bound_instance,
    categories_egalitarian_poc,
    categories_egalitarian_poc_bound,
    egalitarian_lower_bound_instance,
    egalitarian_poc_bound,
    theorem5_order,
)
from .egalitarian_exact import (
    ExactEgalitarianPoC,
    agent_value_certificate,
    bundle_patterns,
    exact_egalitarian_poc,
)
from .exact import ExactPoC, PatternCertificate, exact_poc
from .patterns import orbit_label, partitions
from .reductions import (
    ReducedInstance,
    claim2_holds,
    lemma7_instance,
    lemma8_instance,
    lemma9_instance,
    over_cap,
)
from .search import (
    SearchResult,
    best_construction_ratio,
    hill_climb,
    rationalize_rows,
)
from .solve import (
    CardinalOptimum,
    cardinal_optimum,
    cardinal_optimum_bruteforce,
    cardinal_optimum_cvxpy,
    cardinal_optimum_lp,
    poc,
    utilitarian_optimum,
)
from .symbolic import compile_sign
from .upper_bound import (
    ChainStep,
    Reassignment,
    UpperBoundChain,
    lemma4_reassign,
    lemma5_preprocess,
    paper_optimum,
    upper_bound_chain,
)

__all__ = [
    "CardinalOptimum",
    "utilitarian_optimum",
    "cardinal_optimum",
    "cardinal_optimum_lp",
    "cardinal_optimum_cvxpy",
    "cardinal_optimum_bruteforce",
    "poc",
    "floor_s",
    "block_sizes",
    "block_ratio",
    "block_instance",
    "best_block_ratio",
    "lemma1_c",
    "lemma1_instance",
    "lemma2_instance",
    "lemma2_lower_bound",
    "utilitarian_poc_bound",
    "compare_with_theorem1",
    "within_theorem1",
    "theorem1_is_rational",
    "SearchResult",
    "hill_climb",
    "rationalize_rows",
    "best_construction_ratio",
    "compile_sign",
    "partitions",
    "orbit_label",
    "ExactPoC",
    "PatternCertificate",
    "exact_poc",
    "CertificateError",
    "CertificateCheck",
    "check_certificate",
    "ATLAS_M_MAX",
    "ATLAS_COLUMNS",
    "atlas_grid",
    "atlas_row",
    "atlas_cell",
    "ATLAS_EXTRA_N_M_MAX",
    "atlas_task",
    "n_range_grid",
    "certificate_record",
    "result_from_record",
    "EgalitarianOptimum",
    "egalitarian_welfare",
    "egalitarian_optimum",
    "egalitarian_optimum_bruteforce",
    "egalitarian_optimum_cvxpy",
    "keep_top_k",
    "egalitarian_poc_bound",
    "egalitarian_lower_bound_instance",
    "theorem5_order",
    "categories_egalitarian_poc_bound",
    "categories_egalitarian_poc",
    "categories_egalitarian_lower_bound_instance",
    "ExactEgalitarianPoC",
    "bundle_patterns",
    "agent_value_certificate",
    "exact_egalitarian_poc",
    "category_order",
    "categories_poc_bound",
    "proposition2_factor",
    "theorem3_instance",
    "theorem4_instance",
    "Lemma6Reduction",
    "lemma6_reduce",
    "ReducedInstance",
    "over_cap",
    "lemma7_instance",
    "claim2_holds",
    "lemma8_instance",
    "lemma9_instance",
    "paper_optimum",
    "Reassignment",
    "lemma4_reassign",
    "lemma5_preprocess",
    "ChainStep",
    "UpperBoundChain",
    "upper_bound_chain",
]
