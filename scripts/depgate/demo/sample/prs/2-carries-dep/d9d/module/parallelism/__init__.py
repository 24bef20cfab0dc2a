"""Distributed strategies."""

from d9d.module.parallelism.base import ParallelStrategy
from d9d.module.parallelism.data import DataParallel
from d9d.module.parallelism.ring import RingParallel

__all__ = ["DataParallel", "ParallelStrategy", "RingParallel"]
