"""Small distribution helpers used by the noise floor and the CFAR threshold (no scipy).

An averaged periodogram bin of complex Gaussian noise with true power ``p`` averaged over
``K`` independent frames follows ``p * Gamma(K, 1/K)`` = ``p * chi2(2K) / (2K)``; a single
frame follows ``p * Exp(1)``. The quantiles below use the Wilson–Hilferty cube-root
approximation of chi-square, accurate to about 1 % for ``K >= 4`` even far in the tail.
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

_NORMAL = NormalDist()


def normal_quantile(p: float) -> float:
    """z with P(Z <= z) = p for a standard normal Z."""
    p = min(max(p, 1e-300), 1.0 - 1e-16)
    return _NORMAL.inv_cdf(p)


def upper_normal_quantile(tail: float) -> float:
    """z with P(Z > z) = tail, accurate for very small tails (down to 1e-300)."""
    if tail >= 1e-12:
        return normal_quantile(1.0 - tail)
    # asymptotic inversion of the Mills ratio for tiny tails
    t = math.sqrt(-2.0 * math.log(tail))
    z = t
    for _ in range(30):
        # Q(z) ~ phi(z)/z * (1 - 1/z^2); solve Q(z) = tail by Newton on log Q
        log_q = -0.5 * z * z - math.log(z * math.sqrt(2.0 * math.pi)) + math.log1p(-1.0 / (z * z))
        deriv = -z - 1.0 / z
        z -= (log_q - math.log(tail)) / deriv
    return z


@lru_cache(maxsize=4096)
def gamma_mean_quantile(k: float, upper_tail: float) -> float:
    """Factor ``t`` with P(X > t) = upper_tail for X ~ Gamma(k, 1/k) (mean 1).

    Wilson–Hilferty: chi2(nu) quantile ~ nu * (1 - 2/(9 nu) + z sqrt(2/(9 nu)))^3, nu = 2k.
    For k < 1 (a single frame or less) the exact exponential quantile ``-ln(tail)`` is used.
    """
    if k <= 1.0:
        return -math.log(max(upper_tail, 1e-300))
    nu = 2.0 * k
    z = upper_normal_quantile(upper_tail)
    c = 2.0 / (9.0 * nu)
    return max((1.0 - c + z * math.sqrt(c)) ** 3, 1e-6)


@lru_cache(maxsize=4096)
def gamma_mean_lower_quantile(k: float, q: float) -> float:
    """Factor ``t`` with P(X <= t) = q for X ~ Gamma(k, 1/k) (mean 1)."""
    if k <= 1.0:
        return -math.log1p(-q)
    nu = 2.0 * k
    z = normal_quantile(q)
    c = 2.0 / (9.0 * nu)
    return max((1.0 - c + z * math.sqrt(c)) ** 3, 1e-6)


@lru_cache(maxsize=4096)
def maxhold_quantile(frames: float, upper_tail: float) -> float:
    """Factor ``t`` with P(max of ``frames`` Exp(1) draws > t) = upper_tail.

    P(max <= t) = (1 - e^-t)^M, so t = -ln(1 - (1 - tail)^(1/M)).
    """
    m = max(frames, 1.0)
    inner = -math.expm1(math.log1p(-upper_tail) / m)  # 1 - (1 - tail)^(1/M), stable
    return -math.log(max(inner, 1e-300))


def per_value(func: object, values: npt.NDArray[np.floating], *args: float) -> npt.NDArray[np.float32]:
    """Apply a scalar quantile function to an array with few distinct values (e.g. n_avg per bin)."""
    flat = np.asarray(values).reshape(-1)
    if flat.size and flat[0] == flat.min() == flat.max():  # the common case: one value everywhere
        return np.full(values.shape, func(float(flat[0]), *args), dtype=np.float32)  # type: ignore[operator]
    out = np.empty(values.shape, dtype=np.float32)
    uniq, inverse = np.unique(values, return_inverse=True)
    table = np.array([func(float(u), *args) for u in uniq], dtype=np.float32)  # type: ignore[operator]
    out[...] = table[inverse.reshape(values.shape)]
    return out
