"""The knowledge base is complete and well formed: what the fit check and steps rely on."""

from __future__ import annotations

import re
import typing
from importlib import resources
from pathlib import Path

import pytest
import yaml

from workbook import knowledge
from workbook.design import Components, Format

KNOWLEDGE = Path(knowledge.__file__).parent
# Every data file that is a list of entries is a catalogue, so a new file is checked
# without anyone remembering to list it here.
CATALOGUES = sorted(
    p.stem
    for p in KNOWLEDGE.glob("*.yaml")
    if isinstance(yaml.safe_load(p.read_text(encoding="utf-8")), list)
    and p.stem != "sources"  # the list of what the others cite
)


# A source is a numbered text of sources.yaml (000 to 004) or a public framework.
CITES = re.compile(
    r"\b00[0-4]\b|MENTOR|Zachary|International Mentoring Association|workbook guidance"
)


def test_the_catalogues_are_found() -> None:
    assert {"purposes", "focus_areas", "relationships", "models", "components", "steps"} <= set(
        CATALOGUES
    )


@pytest.mark.parametrize("name", CATALOGUES)
def test_catalogue_entries_have_unique_keys_a_description_and_a_source(name: str) -> None:
    entries = knowledge.catalogue(name)
    assert entries, f"{name}.yaml is empty"
    keys = [e.key for e in entries]
    assert len(keys) == len(set(keys)), f"duplicate keys in {name}.yaml"
    for item in entries:
        # a key is an identifier, or a design field path for the defaults catalogue
        assert all(part.isidentifier() for part in item.key.split(".")), item.key
        assert item.key == item.key.lower()
        assert item.title.strip() and item.description.strip(), item.key
        assert CITES.search(item.source), f"{name}.{item.key} cites no source"


def test_every_relationship_has_a_value_on_every_dimension() -> None:
    dimensions = knowledge.keys("dimensions")
    for relationship in knowledge.catalogue("relationships"):
        values = relationship.extra("values")
        assert set(values) == set(dimensions), relationship.key
        assert all(str(v).strip() for v in values.values()), relationship.key
        assert relationship.extra("instead").strip(), relationship.key


def test_the_seven_relationships_of_the_domain_brief() -> None:
    assert set(knowledge.keys("relationships")) == {
        "mentoring", "coaching", "training", "role_modelling",
        "buddy_system", "sponsorship", "supervision",
    }  # fmt: skip


def test_purposes_have_a_kind_for_rule_r10() -> None:
    kinds = {e.key: e.extra("kind") for e in knowledge.purposes()}
    assert set(kinds.values()) == {"development", "performance"}


def test_focus_areas_serve_catalogue_purposes() -> None:
    purposes = set(knowledge.keys("purposes"))
    for area in knowledge.focus_areas():
        assert set(area.extra("serves")) <= purposes, area.key


def test_every_rule_has_a_source_why_and_checks_with_unique_keys() -> None:
    all_rules = knowledge.rules()
    ids = [r.id for r in all_rules]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if i.startswith("R")] == [f"R{n}" for n in range(1, 11)]
    assert all(i.startswith(("R", "W-", "E-")) for i in ids)  # rules, other warnings, errors
    check_keys = [c.key for r in all_rules for c in r.checks]
    assert len(check_keys) == len(set(check_keys))
    for item in all_rules:
        assert item.statement.strip() and item.why.strip() and item.checks, item.id
        expected = "error" if item.id.startswith("E-") else "warning"
        assert {c.severity for c in item.checks} == {expected}, item.id


def test_every_rule_and_check_names_a_registered_step() -> None:
    from workbook import steps

    named = {r.step for r in knowledge.rules()}
    named |= {c.step for r in knowledge.rules() for c in r.checks if c.step is not None}
    assert named <= set(steps.all_keys())


def test_rule_lookup_refuses_an_unknown_id() -> None:
    with pytest.raises(KeyError):
        knowledge.rule("R99")


def test_every_yaml_file_in_the_package_parses() -> None:
    for path in resources.files("workbook.knowledge").iterdir():
        if path.name.endswith(".yaml"):
            assert yaml.safe_load(path.read_text("utf-8")), path.name


def test_model_keys_are_the_design_formats() -> None:
    assert knowledge.keys("models") == typing.get_args(Format)
    for model in knowledge.catalogue("models"):
        assert model.extra("seniority") in {"mentor", "either", "mentee"}
        assert set(model.extra("suits")) <= set(knowledge.keys("purposes")), model.key


def test_matching_choices_are_the_design_values() -> None:
    from workbook.design import MatchMethod, MenteeSay

    # Every value has its words, and nothing else does (the order is the step's).
    assert sorted(knowledge.keys("match_methods")) == sorted(typing.get_args(MatchMethod))
    assert sorted(knowledge.keys("mentee_says")) == sorted(typing.get_args(MenteeSay))


def test_components_are_the_six_mentor_standards_in_the_design() -> None:
    assert knowledge.keys("components") == tuple(Components.model_fields)
    for component in knowledge.catalogue("components"):
        marks = [b["required"] for b in component.extra("benchmarks")]
        assert True in marks and len(marks) >= 3, component.key
        assert component.extra("activities"), component.key


@pytest.mark.parametrize("standard", knowledge.keys("standards"))
def test_each_standard_has_a_checklist_with_unique_keys(standard: str) -> None:
    items = knowledge.benchmarks(standard)
    keys = [b.key for b in items]
    assert items and len(keys) == len(set(keys))
    assert all(b.text.strip() for b in items)


def test_mentor_eep_4_checklist_covers_all_six_components() -> None:
    components = {b.component for b in knowledge.benchmarks("mentor_eep_4")}
    assert components == set(knowledge.keys("components"))


def test_fit_questionnaire_is_complete_and_well_formed() -> None:
    questionnaire = knowledge.fit_questions()
    relationships = set(knowledge.keys("relationships"))
    dimensions = knowledge.keys("dimensions")
    assert 8 <= len(questionnaire.questions) <= 12
    keys = [q.key for q in questionnaire.questions]
    assert len(keys) == len(set(keys))
    assert {q.dimension for q in questionnaire.questions} == set(dimensions)
    reachable = set()
    for question in questionnaire.questions:
        assert question.source and question.text.endswith("?"), question.key
        options = [o.key for o in question.options]
        assert len(options) >= 2 and len(options) == len(set(options)), question.key
        for option in question.options:
            assert option.points and set(option.points) <= relationships, option.key
            assert set(option.reasons) <= set(option.points), option.key
            reachable |= {k for k, v in option.points.items() if v > 0}
    assert reachable == relationships, "every relationship can be recommended"


def test_fit_mixes_and_texts() -> None:
    questionnaire = knowledge.fit_questions()
    relationships = set(knowledge.keys("relationships"))
    for combined in questionnaire.mixes:
        assert set(combined.keys) <= relationships and combined.description.strip()
    assert {"none", "single", "mix", "pair", "not_mentoring", "reason"} <= set(questionnaire.texts)
    assert ("mentoring", "coaching") in [m.keys for m in questionnaire.mixes]


@pytest.mark.parametrize("preset", knowledge.keys("situations"))
def test_each_preset_answers_real_questions_and_names_a_relationship(preset: str) -> None:
    situation = knowledge.entry("situations", preset)
    assert situation is not None
    assert situation.extra("consider") in knowledge.keys("relationships")
    questionnaire = knowledge.fit_questions()
    answers = situation.extra("answers")
    assert len(answers) >= 4
    for question_key, option_key in answers.items():
        question = questionnaire.question(question_key)
        assert question is not None and question.option(option_key) is not None, question_key


def test_the_fast_loader_reads_every_file_as_pyyaml_safe_load_does() -> None:
    root = Path(__file__).resolve().parent.parent
    texts = [
        p.read_text("utf-8")
        for p in resources.files("workbook.knowledge").iterdir()
        if p.name.endswith(".yaml")
    ]
    texts.append((root / "examples" / "graduate-program" / "design.yaml").read_text("utf-8"))
    for text in texts:
        assert knowledge.safe_load(text) == yaml.safe_load(text)


def test_every_numbered_source_cited_is_listed_in_sources_yaml() -> None:
    import re
    from pathlib import Path

    listed = {s.key for s in knowledge.sources()}
    assert listed == {"000", "001", "002", "003", "004"}
    folder = Path(str(knowledge.path("sources"))).parent
    cited = set()
    for path in folder.glob("*.yaml"):
        for line in path.read_text("utf-8").splitlines():
            if re.match(r"\s*-?\s*source:", line):
                cited |= set(re.findall(r"\b\d{3}\b", line))
    assert cited and cited <= listed


def test_evaluation_designs_are_the_design_values_in_plain_words() -> None:
    from workbook.design import EvaluationDesign

    designs = knowledge.evaluation_designs()
    assert [d.key for d in designs] == list(typing.get_args(EvaluationDesign))
    assert [d.title for d in designs] == [
        "Before and after only",
        "A comparison group of similar employees who do not take part",
        "A waitlist",
        "A randomised invitation",
    ]
    # Only before/after compares with the baseline alone; the others name their group.
    assert [d.key for d in designs if d.comparison is None] == ["before_after"]
    for design in designs:
        assert design.weakness and design.data_owner.strip(), design.key
        assert knowledge.evaluation_design(design.key) == design
        assert knowledge.title("evaluation_designs", design.key) == design.title
    assert knowledge.evaluation_design("control_group") is None


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("before_after", "everything else that changed"),
        ("comparison", "NBER working paper 29148"),
        ("waitlist", "leave before their turn"),
        ("randomised", "more eligible people than places"),
    ],
)
def test_each_evaluation_designs_main_weakness_is_stated(key: str, words: str) -> None:
    design = knowledge.evaluation_design(key)
    assert design is not None and words in design.weakness
