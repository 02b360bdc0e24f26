"""The Knowledge and Skills Statements (KSS) a professional supervision record can be tagged with,
and a person's coverage of them over a period (issue 16).

Newham's policy is written "within the context of" two statements: the "Knowledge and Skills
Statement for approved child and family practitioners, DfE 2014" and the "Knowledge and Skills
Statements for Managers and practice supervisors, DfE 2015" (N 1), and asks that professional
development supervision ensure "the individual is developing and maintaining the capabilities
outlined in the Knowledge and Skills Statement for Children and Families Social Workers" (N 3,
Professional Development Supervision). Its Appendix 9 quotes the practitioners' statement in full:
its eleven headings and text are held here as the appendix gives them. The policy quotes nothing
of the practice supervisors' statement, so only its eight published headings are held, no text.

A record's tags are statement codes ("cfsw-3", "ps-2") stored on the record's professional part
(the discussion) and on each of its learning activities; this module is the one place that knows
what a code means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from oversight.organisation.models import Staff
from oversight.records.models import LearningActivity, ProfessionalRecord, Record


@dataclass(frozen=True)
class Statement:
    code: str
    number: int
    title: str
    text: str = ""  # as the policy quotes it; empty where it quotes none

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def tag(self) -> str:
        """How a record's tag names it: the practice supervisors' statements say whose they are,
        as their numbers repeat the practitioners'."""
        return self.label if self.code.startswith("cfsw-") else f"Practice supervisors {self.label}"


@dataclass(frozen=True)
class Framework:
    key: str
    title: str
    source: str
    statements: tuple[Statement, ...]


PRACTITIONERS = Framework(
    "cfsw",
    "Knowledge and skills statement for child and family practitioners",
    "DfE 2014, as quoted in N Appendix 9 (Knowledge and skills for child & family social work)",
    (
        Statement(
            "cfsw-1",
            1,
            "The role of child and family social work",
            (
                "Apply a wide range of knowledge and skills to help build family relationships, "
                "resource and resilience so that the welfare of the child remains paramount; "
                "identify the full range of risks to children and help manage those risks; ensure "
                "proportionate intervention, including securing and supporting alternative homes "
                "for children, including those in and beyond public care placed with family and "
                "friends and for adoption; and to provide care and support to young people as "
                "they move towards independence and adulthood. Explain and critically evaluate "
                "the role of social work as part of a system of welfare support to children and "
                "their families, including parents as vulnerable adults, and how this relates to "
                "the social contract between citizenship and the state and the role of family, "
                "kinship and community; explain the impact of poverty, inequality and diversity "
                "on social and economic opportunities and how that relates to child welfare, "
                "family functioning and the highest context of child protection."
            ),
        ),
        Statement(
            "cfsw-2",
            2,
            "Child development",
            (
                "Critically evaluate theory and research findings and demonstrate informed use in "
                "practice of: typical age related physical, cognitive, social, emotional and "
                "behavioural development, and the influence of cultural and social factors on "
                "child development; the impact of different parenting styles on development; and "
                "the impact of loss, change and uncertainty in the development of normative "
                "resilience. Understand that normative developmental tasks are different for each "
                "child depending on the interaction between environmental and genetic factors "
                "e.g. chromosomal disorders, temperament, IQ, attention difficulties, the impact "
                "of ill-health and disability, and apply a range of helpful strategies and "
                "resources to support children and families where there are difficulties."
            ),
        ),
        Statement(
            "cfsw-3",
            3,
            "Adult mental ill-health, substance misuse, domestic violence,"
            " physical ill-health and disability",
            (
                "Explain the impact that: mental ill-health, substance misuse, domestic violence, "
                "physical ill-health and disability can have on family functioning and social "
                "circumstances; apply a working knowledge of the presentation of concerning adult "
                "behaviours which may indicate increasing risk to children and the likely impact "
                "on, and inter-relationship between, parenting and child development; be able to "
                "deploy a range of strategies to help families facing these difficulties; be able "
                "to recognise and act upon escalating social needs and risks ensuring that "
                "vulnerable adults are safeguarded, and a child's best interests are always "
                "prioritised. Apply a comprehensive working knowledge of the role of other "
                "professions in the identification and prevention of adult social need and risk, "
                "including mental health and learning disability assessment; be able to "
                "coordinate emergency and routine services and effectively synthesise "
                "multi-disciplinary judgements as part of social work assessment."
            ),
        ),
        Statement(
            "cfsw-4",
            4,
            "Abuse and neglect of children",
            (
                "Be able to recognise: the risk indicators of different forms of harm to children "
                "including sexual, physical and emotional abuse and neglect; the impact of "
                "cumulative harm, particularly in relation to early indicators of neglect; take "
                "account of harmful practices in specific communities such as female genital "
                "mutilation and enforced marriage; and the full range of adult behaviours which "
                "pose a risk to children, recognising too the potential for children to be "
                "perpetrators of abuse. Explain the concept of good enough parenting within the "
                "historical, cultural, political and social dimensions of parental abuse and "
                "neglect, the relationship between poverty and social deprivation, and the impact "
                "of stress on family functioning; be able to hold a compassionate position about "
                "difficult social circumstances providing help and support; acknowledge any "
                "conflict between parental and children's interests, prioritising the protection "
                "of children whenever necessary."
            ),
        ),
        Statement(
            "cfsw-5",
            5,
            "Effective direct work with children and families",
            (
                "Build purposeful, effective relationships with children and families, which are "
                "both authoritative and compassionate; demonstrate a high level of skill in "
                "evidence based, effective social work approaches to helping children and "
                "families which support change. Be able to support children and families flexibly "
                "in transition, including moving children from home to foster care and return "
                "back home, moving into adoptive placements, into independence, and understanding "
                "the impact of loss and change. Be able to communicate clearly, sensitively and "
                "effectively using best evidence methods with children of different ages and "
                "abilities, their families and the professional system in ways which are "
                "engaging, motivating, respectfully challenging and effective even when people "
                "are perceived to be angry, hostile and resistant to change."
            ),
        ),
        Statement(
            "cfsw-6",
            6,
            "Child and family assessment",
            (
                "Carry out in-depth and ongoing family assessment of social need and risk to "
                "children with particular emphasis on parental capacity and capability to change; "
                "effectively using child observation skills, genograms, ecomaps, chronologies and "
                "evidence based tools; and ensuring active child and family participation in the "
                "process and knowing the contributions that other professional disciplines make "
                "to social work assessments. Recognise behaviours which may indicate disguised "
                "compliance, resistance to change, ambivalent or selective cooperation with "
                "services, and be able to recognise the need for immediate action, and what steps "
                "can be taken to protect children."
            ),
        ),
        Statement(
            "cfsw-7",
            7,
            "Analysis, decision-making, planning and review",
            (
                "Explain the essential use of multiple hypotheses, the role of intuition and "
                "logic in decision-making, the difference between opinion and fact, the role of "
                "evidence, how to address common bias in situations of uncertainty and the "
                "reasoning of any conclusions reached and recommendations made. Critically "
                "evaluate: levels of seriousness that different risks present, actual and "
                "likelihood of significant harm, balanced with family strengths and potential "
                "solutions; set out the most relevant options for resolving the difficulties "
                "facing the family and each child, considering seriousness and consequences; be "
                "able to set out realistic plans within a review timeline which will reduce "
                "identified risks and meet the needs of the child, ensuring sufficient "
                "multi-disciplinary input into the process and at all stages. Demonstrate "
                "effective care planning for children, including those in public care, by "
                "applying knowledge of a child's wide ranging needs, including health and "
                "education, to the planning cycle ensuring active participation and positive "
                "engagement of the child and family."
            ),
        ),
        Statement(
            "cfsw-8",
            8,
            "The law and the family justice system",
            (
                "Explain how the family justice system works in England and the role of the child "
                "& family social worker within that; understand the key legal powers and duties "
                "to support families, to protect children and to look after children in the "
                "public care system, including the full range of permanence options including "
                "adoption; understand other key legislation including mental health assessment "
                "and competency, disability, youth crime, education including special needs, data "
                "protection and information exchange. Understand how relevant regulation and "
                "statutory guidance relates to the law, and understand the complex relationship "
                "between ethical professional practice and the application of the law and the "
                "impact of social policy on both."
            ),
        ),
        Statement(
            "cfsw-9",
            9,
            "Professional ethics",
            (
                "Demonstrate the principles of social work through professional judgement, "
                "decision-making and actions within a framework of professional accountability; "
                "how to manage competing interests of parents and children effectively, ensuring "
                "that children's interests are always paramount, whilst working collaboratively "
                "with parents and extended family whenever possible; how to acknowledge the "
                "tensions inherent in having a dual role of care and control on behalf of the "
                "state; and the ability to promote autonomy and self-determination within a "
                "framework of the child's best interests as paramount. Know how to demonstrate "
                "professionalism through personal attitude and behaviours; be able to evaluate "
                "critically the impact of one's own belief system on current practice, taking "
                "responsibility for one's own practice and development; safeguarding the "
                "reputation of the profession and be accountable to the professional regulator."
            ),
        ),
        Statement(
            "cfsw-10",
            10,
            "The role of supervision and research",
            (
                "Recognise own professional limitations and how and when to seek advice from a "
                "range of sources, including named supervisors, senior social workers and other "
                "clinical practitioners from a range of disciplines such as psychiatry, "
                "paediatrics, and psychology; demonstrate effective use of opportunities to "
                "discuss, debate, reflect upon and test hypotheses about what is happening within "
                "families, for children; and how to resolve tensions emerging from, for example, "
                "ethical dilemmas or conflicting information or differing professional positions. "
                "Demonstrate a critical understanding of the difference between theory, research, "
                "evidence and expertise and the role of professional judgment within that; how to "
                "utilise research skills in assessment and analysis; how to identify which "
                "methods will be of help for a specific child or family and the limitations of "
                "different approaches; and how to make effective use of the best evidence from "
                "research to inform the complex judgements and decisions needed to support "
                "families and protect children."
            ),
        ),
        Statement(
            "cfsw-11",
            11,
            "Organisational context",
            (
                "Operate successfully in a wide range of organisational contexts, including "
                "settings undertaking statutory activity, understanding that the success or "
                "failure of the social worker depends on the operation of organisations and also "
                "in spite of it; that checks and balances within local and national systems are a "
                "necessity which must be complied with as a condition of employment, and that "
                "learning is used to assist in practice development; that quality of "
                "relationships and reputation management with peers, managers and leaders both "
                "within the profession, throughout multi-agency partnerships and public bodies, "
                "including the family courts, is an essential component of successful support to "
                "families and protection of children. Be able to manage the specific set of tasks "
                "relating to statutory case responsibility for children in need and children in "
                "public care, with the support of an appropriately qualified supervisor; and "
                "ensuring that the leadership of the multi-agency support network is properly "
                "utilised and effective, taking necessary steps to safeguard children's welfare, "
                "where this is not the case."
            ),
        ),
    ),
)

PRACTICE_SUPERVISORS = Framework(
    "ps",
    "Knowledge and skills statement for practice supervisors",
    "DfE 2015, cited in N 1; its headings only, as the policy quotes none of its text",
    (
        Statement("ps-1", 1, "Promote and govern excellent practice"),
        Statement("ps-2", 2, "Developing excellent practitioners"),
        Statement("ps-3", 3, "Shaping and influencing the practice system"),
        Statement("ps-4", 4, "Effective use of power and authority"),
        Statement("ps-5", 5, "Confident analysis and decision-making"),
        Statement("ps-6", 6, "Purposeful and effective social work"),
        Statement("ps-7", 7, "Emotionally intelligent practice supervision"),
        Statement("ps-8", 8, "Performance management and improvement"),
    ),
)

FRAMEWORKS = (PRACTITIONERS, PRACTICE_SUPERVISORS)
STATEMENTS = {s.code: s for f in FRAMEWORKS for s in f.statements}


def frameworks_for(staff: Staff) -> tuple[Framework, ...]:
    """The statements that apply to a person: the practitioners' statement for everyone, and the
    practice supervisors' for managers as well (Newham cites it for those who supervise)."""
    if staff.category == "manager":
        return FRAMEWORKS
    return (PRACTITIONERS,)


def statement_choices(staff: Staff | None) -> list[tuple[str, str]]:
    """The tags a form offers for a supervisee's record, in the statements' own order."""
    frameworks = frameworks_for(staff) if staff is not None else (PRACTITIONERS,)
    return [(s.code, s.tag) for f in frameworks for s in f.statements]


def statement_titles(codes: list[str]) -> list[str]:
    """What a record's tags say, in the statements' order; a code no longer known is shown as it
    is rather than dropped, so nothing written disappears from the record."""
    known = [STATEMENTS[c] for c in STATEMENTS if c in codes]
    unknown = [c for c in codes if c not in STATEMENTS]
    return [s.tag for s in known] + unknown


# A person's coverage over a period -----------------------------------------------------------


@dataclass(frozen=True)
class Discussion:
    """One place a statement was tagged: a record's discussion, or a learning activity in it."""

    record_pk: int
    date: dt.date
    learning: str = ""  # the activity, when the tag is on a learning activity


@dataclass(frozen=True)
class StatementCoverage:
    statement: Statement
    discussions: list[Discussion] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.discussions)


@dataclass(frozen=True)
class FrameworkCoverage:
    framework: Framework
    statements: list[StatementCoverage]

    @property
    def covered(self) -> int:
        return sum(1 for s in self.statements if s.covered)

    @property
    def not_covered(self) -> list[Statement]:
        return [s.statement for s in self.statements if not s.covered]


def kss_coverage(staff: Staff, start: dt.date, end: dt.date) -> list[FrameworkCoverage]:
    """Each statement that applies to `staff` and the records of their one-to-ones from `start`
    to `end` (both included) whose professional discussion or learning activities were tagged
    with it, oldest first.

    Only records others may read count (sent, agreed, recorded elsewhere) and never a cancelled
    booking: a draft is still its author's and may change. A framework that does not apply to
    the person is still listed if one of their records was tagged with it. Two queries."""
    records = (
        Record.objects.shared()
        .not_cancelled()
        .filter(supervisee=staff, type="individual")
        .dated_between(start, end)
        .values("pk")
    )
    found: dict[str, list[Discussion]] = {code: [] for code in STATEMENTS}
    for session_pk, day, codes in ProfessionalRecord.objects.filter(
        session__in=records
    ).values_list("session_id", "session__date", "kss"):
        for code in codes or []:
            if code in found:
                found[code].append(Discussion(session_pk, day))
    for session_pk, day, activity, codes in LearningActivity.objects.filter(
        professional_record__session__in=records
    ).values_list(
        "professional_record__session_id", "professional_record__session__date", "activity", "kss"
    ):
        for code in codes or []:
            if code in found:
                found[code].append(Discussion(session_pk, day, activity))
    applying = frameworks_for(staff)
    return [
        FrameworkCoverage(
            framework,
            [
                StatementCoverage(s, sorted(found[s.code], key=lambda d: (d.date, d.record_pk)))
                for s in framework.statements
            ],
        )
        for framework in FRAMEWORKS
        if framework in applying or any(found[s.code] for s in framework.statements)
    ]
