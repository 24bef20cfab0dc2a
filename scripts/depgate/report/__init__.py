"""Renderers: turn analysis results into text, JSON, Markdown and GitHub annotations. They decide nothing."""
