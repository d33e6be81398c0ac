"""Fine-tuning's step plan and learning-rate schedule (the parts that need no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.train.finetune import (
    TrainConfig,
    _Counters,
    _learning_rate_factor,
    _plan_steps,
    _StepPlan,
)


def _cfg(**kw: object) -> TrainConfig:
    return TrainConfig(out=Path("out"), base=Path("base"), **kw)  # type: ignore[arg-type]


def test_plan_covers_fractional_epochs_and_caps_at_max_steps() -> None:
    # 10 examples in batches of 4: 3 steps an epoch; 2.5 epochs is 8 steps over 3 epochs.
    assert _plan_steps(_cfg(epochs=2.5, batch_size=4, warmup=0.25), 10) == _StepPlan(8, 3, 2)
    assert _plan_steps(_cfg(epochs=2.5, batch_size=4, max_steps=4), 10) == _StepPlan(4, 2, 1)
    # A run always takes at least one step and warms up for at least one.
    assert _plan_steps(_cfg(epochs=0.01, batch_size=4), 1) == _StepPlan(1, 1, 1)


def test_learning_rate_warms_up_then_decays_to_zero() -> None:
    factor = _learning_rate_factor(_StepPlan(total=10, epochs=1, warmup=2), None, _Counters())
    assert [factor(s) for s in (0, 1)] == [0.5, 1.0]
    assert factor(2) == 1.0 and factor(6) == pytest.approx(0.5) and factor(10) == 0.0
    assert factor(50) == 0.0


def test_a_spent_time_budget_decays_the_rate_before_the_last_step() -> None:
    counters = _Counters()
    counters.started -= 90.0  # 90 s of a 100 s budget gone
    factor = _learning_rate_factor(_StepPlan(total=100, epochs=1, warmup=1), 100.0, counters)
    assert factor(0) == 1.0  # warmup does not look at the clock
    assert factor(2) == pytest.approx(0.1, abs=0.01)
