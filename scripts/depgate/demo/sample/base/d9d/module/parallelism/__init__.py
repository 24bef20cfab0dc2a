"""Distributed strategies."""

from d9d.module.parallelism.base import ParallelStrategy
from d9d.module.parallelism.data import DataParallel

__all__ = ["DataParallel", "ParallelStrategy"]
