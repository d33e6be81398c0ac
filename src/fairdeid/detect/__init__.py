"""Detectors: rules, CRF, transformer, LLM and peer adapters behind one ``Detector`` protocol."""

from fairdeid.detect.base import (
    BaseDetector,
    Detector,
    available_detectors,
    build_detector,
    register_detector,
)

__all__ = ["BaseDetector", "Detector", "available_detectors", "build_detector", "register_detector"]
