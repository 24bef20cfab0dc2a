"""Model building blocks."""

__all__: list[str] = []
