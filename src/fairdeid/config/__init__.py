"""Packaged pipeline configurations (TOML)."""
