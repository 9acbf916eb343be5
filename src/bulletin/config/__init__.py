"""Configuration: the package defaults, then the user's ``bulletin.toml``, then
command-line options, checked against one schema into typed settings
(:mod:`~bulletin.config.loader`); what each stage is given is made from them
(:mod:`~bulletin.config.stages`)."""

from __future__ import annotations

from bulletin.config.loader import CONFIG_NAME, Config, load_config

__all__ = ["CONFIG_NAME", "Config", "load_config"]
