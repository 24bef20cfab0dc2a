"""The base of every distributed strategy."""

from __future__ import annotations

import abc


class ParallelStrategy(abc.ABC):
    """Decides how a model is split across devices."""

    @abc.abstractmethod
    def parallelize(self, model: object) -> object:
        """Return the model wrapped for this strategy."""
