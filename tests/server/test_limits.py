"""What one visitor may ask of the server (server.limits): one sentence per broken limit."""

from __future__ import annotations

from nn_core.model import ModelConfig
from server.limits import ServerLimits, limits_from_env, model_violations

LIMITS = ServerLimits(max_hidden_units=512, max_hidden_layers=3)


def test_a_model_within_the_limits_has_no_violations():
    assert model_violations(ModelConfig(sizes=(784, 512, 512, 512, 10)), LIMITS) == []
    assert model_violations(ModelConfig(sizes=(784, 10)), LIMITS) == []  # no hidden layer


def test_too_many_hidden_layers():
    problems = model_violations(ModelConfig(sizes=(784, 64, 64, 64, 64, 10)), LIMITS)
    assert problems == ["This model has 4 hidden layers; this server allows at most 3."]


def test_each_oversized_layer_gets_its_own_sentence():
    problems = model_violations(ModelConfig(sizes=(784, 4096, 128, 513, 10)), LIMITS)
    assert problems == [
        "Hidden layer 1 has 4,096 units; this server allows at most 512 per layer.",
        "Hidden layer 3 has 513 units; this server allows at most 512 per layer.",
    ]


def test_both_kinds_at_once_and_the_input_and_output_sizes_are_not_judged():
    config = ModelConfig(sizes=(5000, 1024, 8, 8, 8, 3000))
    problems = model_violations(config, ServerLimits(max_hidden_units=1000, max_hidden_layers=2))
    assert len(problems) == 2
    assert "4 hidden layers" in problems[0] and "Hidden layer 1 has 1,024 units" in problems[1]


def test_the_paused_limit_is_a_server_limit_like_the_others():
    """Ten minutes unless the teacher says otherwise; nonsense keeps the default."""
    assert ServerLimits().paused_release_seconds == 600.0
    assert limits_from_env({"NN_PAUSED_RELEASE_SECONDS": "30"}).paused_release_seconds == 30.0
    assert limits_from_env({"NN_PAUSED_RELEASE_SECONDS": "-1"}).paused_release_seconds == 600.0
