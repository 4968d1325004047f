"""The knowledge base is complete and well formed: what the fit check and steps rely on."""

from __future__ import annotations

import typing
from importlib import resources

import pytest
import yaml

from workbook import knowledge
from workbook.design import Format

CATALOGUES = ["purposes", "focus_areas", "relationships", "dimensions"]


@pytest.mark.parametrize("name", CATALOGUES)
def test_catalogue_entries_have_unique_keys_a_description_and_a_source(name: str) -> None:
    entries = knowledge.catalogue(name)
    assert entries, f"{name}.yaml is empty"
    keys = [e.key for e in entries]
    assert len(keys) == len(set(keys)), f"duplicate keys in {name}.yaml"
    for item in entries:
        assert item.key.isidentifier() and item.key == item.key.lower()
        assert item.title.strip() and item.description.strip(), item.key
        assert any(ch.isdigit() for ch in item.source), f"{name}.{item.key} cites no seed"


def test_every_relationship_has_a_value_on_every_dimension() -> None:
    dimensions = knowledge.keys("dimensions")
    for relationship in knowledge.catalogue("relationships"):
        values = relationship.model_extra["values"]
        assert set(values) == set(dimensions), relationship.key
        assert all(str(v).strip() for v in values.values()), relationship.key


def test_the_seven_relationships_of_the_domain_brief() -> None:
    assert set(knowledge.keys("relationships")) == {
        "mentoring", "coaching", "training", "role_modelling",
        "buddy_system", "sponsorship", "supervision",
    }  # fmt: skip


def test_purposes_have_a_kind_for_rule_r10() -> None:
    kinds = {e.key: e.model_extra["kind"] for e in knowledge.purposes()}
    assert set(kinds.values()) == {"development", "performance"}


def test_focus_areas_serve_catalogue_purposes() -> None:
    purposes = set(knowledge.keys("purposes"))
    for area in knowledge.focus_areas():
        assert set(area.model_extra["serves"]) <= purposes, area.key


def test_every_rule_has_a_source_why_and_checks_with_unique_keys() -> None:
    all_rules = knowledge.rules()
    ids = [r.id for r in all_rules]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if i.startswith("R")] == [f"R{n}" for n in range(1, 11)]
    assert all(i.startswith(("R", "E-")) for i in ids)
    check_keys = [c.key for r in all_rules for c in r.checks]
    assert len(check_keys) == len(set(check_keys))
    for item in all_rules:
        assert item.statement.strip() and item.why.strip() and item.checks, item.id
        expected = "error" if item.id.startswith("E-") else "warning"
        assert {c.severity for c in item.checks} == {expected}, item.id


def test_rule_lookup_refuses_an_unknown_id() -> None:
    with pytest.raises(KeyError):
        knowledge.rule("R99")


def test_every_yaml_file_in_the_package_parses() -> None:
    for path in resources.files("workbook.knowledge").iterdir():
        if path.name.endswith(".yaml"):
            assert yaml.safe_load(path.read_text("utf-8")), path.name


def test_format_literal_is_readable() -> None:
    assert "reverse" in typing.get_args(Format)
