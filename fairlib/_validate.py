"""Input validation shared by fairlib's public functions.

Every public function validates at its boundary and raises ``ValueError``
naming the argument and what was expected (house style, after prefsampling).
"""

from __future__ import annotations

from fractions import Fraction
from numbers import Real

import numpy as np


def utility_matrix(
    a, name: str = "a", *, min_agents: int = 1, allow_fraction: bool = False
) -> np.ndarray:
    """Return ``a`` as a 2-D float array (or object array of Fractions), checked.

    Raises ``ValueError`` unless ``a`` is a finite, non-negative ``(n, m)``
    matrix with ``n >= min_agents`` and ``m >= 1``.
    """
    arr = np.asarray(a, dtype=object if allow_fraction and _has_fraction(a) else None)
    if arr.dtype != object:
        if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(
            arr.dtype, np.complexfloating
        ):
            raise ValueError(
                f"{name} must be a real numeric (n, m) array, got dtype {arr.dtype}"
            )
        arr = arr.astype(float)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (n, m) array, got shape {arr.shape}")
    n, m = arr.shape
    if n < min_agents:
        raise ValueError(
            f"{name} must have at least {min_agents} agent rows, got n = {n}"
        )
    if m < 1:
        raise ValueError(f"{name} must have at least one item column, got m = {m}")
    if arr.dtype == object:
        if not all(
            isinstance(v, (Fraction, int)) and not isinstance(v, bool) for v in arr.flat
        ):
            raise ValueError(
                f"{name} with Fraction entries must hold only Fraction or int values"
            )
        if any(v < 0 for v in arr.flat):
            raise ValueError(f"{name} must be non-negative")
        return arr
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf entries)")
    if np.any(arr < 0):
        raise ValueError(
            f"{name} must be non-negative, found min entry {arr.min():.6g}"
        )
    return arr


def _has_fraction(a) -> bool:
    if isinstance(a, np.ndarray) and a.dtype != object:
        return False  # a numeric array cannot hold a Fraction: skip the per-entry scan
    arr = np.asarray(a, dtype=object)
    return any(isinstance(v, Fraction) for v in arr.flat)


def per_agent(value, n: int, name: str, *, low: float = 0.0) -> np.ndarray:
    """Broadcast a scalar or length-``n`` array to a checked float vector.

    Entries must be finite and ``>= low``.
    """
    arr = np.asarray(value, dtype=float) if _is_numeric(value) else None
    if arr is None:
        raise ValueError(f"{name} must be a real scalar or a length-{n} array")
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(
            f"{name} must be a scalar or have shape ({n},), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    if np.any(arr < low):
        raise ValueError(f"{name} must be >= {low}, found {arr.min():.6g}")
    return arr


def per_item_share(b, m: int, name: str = "b") -> np.ndarray:
    """Broadcast the share cap ``b`` to a length-``m`` vector with entries in (0, 1]."""
    arr = np.asarray(b, dtype=float) if _is_numeric(b) else None
    if arr is None:
        raise ValueError(f"{name} must be a real scalar or a length-{m} array")
    if arr.ndim == 0:
        arr = np.full(m, float(arr))
    if arr.shape != (m,):
        raise ValueError(
            f"{name} must be a scalar or have shape ({m},), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0) or np.any(arr > 1):
        raise ValueError(f"{name} must lie in (0, 1] for every item")
    return arr


def allocation_matrix(
    x, shape: tuple[int, int], name: str = "x", *, tol: float = 1e-9
) -> np.ndarray:
    """Return ``x`` as a float ``shape`` array, entries in [0, 1], column sums <= 1."""
    arr = np.asarray(x, dtype=float) if _is_numeric(x) else None
    if arr is None or arr.shape != shape:
        got = None if arr is None else arr.shape
        raise ValueError(f"{name} must be a real array of shape {shape}, got {got}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    if np.any(arr < -tol) or np.any(arr > 1 + tol):
        raise ValueError(f"{name} entries must lie in [0, 1]")
    if np.any(arr.sum(axis=0) > 1 + tol):
        raise ValueError(
            f"{name} must not allocate more than one unit of any item "
            "(column sums <= 1)"
        )
    return arr


def positive_int(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` >= ``minimum``.

    Bools and floats with a fractional part are refused.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def _is_numeric(value) -> bool:
    try:
        arr = np.asarray(value)
    except Exception:  # pragma: no cover - exotic inputs
        return False
    if arr.dtype == object:
        return all(isinstance(v, Real) and not isinstance(v, bool) for v in arr.flat)
    return np.issubdtype(arr.dtype, np.number) and not np.issubdtype(
        arr.dtype, np.complexfloating
    )
