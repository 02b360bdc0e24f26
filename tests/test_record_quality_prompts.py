"""Record quality prompts while writing (issue 14, part 3): advice, never a block, never a grade.

Each check is a pure function of what is written, tested here on text that should and should not
prompt; the pages show the prompts beside a case note as it is written (posted with htmx) and on
the record's page before sending, and saving or sending never waits on them.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from django.test import Client

from oversight.quality import framework
from oversight.quality.prompts import (
    LANGUAGE_FILE,
    ActionDraft,
    Draft,
    actions_without_owner_or_date,
    description_without_analysis,
    hard_to_read,
    language_list,
    language_to_avoid,
    misses_childs_voice,
    previous_actions_not_reviewed,
    prompts_for,
)
from tests.council import Council, record, smith_children
from tests.factories import CaseNoteFactory

VOICE = "Amy told me she feels safer since her dad moved out; she wants to see her nan more."
ANALYSIS = (
    "Amy's relief suggests the risk was from her father's drinking; an alternative explanation is "
    "that she is protecting her mum. We think the plan is working because school reports she is "
    "calmer, but the evidence is a fortnight old."
)
PLAIN = (
    "Amy is eight. She lives with her mum and her brother Ben. Her dad moved out in May. "
    "School say she is calmer. She goes to a club on Fridays. She sees her nan at weekends. "
    "Her mum says the house is quieter. The family has a new health visitor. Ben has started "
    "nursery. Amy likes drawing and football. She wants a dog."
)
DENSE = (
    "Notwithstanding the aforementioned multi-agency considerations, the comprehensive "
    "safeguarding assessment necessitates the implementation of an individualised, "
    "therapeutically-informed intervention methodology, incorporating psychoeducational "
    "components, intergenerational trauma conceptualisations, organisational accountability "
    "frameworks and developmental vulnerability identification, notwithstanding "
    "considerable interprofessional disagreement regarding the appropriateness, proportionality "
    "and sustainability of the contemplated intervention trajectory within statutory "
    "parameters and organisational resourcing limitations. Consequently, the interdisciplinary "
    "reconceptualisation of intergenerational vulnerability necessitates comprehensive, "
    "methodologically sophisticated evaluation."
)


# Child's voice ----------------------------------------------------------------------------------


def test_it_prompts_when_the_childs_views_are_not_mentioned() -> None:
    assert misses_childs_voice("Visited the home. Mum was present. Housing application made.")


def test_it_does_not_prompt_when_the_child_is_heard() -> None:
    assert not misses_childs_voice(VOICE)
    assert not misses_childs_voice("In her own words, home is 'calm now'.")


# Actions ---------------------------------------------------------------------------------------


def test_it_prompts_for_actions_without_an_owner_or_a_date() -> None:
    actions = [
        ActionDraft("Refer to early help", has_owner=True, has_date=False),
        ActionDraft("Ring school", has_owner=False, has_date=True),
        ActionDraft("Book the review", has_owner=True, has_date=True),
    ]

    assert actions_without_owner_or_date(actions) == ["Refer to early help", "Ring school"]


def test_it_does_not_prompt_for_actions_with_both_or_for_empty_rows() -> None:
    assert actions_without_owner_or_date([ActionDraft("Book the review", True, True)]) == []
    assert actions_without_owner_or_date([ActionDraft("  ", False, False)]) == []


# Previous actions --------------------------------------------------------------------------------


def test_it_prompts_when_previous_actions_are_not_reviewed() -> None:
    assert previous_actions_not_reviewed(previous=2, reviewed=0)


def test_it_does_not_prompt_when_they_are_reviewed_or_there_were_none() -> None:
    assert not previous_actions_not_reviewed(previous=2, reviewed=1)
    assert not previous_actions_not_reviewed(previous=0, reviewed=0)
    assert not previous_actions_not_reviewed(2, 0, review_text="Both done; see below.")


# Analysis ----------------------------------------------------------------------------------------


def test_it_prompts_for_description_without_analysis() -> None:
    assert description_without_analysis(PLAIN, "")
    assert description_without_analysis(PLAIN, "Amy had a good week at school.")
    # Short analysis under a long description.
    assert description_without_analysis(PLAIN * 2, "We think it is working.")


def test_it_does_not_prompt_when_there_is_analysis_or_nothing_yet() -> None:
    assert not description_without_analysis(PLAIN, ANALYSIS)
    assert not description_without_analysis("", "")


# Language ------------------------------------------------------------------------------------


def test_it_suggests_other_words_for_language_to_avoid() -> None:
    found = language_to_avoid(
        "Supervised contact with mum went well. The placement is stable. The LAC review is "
        "booked. She absconded twice in May."
    )

    words = {written: term.instead[0] for written, term in found}
    assert words == {
        "Supervised contact": "family time",
        "placement": "home",
        "LAC": "child in care",
        "absconded": "missing",
    }


def test_it_leaves_the_same_words_alone_in_other_senses() -> None:
    # "contact the school" is not family time; "lac" inside a word is not the acronym.
    assert language_to_avoid("I will contact the school. The family is in Blackburn.") == []
    assert language_to_avoid("She is lactose intolerant.") == []


def test_a_longer_phrase_is_reported_once() -> None:
    found = language_to_avoid("After the placement breakdown she moved.")

    assert [written for written, _ in found] == ["placement breakdown"]


def test_the_language_list_is_data_with_its_source() -> None:
    data = tomllib.loads(LANGUAGE_FILE.read_text(encoding="utf-8"))

    assert "Language that cares" in data["source"]
    assert all(term.words and term.instead and term.why for term in language_list())


# Readability -----------------------------------------------------------------------------------


def test_it_prompts_when_the_text_is_hard_to_read() -> None:
    assert hard_to_read(DENSE)


def test_it_does_not_prompt_for_plain_or_short_text() -> None:
    assert not hard_to_read(PLAIN)
    assert not hard_to_read("Notwithstanding multi-agency considerations.")  # too short to measure


# All together ---------------------------------------------------------------------------------


def test_each_prompt_says_why_and_links_to_a_paragraph_of_the_framework() -> None:
    draft = Draft(
        about_a_child=True,
        description={"focus": PLAIN + " The placement is going well."},
        analysis="",
        actions=[ActionDraft("Ring school", has_owner=True, has_date=False)],
        previous_actions=1,
    )

    prompts = prompts_for(draft)

    assert [p.key for p in prompts] == [
        "previous-actions",
        "actions",
        "analysis",
        "language",
    ]
    for prompt in prompts:
        assert prompt.why
        assert prompt.passage in framework.BY_KEY


def test_a_good_case_note_has_no_prompts() -> None:
    draft = Draft(
        about_a_child=True,
        description={"focus": VOICE},
        analysis=ANALYSIS,
        actions=[ActionDraft("Ring school", True, True)],
        previous_actions=1,
        reviewed_actions=1,
    )

    assert prompts_for(draft) == []


def test_the_professional_part_is_not_asked_for_the_childs_voice() -> None:
    draft = Draft(about_a_child=False, description={"workload": "18 children."}, analysis=ANALYSIS)

    assert "childs-voice" not in [p.key for p in prompts_for(draft)]


# On the pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_prompts_show_as_the_manager_writes_and_never_stop_saving(
    org: Council, frozen_today: dt.date
) -> None:
    smith_children(org)
    draft = record(org.manager, org.worker, frozen_today)
    client = Client()
    client.force_login(org.manager.user)
    typed = {
        "purpose": "Review the plan.",
        "plan": "Placement stable.",
        "focus": "Visited.",
        "analysis": "",
        "identity": "",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-action": "Ring school",
        "actions-0-owner": str(org.worker.pk),
    }

    live = client.post(f"/quality/prompts/{draft.pk}/", typed)

    text = live.content.decode()
    assert live.status_code == 200
    assert "The child&#x27;s views and lived experience are not mentioned" in text
    assert "Actions without an owner or a date" in text
    assert "Instead of “Placement”, try “home”" in text
    assert "/quality/framework/#childs-voice" in text
    # Someone who cannot write the record gets nothing back.
    client.force_login(org.colleague.user)
    assert client.post(f"/quality/prompts/{draft.pk}/", typed).status_code == 403


@pytest.mark.django_db
def test_the_page_before_sending_lists_the_prompts_of_each_part(
    org: Council, frozen_today: dt.date
) -> None:
    smith_children(org)
    assert org.amy is not None
    draft = record(org.manager, org.worker, frozen_today)
    CaseNoteFactory(session=draft, case=org.amy, focus="Home visit made.", analysis="")
    client = Client()
    client.force_login(org.manager.user)

    page = client.get(f"/records/{draft.pk}/write/").content.decode()

    assert "Before you send: quality prompts" in page
    assert "Amy Smith" in page
    assert "You can send the record as it is." in page


@pytest.mark.django_db
def test_the_framework_page_quotes_each_passage(client: Client, org: Council) -> None:
    client.force_login(org.manager.user)

    page = client.get("/quality/framework/").content.decode()

    for passage in framework.PASSAGES:
        assert f'id="{passage.key}"' in page
    assert 'id="rubric"' in page
