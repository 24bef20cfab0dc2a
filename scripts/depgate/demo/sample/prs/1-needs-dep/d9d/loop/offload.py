"""Moving activations to host memory during training."""

from __future__ import annotations

import abc


class OffloadPolicy(abc.ABC):
    """Decides which activations leave the device."""

    @abc.abstractmethod
    def should_offload(self, name: str) -> bool:
        """Tell whether the activation called `name` goes to host memory."""


class KeepLargest(OffloadPolicy):
    """Offloads every activation except those of the last layer."""

    def should_offload(self, name: str) -> bool:
        """Offload all but the final layer's activations."""
        return not name.startswith("layers.-1")
