"""Labels are checked as Hetzner Cloud checks them, and the selectors built from them match what they say.

The simulator's label rules (sandbox/hcloud/labels.py, written from the API's
documentation on its own) are the oracle: both must agree on every key and
value, and a selector we build must parse there and match exactly the
resources that carry every label.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_labels import check_labels, key_problem, label_selector, value_problem
from sandbox.hcloud import labels as api

# Letters, digits, the three allowed punctuation marks, and characters the API refuses.
TEXT = st.text(alphabet="aZ09-_./ é:", max_size=70)


@settings(max_examples=400)
@given(TEXT)
@example("a" * 63)
@example("a" * 64)
@example("b" * 64 + ".example/key")
@example("b" * 63 + ".example/key")
@example("example.com/my")
@example("hetzner.cloud/x")
@example("Example.com/my")
@example("-a")
@example("a.")
@example("/a")
def test_keys_and_values_agree_with_the_api_rules(text: str) -> None:
    assert (key_problem(text) is None) == (api.key_error(text) is None)
    assert (value_problem(text) is None) == (api.value_error(text) is None)


def test_each_refusal_is_one_sentence_naming_the_field_and_the_key() -> None:
    with pytest.raises(ValueError, match=r"^hetzner_labels: the key 'team lead' is not a valid key name \(63 characters at most, .*\)\.$"):
        check_labels({"team lead": "x"}, "hetzner_labels")
    with pytest.raises(ValueError, match=r"^labels: the value 'prod/eu' of the key 'environment' is not a valid label value \(empty, or 63 .*\)\.$"):
        check_labels({"environment": "prod/eu"})
    with pytest.raises(ValueError, match=r"^labels: the key 'hetzner.cloud/x' uses the prefix hetzner.cloud/, which Hetzner reserves\.$"):
        check_labels({"hetzner.cloud/x": ""})
    with pytest.raises(ValueError, match=r"^labels must be a dictionary of label keys and values, not list\.$"):
        check_labels(["environment=production"])


def test_values_become_strings_and_none_the_empty_value() -> None:
    assert check_labels({"replicas": 3, "just-a-key": None}) == {"replicas": "3", "just-a-key": ""}


LABELS = st.dictionaries(st.sampled_from(["environment", "managed-by", "example.com/team", "tier"]), st.sampled_from(["", "production", "ci", "a.b-c_d"]))


@settings(max_examples=200)
@given(wanted=LABELS.filter(bool), carried=LABELS)
def test_a_selector_matches_exactly_the_resources_carrying_every_label(wanted: dict[str, str], carried: dict[str, str]) -> None:
    matches = api.parse_selector(label_selector(wanted))
    assert matches(carried) == all(key in carried and carried[key] == value for key, value in wanted.items())


def test_a_selector_of_no_labels_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^selector labels is empty: a selector of no labels would match every resource in the project\.$"):
        label_selector({}, "selector labels")
    assert label_selector({"managed-by": "boltfoundry.infra", "environment": "production"}) == "managed-by=boltfoundry.infra,environment=production"
