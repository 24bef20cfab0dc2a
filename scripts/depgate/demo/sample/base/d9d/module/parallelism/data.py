"""Data parallelism."""

from __future__ import annotations

from d9d.module.parallelism.base import ParallelStrategy


class DataParallel(ParallelStrategy):
    """Replicates the model and splits each batch."""

    def parallelize(self, model: object) -> object:
        """Return the model unchanged: every rank holds a full replica."""
        return model
