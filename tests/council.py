"""The test council: one small, obvious organisation every page test can build, and small builders
for what happens in it (supervision, records, agreements, children, documents).

    Children's social care
      Hari Head (head of service, "head")
        Court Team 1:       Tamsin Manager ("manager")
                              Wanda Worker ("worker"), Colin Colleague ("colleague")
        Assessment Team 1:  Omar Manager ("other-manager")
                              Olive Outsider ("outsider")
      Safeguarding and Reviewing Unit: Monika Edwards ("chairs-manager")
                              Efua Edwards, conference chair ("chair")
    Business support ("support"), HR ("hr"), quality assurance ("qa") and an administrator
    ("admin") are users in their groups, with no staff record.

Everyone's line management runs from START (2024) until beyond today. Pages show the position
today, so tests that build around today freeze the clock at NOW with the `frozen_today` fixture
(tests/conftest.py): they pass whatever the real date is.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from oversight.cases.models import Case, SiblingGroup
from oversight.engine.periods import add_months
from oversight.organisation.models import Service, Staff, Team
from oversight.records.models import Action, Record
from oversight.supervision.models import Agreement, Session, SessionCase
from tests.factories import (
    NO_PASSWORD,
    START,
    ActionFactory,
    AllocationFactory,
    CaseFactory,
    CaseNoteFactory,
    CaseStatusFactory,
    LineManagementFactory,
    ProfessionalRecordFactory,
    ServiceFactory,
    SessionFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
    sign_in_as,
    user_in_group,
)

# The moment the clock is frozen at: a Wednesday in June, well after every fixed date in the
# factories, away from bank holidays and month ends.
NOW = dt.datetime(2025, 6, 11, 9, 0, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()
DAY = dt.timedelta(days=1)


def today() -> dt.date:
    """Today by the app's clock (NOW, where the test froze it)."""
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - n * DAY


# The council ------------------------------------------------------------------------------------


@dataclass
class Council:
    service: Service
    team: Team
    other_team: Team
    reviewing_team: Team
    head: Staff
    manager: Staff
    worker: Staff
    colleague: Staff
    other_manager: Staff
    outsider: Staff  # a worker in the other team, under the same head
    chairs_manager: Staff
    chair: Staff
    support: Any
    hr: Any
    qa: Any
    admin: Any
    worker_started: dt.date  # the day the worker (and their line management) started
    # The Smith children (smith_children) or the conference children (conference_children),
    # where a test adds them.
    amy: Case | None = None
    ben: Case | None = None
    cara: Case | None = None
    case: Case | None = None
    other_case: Case | None = None
    cp_case_near: Case | None = None
    cp_case_new: Case | None = None

    @property
    def users(self) -> dict[str, Any]:
        """Everyone who signs in, by their part in the council."""
        staff = {
            role: getattr(self, role).user
            for role in (
                "head",
                "manager",
                "worker",
                "colleague",
                "other_manager",
                "outsider",
                "chairs_manager",
                "chair",
            )
        }
        return {**staff, "support": self.support, "hr": self.hr, "qa": self.qa, "admin": self.admin}

    def user(self, who: str | Staff) -> Any:
        return (getattr(self, who) if isinstance(who, str) else who).user

    @property
    def manager_user(self) -> Any:
        return self.manager.user

    @property
    def worker_user(self) -> Any:
        return self.worker.user

    def session(self, day: dt.date | None = None, **kwargs: Any) -> Record:
        """A one-to-one between the manager and the worker (today unless `day` is given)."""
        session = Session.objects.create(
            type=kwargs.pop("type", "individual"),
            date=day or today(),
            supervisor=self.manager,
            supervisee=self.worker,
            **kwargs,
        )
        return Record.of(session)


def council(*, worker_started: dt.date = START, last_supervised: dt.date | None = None) -> Council:
    """Build the council above. `worker_started` is the day the worker joined (and came under
    Tamsin); with `last_supervised`, everyone had a one-to-one with their manager that day."""
    service = ServiceFactory(name="Children's social care")
    team = TeamFactory(name="Court Team 1", service=service)
    other_team = TeamFactory(name="Assessment Team 1", service=service)
    reviewing_team = TeamFactory(name="Safeguarding and Reviewing Unit", service=service)

    def member(staff_id: str, name: str, username: str, **fields: Any) -> Staff:
        staff = StaffFactory(staff_id=staff_id, name=name, **fields)
        sign_in_as(staff, username)
        return staff

    head = member("H1", "Hari Head", "head", category="manager", team=None)
    manager = member("MA", "Tamsin Manager", "manager", category="manager", team=team)
    worker = member("WA", "Wanda Worker", "worker", team=team, start_date=worker_started)
    colleague = member("WA2", "Colin Colleague", "colleague", team=team)
    other_manager = member(
        "MB", "Omar Manager", "other-manager", category="manager", team=other_team
    )
    outsider = member("WB", "Olive Outsider", "outsider", team=other_team)
    chairs_manager = member(
        "CM", "Monika Edwards", "chairs-manager", category="manager", team=reviewing_team
    )
    chair = member("CH", "Efua Edwards", "chair", category="conference_chair", team=reviewing_team)
    for staff, their_manager, since in (
        (manager, head, START),
        (other_manager, head, START),
        (chairs_manager, head, START),
        (worker, manager, worker_started),
        (colleague, manager, START),
        (outsider, other_manager, START),
        (chair, chairs_manager, START),
    ):
        LineManagementFactory(staff=staff, manager=their_manager, start_date=since)
        if last_supervised is not None and staff is not chair:
            supervised(staff, their_manager, last_supervised)
    return Council(
        service=service,
        team=team,
        other_team=other_team,
        reviewing_team=reviewing_team,
        head=head,
        manager=manager,
        worker=worker,
        colleague=colleague,
        other_manager=other_manager,
        outsider=outsider,
        chairs_manager=chairs_manager,
        chair=chair,
        support=user_in_group("support", "Business support"),
        hr=user_in_group("hr", "HR"),
        qa=user_in_group("qa", "Quality assurance"),
        admin=UserFactory(username="admin", password=NO_PASSWORD, is_superuser=True),
        worker_started=worker_started,
    )


def fresh(user: Any) -> Any:
    """The user as a new request loads it: no access cached from an earlier day or change."""
    return get_user_model().objects.get(pk=user.pk)


# Children ---------------------------------------------------------------------------------------


def child(
    worker: Staff,
    *,
    name: str,
    status: str = "child_in_need",
    last_supervised: dt.date | None = None,
    by: Staff | None = None,
) -> Case:
    """A child allocated to `worker` a year ago, supervised last on `last_supervised`."""
    year_ago = today() - 365 * DAY
    case = CaseFactory(display_name=name, open_date=year_ago)
    AllocationFactory(case=case, worker=worker, start_date=year_ago)
    CaseStatusFactory(case=case, status=status, start_date=year_ago)
    if last_supervised is not None:
        supervised(worker, by or worker.line_management.get().manager, last_supervised, (case,))
    return case


def smith_children(org: Council) -> Council:
    """The worker's caseload for the record pages: Amy Smith (child protection plan, the most
    urgent), her brother Ben (child in need) and Cara Jones (child in need, new today)."""
    family = SiblingGroup.objects.create(name="The Smith children")
    org.amy = CaseFactory(display_name="Amy Smith", sibling_group=family, open_date=START)
    org.ben = CaseFactory(display_name="Ben Smith", sibling_group=family, open_date=START)
    org.cara = CaseFactory(display_name="Cara Jones", open_date=today())
    for case in (org.amy, org.ben, org.cara):
        AllocationFactory(case=case, worker=org.worker, start_date=case.open_date)
    CaseStatusFactory(case=org.amy, status="child_protection", start_date=START)
    CaseStatusFactory(case=org.ben, status="child_in_need", start_date=START)
    CaseStatusFactory(case=org.cara, status="child_in_need", start_date=org.cara.open_date)
    return org


def conference_children(org: Council) -> Council:
    """Children for the other-record pages: Milo Grant (the worker's) and Zara Lee (the
    outsider's), and two child protection plans for the chair: Noah Near's approaching 8 months
    (the worker's) and Nina New's only 2 months old (the outsider's)."""
    org.case = CaseFactory(case_id="C-MILO", display_name="Milo Grant")
    AllocationFactory(case=org.case, worker=org.worker)
    org.other_case = CaseFactory(case_id="C-ZARA", display_name="Zara Lee")
    AllocationFactory(case=org.other_case, worker=org.outsider)
    org.cp_case_near = CaseFactory(case_id="C-NEAR", display_name="Noah Near")
    CaseStatusFactory(
        case=org.cp_case_near,
        status="child_protection",
        start_date=add_months(today(), -8) + 3 * DAY,
    )
    AllocationFactory(case=org.cp_case_near, worker=org.worker)
    org.cp_case_new = CaseFactory(case_id="C-NEW", display_name="Nina New")
    CaseStatusFactory(
        case=org.cp_case_new, status="child_protection", start_date=add_months(today(), -2)
    )
    AllocationFactory(case=org.cp_case_new, worker=org.outsider)
    return org


# Supervision and its records --------------------------------------------------------------------


def supervised(staff: Staff, by: Staff, on: dt.date, cases: tuple[Case, ...] = ()) -> Session:
    """A one-to-one that happened and was recorded elsewhere (so it counts, and is not a draft)."""
    session = SessionFactory(supervisee=staff, supervisor=by, date=on, recorded_date=on)
    for case in cases:
        SessionCase.objects.create(session=session, case=case)
    return session


def record(
    supervisor: Staff, supervisee: Staff, on: dt.date, *, case: Case | None = None
) -> Record:
    """A draft one-to-one record written in Oversight, with a case note if `case` is given."""
    session = Record.objects.create(
        type="individual", date=on, supervisor=supervisor, supervisee=supervisee
    )
    if case is not None:
        CaseNoteFactory(session=session, case=case)
    else:
        ProfessionalRecordFactory(session=session)
    return Record.of(session)


def sent(record_: Record, on: dt.date | None = None) -> Record:
    record_.send_to_worker(by=record_.supervisor.user, on=on or record_.date)
    return Record.of(record_)


def action(record_: Record, *, due: dt.date | None, text: str, case: Case | None = None) -> Action:
    return ActionFactory(
        session=record_, owner=record_.supervisee, due_date=due, action=text, case=case
    )


# Agreements -------------------------------------------------------------------------------------

TERMS = {
    "frequency": "14d",
    "session_length": "90 minutes",
    "location": "Meeting room 2, Stratford",
    "recording": "The supervisor writes the record during the session; both sign it on the day.",
    "confidentiality": "Personal matters stay between us unless a child's safety is at risk.",
    "agenda_setting": "Both add items two working days before each session.",
    "mediating_difficulties": "A three-way meeting with the supervisor's line manager.",
    "other_issues": "Group reflective supervision on the first Tuesday of the month.",
}


def signed_agreement(org: Council, **terms: Any) -> Agreement:
    """The worker's agreement with their manager: started, then confirmed by both."""
    return signed_agreement_between(org.worker, org.manager, **terms)


def signed_agreement_between(staff: Staff, supervisor: Staff, **terms: Any) -> Agreement:
    agreement = Agreement.start(staff, supervisor, by=supervisor.user, **{**TERMS, **terms})
    agreement.confirm(by=supervisor.user)
    agreement.confirm(by=staff.user)
    return agreement


# Forms ------------------------------------------------------------------------------------------


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def no_actions(rows: int = 1) -> dict[str, str]:
    """The management form of an action formset with `rows` blank rows."""
    return {
        "actions-TOTAL_FORMS": str(rows),
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
    }


# Documents, made in the test (no fixtures on disk) ----------------------------------------------

# Content types the browser might claim; the app ignores them and reads the content.
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(name: str, content: bytes, content_type: str = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_bytes(padding: int = 0) -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
        b"trailer <</Root 1 0 R>>\n"
    )
    return body + b"%" + b"x" * padding + b"\n%%EOF\n"


def png_bytes() -> bytes:
    """A real 1 by 1 pixel PNG, chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """The start of a JFIF file (what identifies a JPEG), a comment and the end marker."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = b"test image"
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", len(app0) + 2)
        + app0
        + b"\xff\xfe"
        + struct.pack(">H", len(comment) + 2)
        + comment
        + b"\xff\xd9"
    )


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document><w:body><w:p>Plan</w:p></w:body></w:document>",
        }
    )


def xlsx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES.replace(b"word/document", b"xl/workbook"),
            "xl/workbook.xml": b"<workbook/>",
        }
    )


def macro_docx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "word/document.xml": b"<w:document/>",
            "word/vbaProject.bin": b"\x00macro",
        }
    )


def plain_zip_bytes() -> bytes:
    return _zip({"notes.txt": b"hello"})
