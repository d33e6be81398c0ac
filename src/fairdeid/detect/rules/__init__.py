"""Rule-based PHI detection: patterns with context and validation, dictionaries, name rules.

The registry entry ``fairdeid.detect.rules:RuleDetector.from_config`` resolves here. See
``docs/rules.md`` for what it covers and how to configure or extend it.
"""

from fairdeid.detect.rules.detector import RuleDetector

__all__ = ["RuleDetector"]
