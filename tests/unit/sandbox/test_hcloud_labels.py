"""Label validity and the label selector language of the hcloud simulator."""

from __future__ import annotations

import pytest

from sandbox.hcloud.labels import SelectorError, label_errors, parse_selector

LABELS = {"env": "prod", "role": "web", "example.com/team": "a-b_c.d", "flag": ""}


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ("env=prod", True),
        ("env==prod", True),
        ("env = prod", True),
        ("env!=prod", False),
        ("env!=dev", True),
        ("missing!=x", True),  # as in Kubernetes: absent keys are "not equal"
        ("flag", True),
        ("!flag", False),
        ("!missing", True),
        ("env in (dev, prod)", True),
        ("env in (dev)", False),
        ("env notin (dev,test)", True),
        ("missing notin (x)", True),
        ("missing in (x)", False),
        ("example.com/team=a-b_c.d", True),
        ("env=prod,role=web", True),
        ("env=prod,role=db", False),
        ("env in (prod,dev),!missing,role", True),
        ("flag=", True),
    ],
)
def test_selector_semantics(selector: str, matches: bool) -> None:
    assert parse_selector(selector)(LABELS) is matches


@pytest.mark.parametrize("selector", ["", "env in (a", "env)", "a,,b", "-bad", "env in (-x)", "k=v=w", "hetzner.cloud/x"])
def test_bad_selectors_are_refused(selector: str) -> None:
    with pytest.raises(SelectorError):
        parse_selector(selector)


def test_an_empty_value_is_a_value() -> None:
    assert parse_selector("env==")({"env": ""})
    assert not parse_selector("env==")({})


@pytest.mark.parametrize(
    ("labels", "problems"),
    [
        ({"env": "prod", "a.b/c": "", "x": "a" * 63}, 0),
        ({"-env": "x"}, 1),
        ({"env": "x" * 64}, 1),
        ({"env": "has space"}, 1),
        ({"hetzner.cloud/managed": "x"}, 1),
        ({"Upper.Case/x": "y"}, 1),
        ({"a" * 64: "y"}, 1),
    ],
)
def test_label_validity(labels: dict[str, str], problems: int) -> None:
    assert len(label_errors(labels)) == problems
