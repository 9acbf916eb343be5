"""bulletin: a Dutch news page in, a radio-style spoken news bulletin out."""

__version__ = "0.1.0"  # the one place the version is set (pyproject.toml reads it)
