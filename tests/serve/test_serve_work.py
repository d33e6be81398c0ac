"""Bounded work per request: total characters, a deadline, and a fair share of the workers."""

from __future__ import annotations

import asyncio
import logging

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from serve_support import CANARY, TOY, GateDetector, wait_for

from fairdeid import Pipeline
from fairdeid.document import Document
from fairdeid.serve.api import create_app
from fairdeid.serve.work import Scheduler, _Job, chunked


def _gated(**limits: object) -> tuple[GateDetector, object]:
    detector = GateDetector()
    app = create_app(Pipeline({"gate": detector}), **limits)  # type: ignore[arg-type]
    return detector, app


def test_chunks_keep_order_and_never_split_a_document() -> None:
    docs = [Document(id=str(i), text="x" * n) for i, n in enumerate([3, 4, 10, 1, 1, 2])]
    groups = chunked(docs, 8)
    assert [[d.id for d in g] for g in groups] == [["0", "1"], ["2"], ["3", "4", "5"]]
    assert chunked([], 8) == []


def test_total_characters_over_the_request_limit_is_413() -> None:
    app = create_app(TOY, max_chars=100, max_request_chars=200, background_load=False)
    with TestClient(app) as client:
        docs = [{"text": CANARY + " " + "x" * 60}] * 2
        ok = client.post("/v1/detect", json={"documents": docs})
        assert ok.status_code == 200
        r = client.post("/v1/detect", json={"documents": [*docs, {"text": "y" * 80}]})
        assert r.status_code == 413
        assert r.json()["detail"] == (
            "the documents have 246 characters in total; the limit per request is 200"
        )
        assert CANARY not in r.text
        info = client.get("/v1/info").json()
        assert info["max_request_chars"] == 200 and info["request_timeout"] == 60.0


def test_a_tiny_request_runs_between_the_chunks_of_a_big_one() -> None:
    """One big batch must not hold the worker until it is done while a small request waits."""
    detector, app = _gated(chunk_chars=50)
    scheduler: Scheduler = app.state.scheduler  # type: ignore[attr-defined]
    big = {"documents": [{"id": "big0", "text": "WAIT" + "x" * 60}]
           + [{"id": f"big{i}", "text": "x" * 60} for i in range(1, 4)]}

    async def scenario() -> list[str]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            big_call = asyncio.ensure_future(http.post("/v1/detect", json=big))
            await anyio.to_thread.run_sync(wait_for, detector.started.is_set, "the big request")
            tiny_call = asyncio.ensure_future(
                http.post("/v1/detect", json={"documents": [{"id": "tiny", "text": "hi"}]}))
            for _ in range(2000):  # bounded: until the tiny request queues for the worker
                if scheduler.limiter.statistics().tasks_waiting:
                    break
                await asyncio.sleep(0.01)
            detector.gate.set()
            finished: list[str] = []
            pending = {big_call: "big", tiny_call: "tiny"}
            while pending:
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for call in done:
                    assert call.result().status_code == 200
                    finished.append(pending.pop(call))
            return finished

    finished = asyncio.run(scenario())
    assert detector.seen == ["big0", "tiny", "big1", "big2", "big3"]
    assert finished == ["tiny", "big"]


def test_deadline_answers_503_and_the_worker_stays_taken_until_the_work_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    detector, app = _gated(request_timeout=0.5, chunk_chars=1)
    scheduler: Scheduler = app.state.scheduler  # type: ignore[attr-defined]
    with TestClient(app) as client:
        slow = client.post("/v1/detect", json={"documents": [
            {"id": "slow", "text": f"WAIT {CANARY}"}, {"id": "after", "text": "x"}]})
        assert slow.status_code == 503 and slow.headers["retry-after"] == "5"
        assert "longer than this server allows (0.5 s)" in slow.json()["detail"]
        assert CANARY not in slow.text
        # The thread still runs the slow note: its slot is not handed to anyone else ...
        assert detector.started.is_set()
        assert scheduler.limiter.statistics().borrowed_tokens == 1
        queued = client.post("/v1/detect", json={"documents": [{"id": "queued", "text": "x"}]})
        assert queued.status_code == 503  # its deadline passed while it waited for the worker
        # ... until the work ends; then the slot is free and the dropped result went nowhere.
        detector.gate.set()
        wait_for(lambda: scheduler.limiter.statistics().borrowed_tokens == 0, "slot release")
        ok = client.post("/v1/detect", json={"documents": [{"id": "next", "text": "x"}]})
        assert ok.status_code == 200
    # The timed-out request's later chunk and the queued request never ran.
    assert detector.seen == ["slow", "next"]
    logged = "\n".join(logging.Formatter().format(r) for r in caplog.records
                       if not r.name.startswith("httpx"))
    assert "exceeded the 0.5s deadline" in logged and "its worker is free again" in logged
    assert CANARY not in logged


def test_a_job_cancelled_before_its_thread_starts_never_runs_and_frees_its_slot_once() -> None:
    async def scenario() -> tuple[list[str], int]:
        limiter = anyio.CapacityLimiter(1)
        borrower = object()
        await limiter.acquire_on_behalf_of(borrower)
        job = _Job(limiter, borrower, asyncio.get_running_loop(), "r1")
        job.abandon()  # the request gave up before the worker thread picked the chunk up
        calls: list[str] = []
        out = await anyio.to_thread.run_sync(
            job.run, lambda chunk: calls.append("ran") or [], [Document(id="a", text="x")])
        await asyncio.sleep(0)
        return calls + [str(out)], limiter.borrowed_tokens

    calls, borrowed = asyncio.run(scenario())
    assert calls == ["[]"] and borrowed == 0


def test_backpressure_counts_requests_in_flight() -> None:
    detector, app = _gated(max_pending=1, request_timeout=30)
    with TestClient(app) as client:
        # One request in flight, blocked in the detector; the next is refused at once.
        async def blocked_request() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                return await http.post("/v1/detect", json={"text": "WAIT"})

        portal = client.portal  # type: ignore[attr-defined]
        assert portal is not None
        first = portal.start_task_soon(blocked_request)
        wait_for(detector.started.is_set, "the first request")
        busy = client.post("/v1/detect", json={"text": "x"})
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        detector.gate.set()
        assert first.result(timeout=20).status_code == 200
