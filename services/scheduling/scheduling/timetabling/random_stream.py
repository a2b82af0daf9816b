"""A tiny seeded random stream for numba kernels (xorshift64*).

Kept in an explicit state array rather than numba's global generator so that a search is
reproducible whatever thread runs it and however it is cut into chunks.
"""
from __future__ import annotations

import numba as nb
import numpy as np

_MULT = np.uint64(0x2545F4914F6CDD1D)
_S12, _S25, _S27, _S11 = np.uint64(12), np.uint64(25), np.uint64(27), np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0


def new_stream(seed: int) -> np.ndarray:
    # splitmix-style scrambling so that nearby seeds give unrelated streams; never zero
    x = (seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % (1 << 64)
    x ^= x >> 31
    x = (x * 0xBF58476D1CE4E5B9) % (1 << 64)
    x ^= x >> 29
    return np.array([x or 1], dtype=np.uint64)


@nb.njit(cache=True, _nrt=False)
def next_u64(rng: np.ndarray) -> np.uint64:
    x = rng[0]
    x ^= x >> _S12
    x ^= x << _S25
    x ^= x >> _S27
    rng[0] = x
    return x * _MULT


@nb.njit(cache=True, _nrt=False)
def below(rng: np.ndarray, n: int) -> np.int64:
    """A uniform integer in [0, n)."""
    return np.int64((next_u64(rng) >> _S11) % np.uint64(n))


@nb.njit(cache=True, _nrt=False)
def uniform(rng: np.ndarray) -> float:
    """A uniform float in [0, 1)."""
    return float(next_u64(rng) >> _S11) * _INV53
