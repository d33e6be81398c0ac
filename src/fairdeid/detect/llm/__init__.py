"""LLM detector over OpenAI-compatible chat servers (vLLM, Ollama, llama.cpp, hosted APIs).

``llm`` sends whole notes (chunked); ``llm_hybrid`` sends only the windows that faster, trusted
detectors are unsure about. See docs/llm.md for server set-up and example configs.
"""

from fairdeid.detect.llm.client import LLMStats
from fairdeid.detect.llm.config import LLMConfig
from fairdeid.detect.llm.detector import LLMDetectionError, LLMDetector
from fairdeid.detect.llm.hybrid import HybridConfig, HybridLLMDetector
from fairdeid.detect.llm.parse import close_truncated, parse_answer, repair_json
from fairdeid.detect.llm.probe import LLMServerUnreachableError
from fairdeid.detect.llm.prompts import available_templates, build_prompt

__all__ = [
    "HybridConfig",
    "HybridLLMDetector",
    "LLMConfig",
    "LLMDetectionError",
    "LLMDetector",
    "LLMServerUnreachableError",
    "LLMStats",
    "available_templates",
    "build_prompt",
    "close_truncated",
    "parse_answer",
    "repair_json",
]
