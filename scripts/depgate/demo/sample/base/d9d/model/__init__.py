"""Ready-made models."""

from d9d.model.llama import Llama, LlamaConfig

__all__ = ["Llama", "LlamaConfig"]
