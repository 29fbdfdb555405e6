"""Walk every URL as every persona, with an object of their own and one of a town they may not see.

A route that is missing from ROUTES fails the walk, so a new page cannot be
added without saying who may reach it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from banso.orgs.models import ComprehensivePlanGoal, Department, Municipality, SupportProvider
from banso.survey.models import SurveyRound
from banso.testing import PERSONAS, client_for
from banso.text.models import Synonym

LOGGED_IN = {p for p, user in PERSONAS.items() if user}
READERS = {"town_staff", "dept_staff", "executive", "pref_staff", "advisor"}  # of サンプル町
MANAGERS = {"town_staff"}


@dataclass
class Route:
    kwargs: Callable[[str], dict]  # "own" or "hidden" -> URL kwargs
    allowed: set[str]  # personas who may use it on the own object
    method: str = "get"
    ok: int = 200
    # Personas who see the page but not the action (403 rather than 404).
    forbidden: frozenset = frozenset()
    public: bool = False
    # Personas sent elsewhere instead (the login page sends a logged-in user home).
    redirected: frozenset = frozenset()
    data: Callable[[str], dict] | None = None  # POST body


def town(which):
    return Municipality.objects.get(code="999997" if which == "own" else "999971")


def code(which):
    return {"code": town(which).code}


def dept(which):
    t = town(which)
    return {"code": t.code, "pk": Department.objects.filter(municipality=t).first().pk}


def goal(which):
    t = town(which)
    return {"code": t.code, "pk": ComprehensivePlanGoal.objects.filter(municipality=t).first().pk}


def none(which):
    return {}


def history(which):
    return {"model": "orgs.Department", "pk": dept(which)["pk"]}


def provider(which):
    return {"pk": SupportProvider.objects.first().pk}


def survey(which):
    return {"code": town(which).code, "round_id": SurveyRound.objects.get(municipality=town(which)).pk}


def survey_department(which):
    survey_round = SurveyRound.objects.get(municipality=town(which))
    return {**survey(which), "department_id": survey_round.tasks.first().department_id}


def batch(which):
    survey_round = SurveyRound.objects.get(municipality=town(which))
    return {**survey(which), "batch_id": survey_round.imports.first().pk}


def survey_task(which):
    survey_round = SurveyRound.objects.get(municipality=town(which))
    return {**survey(which), "task_id": survey_round.tasks.first().pk}


def pair(which):
    tasks = SurveyRound.objects.get(municipality=town(which)).tasks.order_by("id")
    return {"a": tasks.first().pk, "b": tasks.last().pk, "verdict": "different"}


def hearing(which):
    from banso.hearings.models import HearingSession

    return {"code": town(which).code, "pk": HearingSession.objects.filter(municipality=town(which)).first().pk}


def challenge(which):
    from banso.hearings.models import Challenge

    # 総務課's challenge: another department than dept_staff's, so department staff get a 404.
    found = Challenge.objects.filter(municipality=town(which), department__name="総務課").first()
    return {"code": town(which).code, "pk": found.pk}


def plan(which):
    from banso.plans.models import Plan

    return {"code": town(which).code, "pk": Plan.objects.get(municipality=town(which)).pk}


def workbook_import(which):
    """A plan workbook import that found problems (the walk must not run one)."""
    from banso.plans.models import WorkbookImport

    found, _created = WorkbookImport.objects.get_or_create(
        municipality=town(which),
        original_name="計画.xlsx",
        defaults={"status": WorkbookImport.Status.HAS_ERRORS, "problems": [{"message": "シートがありません"}]},
    )
    return {"code": town(which).code, "import_id": found.pk}


def document_export(which):
    """A long plan's PDF, asked for by the town's DX officer: the file is theirs alone."""
    from banso.orgs.models import User
    from banso.plans.models import DocumentExport, Plan

    plan = Plan.objects.get(municipality=town(which))
    found, _created = DocumentExport.objects.get_or_create(
        plan=plan, fmt="pdf", requested_by=User.objects.get(username="dx-staff")
    )
    return {"code": town(which).code, "pk": plan.pk, "export_id": found.pk}


def programme_report_file(which):
    """A large programme's report, asked for by the prefecture's staff member who runs it: theirs alone."""
    import datetime as dt

    from banso.orgs.models import User
    from banso.programs.models import ProgrammeReport

    ids = programme(which)
    found, _created = ProgrammeReport.objects.get_or_create(
        programme_id=ids["programme_id"],
        fmt="pdf",
        as_of=dt.date(2026, 4, 1),
        requested_by=User.objects.get(username="pref-staff"),
    )
    return {**ids, "report_id": found.pk}


def phase(which):
    from banso.plans.models import Phase

    return {**plan(which), "phase_id": Phase.objects.filter(plan_id=plan(which)["pk"]).first().pk}


def policy(which):
    from banso.plans.models import Policy

    return {**plan(which), "policy_id": Policy.objects.filter(plan_id=plan(which)["pk"]).first().pk}


def viewpoint(which):
    from banso.plans.models import Viewpoint

    return {**plan(which), "viewpoint_id": Viewpoint.objects.filter(plan_id=plan(which)["pk"]).first().pk}


def export(which):
    return {**plan(which), "fmt": "pdf"}


def _measure(which):
    from banso.plans.models import Measure

    # 総務課's measure with KPIs in サンプル町: department staff of 住民課 do not see it (404).
    found = Measure.objects.filter(plan__municipality=town(which), kpis__isnull=False)
    return found.filter(owner__name="総務課").first() or found.first()


def measure(which):
    return {"code": town(which).code, "measure_id": _measure(which).pk}


def kpi(which):
    return {**measure(which), "kpi_id": _measure(which).kpis.first().pk}


def measure_tag(which):
    return {"tag": _measure(which).tags.first().pk, "decision": "confirm"}


def tracked(which):
    from banso.tracking.models import ReportingPeriod

    period = ReportingPeriod.objects.filter(municipality=town(which), updates__isnull=False).first()
    measure = period.updates.filter(measure__owner__name="住民課").first() or period.updates.first()
    return {"code": town(which).code, "period_id": period.pk, "measure_id": measure.measure_id}


def period_of_town(which):
    from banso.tracking.models import ReportingPeriod

    return {
        "code": town(which).code,
        "period_id": ReportingPeriod.objects.filter(municipality=town(which)).first().pk,
    }


def pending_update(which):
    from banso.tracking.models import MeasureUpdate

    found = MeasureUpdate.objects.filter(period__municipality=town(which), state="submitted").first()
    return {"code": town(which).code, "update_id": found.pk}


def evidence_update(which):
    from django.core.files.base import ContentFile

    from banso.tracking.models import MeasureUpdate

    found = MeasureUpdate.objects.filter(period__municipality=town(which), state="submitted").first()
    found.evidence_file.save("evidence.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    return {"code": town(which).code, "update_id": found.pk}


def course(which):
    from banso.training.models import Course

    return {"code": town(which).code, "course_id": Course.objects.filter(municipality=town(which)).first().pk}


def training_session(which):
    from banso.training.models import Session

    found = Session.objects.filter(course__municipality=town(which)).first()
    return {"code": town(which).code, "session_id": found.pk}


def upload_token(which):
    return {**training_session(which), "token": "0" * 32}


def staff_member(which):
    from banso.training.models import StaffMember

    # Not dept_staff's own record, and in another department than theirs.
    found = StaffMember.objects.filter(municipality=town(which), user__isnull=True).exclude(
        department__name="住民課"
    )
    return {"code": town(which).code, "staff_id": found.first().pk}


def kpi_of_town(which):
    from banso.plans.models import KPI

    # 総務課's KPI: not visible to 住民課's staff.
    found = KPI.objects.filter(measure__plan__municipality=town(which), measure__owner__name="総務課").first()
    found = found or KPI.objects.filter(measure__plan__municipality=town(which)).first()
    return {"code": town(which).code, "kpi_id": found.pk}


def programme(which):
    import datetime as dt

    from banso.programs.models import Participant, Programme

    if which == "own":
        return {"programme_id": Programme.objects.get(owner_prefecture__code="990001").pk}
    # Run by a provider no persona works for, with only 手本町, whom nobody may see.
    provider = SupportProvider.objects.get(name="みほんデジタル合同会社")
    hidden, _created = Programme.objects.get_or_create(
        title="見えない事業",
        owner_provider=provider,
        defaults={"starts_on": dt.date(2026, 4, 1), "ends_on": dt.date(2027, 3, 31)},
    )
    Participant.objects.get_or_create(programme=hidden, municipality=town("hidden"), defaults={"theme": "非公開"})
    return {"programme_id": hidden.pk}


def programme_town(which):
    return {**programme(which), "code": town(which).code}


def assignment_of_town(which):
    from banso.orgs.models import AdvisorAssignment

    return {
        "code": town(which).code,
        "assignment_id": AdvisorAssignment.objects.filter(municipality=town(which)).first().pk,
    }


def published_measure(which):
    from banso.plans.models import Measure

    # サンプル町's published measure, adopted into the persona's own town (見本町 for other_town_staff).
    return {
        "code": town(which).code,
        "measure_id": Measure.objects.filter(plan__municipality__code="999997", number="1-1").first().pk,
    }


def code_of(which):
    return {"municipality": town(which).code}


def case_of_town(which):
    from banso.cases.models import Case

    # サンプル町's case waiting for review; 手本町's draft, which nobody else may see.
    return {"pk": Case.objects.filter(municipality=town(which)).first().pk}


def seed_case(which):
    from banso.cases.models import Case

    # A published case for the own town; for "hidden", 手本町's draft.
    found = (
        Case.objects.filter(seed_key="natori-smart-store")
        if which == "own"
        else Case.objects.filter(municipality=town(which))
    )
    return {"pk": found.first().pk}


def department_of_town(which):
    """The department of サンプル町's department staff (住民課): another department's board is theirs to open no more
    than its measures are (banso/tracking/tests/test_dashboards.py)."""
    return {
        "code": town(which).code,
        "department_id": Department.objects.get(
            municipality=town(which), memberships__user__username="dept-staff"
        ).pk
        if which == "own"
        else Department.objects.filter(municipality=town(which)).first().pk,
    }


def review_year(which):
    from banso.plans.models import Plan

    return {"code": town(which).code, "year": Plan.objects.get(municipality=town(which)).start_year}


READ_ONLY = frozenset(READERS - MANAGERS)
TOWN_WIDE = READERS - {"dept_staff"}  # readers of every department's data
NOT_EDITORS = frozenset({"executive", "pref_staff", "advisor"})
ROUTES = {
    "home": Route(none, LOGGED_IN),
    "login": Route(none, {"resident"}, public=True, redirected=frozenset(LOGGED_IN)),
    "logout": Route(none, set(PERSONAS), method="post", ok=302, public=True),
    "set_language": Route(none, set(PERSONAS), method="post", ok=302, public=True),
    "healthz": Route(none, set(PERSONAS), public=True),
    "accounts:account": Route(none, LOGGED_IN),
    "accounts:sign_out_elsewhere": Route(none, LOGGED_IN, method="post", ok=302),
    "accounts:second_factor_setup": Route(none, LOGGED_IN),
    # Without a second factor set up there is nothing to enter: the page sends the user on.
    "accounts:second_factor_verify": Route(none, LOGGED_IN, ok=302),
    # Without the password nothing is removed: back to the account page with a message.
    "accounts:second_factor_remove": Route(none, LOGGED_IN, method="post", ok=302),
    "password_change": Route(none, LOGGED_IN),
    "password_change_done": Route(none, LOGGED_IN),
    "password_reset": Route(none, set(PERSONAS), public=True),
    "password_reset_done": Route(none, set(PERSONAS), public=True),
    "password_reset_confirm": Route(
        lambda which: {"uidb64": "MQ", "token": "no-such-token"}, set(PERSONAS), public=True
    ),
    "password_reset_complete": Route(none, set(PERSONAS), public=True),
    "history": Route(history, READERS),
    # What waits for the user: their own notifications, in every role.
    "notifications": Route(none, LOGGED_IN),
    "notifications_count": Route(none, LOGGED_IN),
    "orgs:municipalities": Route(none, LOGGED_IN),
    "orgs:municipality": Route(code, READERS),
    "orgs:municipality_edit": Route(code, MANAGERS, forbidden=READ_ONLY),
    "orgs:departments": Route(code, READERS),
    "orgs:department": Route(dept, READERS),
    "orgs:department_edit": Route(dept, MANAGERS, forbidden=READ_ONLY),
    "orgs:goal_create": Route(code, MANAGERS, forbidden=READ_ONLY),
    "orgs:goal_edit": Route(goal, MANAGERS, forbidden=READ_ONLY),
    "orgs:goal_delete": Route(goal, MANAGERS, method="post", ok=302, forbidden=READ_ONLY),
    "orgs:members": Route(code, MANAGERS, forbidden=READ_ONLY),
    "orgs:providers": Route(none, LOGGED_IN),
    "orgs:provider": Route(provider, LOGGED_IN),
    "survey:rounds": Route(code, READERS),
    "survey:round_create": Route(code, MANAGERS, forbidden=READ_ONLY),
    "survey:round": Route(survey, READERS),
    "survey:round_edit": Route(survey, MANAGERS, forbidden=READ_ONLY),
    "survey:round_status": Route(survey, MANAGERS, method="post", ok=302, forbidden=READ_ONLY),
    "survey:round_options": Route(survey, MANAGERS, forbidden=READ_ONLY),
    # Department staff see only their own department's sheet: another's is a 404.
    "survey:template": Route(survey_department, TOWN_WIDE),
    "survey:templates_zip": Route(survey, READERS),
    "survey:import_upload": Route(
        survey, {"town_staff", "dept_staff"}, method="post", ok=302, forbidden=NOT_EDITORS
    ),
    "survey:import": Route(batch, TOWN_WIDE),
    # Nobody may accept or map a batch that is already imported.
    "survey:import_accept": Route(batch, set(), method="post", forbidden=NOT_EDITORS | {"town_staff"}),
    # Only an interrupted import runs again; the walk's batch was imported.
    "survey:import_again": Route(batch, set(), method="post", forbidden=NOT_EDITORS | {"town_staff"}),
    "survey:import_rollback": Route(batch, MANAGERS, method="post", ok=302, forbidden=NOT_EDITORS),
    "survey:import_mapping": Route(batch, set(), forbidden=NOT_EDITORS | {"town_staff"}),
    # Words are read as the lists' values only for a mapped file with problems; the walk's batch is imported.
    "survey:import_read_as": Route(batch, set(), method="post", forbidden=NOT_EDITORS | {"town_staff"}),
    # Department staff see the town's totals, and task-level lists of their own department only.
    "survey:analysis": Route(survey, READERS),
    "survey:analysis_export": Route(survey, READERS),
    "survey:chase_export": Route(survey, TOWN_WIDE, forbidden=frozenset({"dept_staff"})),
    "survey:pair_decide": Route(survey, MANAGERS, method="post", ok=302, forbidden=READ_ONLY, data=pair),
    "survey:task_mark": Route(survey_task, MANAGERS, method="post", ok=302, forbidden=READ_ONLY),
    "hearings:hearings": Route(code, READERS),
    "hearings:hearing_create": Route(code, MANAGERS, forbidden=READ_ONLY),
    # The latest hearing is the mayor's: department staff do not see it (404).
    "hearings:hearing": Route(hearing, TOWN_WIDE),
    "hearings:hearing_edit": Route(hearing, MANAGERS, forbidden=NOT_EDITORS),
    "hearings:challenges": Route(code, READERS),
    "hearings:challenge_create": Route(code, MANAGERS, forbidden=READ_ONLY),
    # Another department's challenge is invisible to department staff (404), forbidden to other readers.
    "hearings:challenge_edit": Route(challenge, MANAGERS, forbidden=NOT_EDITORS),
    "hearings:challenge_close": Route(challenge, MANAGERS, method="post", ok=302, forbidden=NOT_EDITORS),
    "hearings:matrix": Route(code, READERS),
    "hearings:similar": Route(code, READERS),
    "hearings:themes": Route(code, MANAGERS, forbidden=READ_ONLY),
    "plans:plans": Route(code, READERS),
    "plans:plan_import_new": Route(code, MANAGERS, forbidden=READ_ONLY),
    "plans:plan_create": Route(code, MANAGERS, forbidden=READ_ONLY),
    "plans:plan": Route(plan, READERS),
    "plans:plan_edit": Route(plan, MANAGERS, forbidden=READ_ONLY),
    "plans:phase_create": Route(plan, MANAGERS, forbidden=READ_ONLY),
    "plans:phase_edit": Route(phase, MANAGERS, forbidden=READ_ONLY),
    "plans:phase_delete": Route(phase, MANAGERS, method="post", ok=302, forbidden=READ_ONLY),
    "plans:policy_create": Route(plan, MANAGERS, forbidden=READ_ONLY),
    "plans:policy_edit": Route(policy, MANAGERS, forbidden=READ_ONLY),
    "plans:policy_delete": Route(policy, MANAGERS, method="post", ok=302, forbidden=READ_ONLY),
    "plans:viewpoint_create": Route(plan, MANAGERS, forbidden=READ_ONLY),
    "plans:viewpoint_edit": Route(viewpoint, MANAGERS, forbidden=READ_ONLY),
    "plans:viewpoint_delete": Route(viewpoint, MANAGERS, method="post", ok=302, forbidden=READ_ONLY),
    "plans:measure_create": Route(plan, MANAGERS, forbidden=READ_ONLY),
    # Department staff see their own department's measures on the roadmap, never another department's.
    "plans:roadmap": Route(plan, READERS),
    "plans:alignment": Route(plan, READERS),
    # Whole-plan documents and versions show every department's measures: town-wide readers only.
    "plans:export": Route(export, TOWN_WIDE, forbidden=frozenset({"dept_staff"})),
    "plans:import": Route(plan, MANAGERS, forbidden=READ_ONLY),
    "plans:workbook_import": Route(workbook_import, MANAGERS, forbidden=READ_ONLY),
    # Only the person who asked for the file sees it; department staff may not read the whole plan.
    "plans:document_export": Route(document_export, MANAGERS, forbidden=frozenset({"dept_staff"})),
    "plans:versions": Route(plan, TOWN_WIDE, forbidden=frozenset({"dept_staff"})),
    "plans:version_diff": Route(plan, TOWN_WIDE, forbidden=frozenset({"dept_staff"})),
    "plans:measure": Route(measure, TOWN_WIDE),
    "plans:measure_edit": Route(measure, MANAGERS, forbidden=NOT_EDITORS),
    "plans:measure_delete": Route(measure, MANAGERS, method="post", ok=302, forbidden=NOT_EDITORS),
    "plans:measure_start": Route(measure, MANAGERS, method="post", ok=302, forbidden=NOT_EDITORS),
    "plans:assessment_save": Route(measure, MANAGERS, method="post", ok=302, forbidden=NOT_EDITORS),
    "plans:kpi_create": Route(measure, MANAGERS, forbidden=NOT_EDITORS),
    "plans:kpi_edit": Route(kpi, MANAGERS, forbidden=NOT_EDITORS),
    "plans:kpi_delete": Route(kpi, MANAGERS, method="post", ok=302, forbidden=NOT_EDITORS),
    "plans:tags_suggest": Route(measure, MANAGERS, method="post", ok=302, forbidden=NOT_EDITORS),
    "plans:tag_decide": Route(measure, MANAGERS, method="post", ok=302, forbidden=NOT_EDITORS, data=measure_tag),
    "plans:tag_add": Route(measure, MANAGERS, method="post", ok=302, forbidden=NOT_EDITORS),
    # Department staff see their own department's measures on every tracking page.
    "tracking:dashboard": Route(code, READERS),
    "tracking:summary": Route(code, READERS),
    "tracking:trends": Route(code, READERS),
    "tracking:department": Route(department_of_town, READERS),
    "tracking:annual_review": Route(review_year, TOWN_WIDE, forbidden=frozenset({"dept_staff"})),
    "tracking:inbox": Route(code, READERS),
    "tracking:periods": Route(code, READERS),
    # 住民課's measure: its own staff report on it; readers who are not its editors are refused.
    "tracking:update": Route(tracked, {"town_staff", "dept_staff"}, forbidden=NOT_EDITORS),
    # The period grid lists only what the user reports on; those who report on nothing are refused.
    "tracking:grid": Route(period_of_town, {"town_staff", "dept_staff"}, forbidden=NOT_EDITORS),
    "tracking:grid_download": Route(period_of_town, {"town_staff", "dept_staff"}, forbidden=NOT_EDITORS),
    "tracking:settings": Route(code, MANAGERS, forbidden=READ_ONLY),
    "tracking:reviews": Route(code, MANAGERS, forbidden=READ_ONLY),
    "tracking:reminders": Route(code, MANAGERS, forbidden=READ_ONLY),
    # 保健福祉課's pending update: invisible to 住民課's staff.
    "tracking:review": Route(pending_update, MANAGERS, method="post", ok=302, forbidden=NOT_EDITORS),
    "tracking:publication": Route(code, MANAGERS, forbidden=READ_ONLY),
    "tracking:automatic": Route(kpi_of_town, MANAGERS, forbidden=NOT_EDITORS),
    # The signal a typed value would give: whoever may read the KPI (総務課's: not 住民課's staff).
    "tracking:live_signal": Route(kpi_of_town, TOWN_WIDE),
    # 保健福祉課's update with a file: town-wide readers download it, 住民課's staff cannot see it.
    "tracking:evidence": Route(evidence_update, TOWN_WIDE),
    "training:home": Route(code, READERS),
    "training:course_create": Route(code, MANAGERS, forbidden=READ_ONLY),
    "training:course": Route(course, READERS),
    "training:course_edit": Route(course, MANAGERS, forbidden=READ_ONLY),
    "training:session": Route(training_session, READERS),
    # Without a file the upload goes back to the session with a message.
    "training:questionnaire_upload": Route(training_session, MANAGERS, method="post", ok=302, forbidden=READ_ONLY),
    # A column-mapping page exists only for a file just uploaded in the same session.
    "training:questionnaire_map": Route(upload_token, set(), forbidden=READ_ONLY),
    # Names and training records: the DX office, and each person their own (tested in banso/training).
    "training:staff": Route(code, MANAGERS, forbidden=READ_ONLY),
    "training:staff_detail": Route(staff_member, MANAGERS, forbidden=NOT_EDITORS),
    "training:helpdesk": Route(code, READERS),
    # Without topics to merge it goes back to the help desk with a message.
    "training:helpdesk_topics": Route(code, MANAGERS, method="post", ok=302, forbidden=READ_ONLY),
    # Programmes are listed to whoever takes part: the prefecture, the towns, the providers.
    "programs:programmes": Route(none, LOGGED_IN),
    "programs:programme_create": Route(none, {"pref_staff"}, forbidden=frozenset(LOGGED_IN - {"pref_staff"})),
    # サンプル県's programme: its prefecture, its towns' members and its provider's advisor see it.
    "programs:programme": Route(programme, READERS | {"other_town_staff"}),
    "programs:programme_edit": Route(
        programme, {"pref_staff"}, forbidden=frozenset(READERS | {"other_town_staff"} - {"pref_staff"})
    ),
    "programs:participant_add": Route(
        programme,
        {"pref_staff"},
        method="post",
        ok=302,
        forbidden=frozenset(READERS | {"other_town_staff"} - {"pref_staff"}),
    ),
    "programs:meeting_create": Route(
        programme, {"pref_staff"}, forbidden=frozenset(READERS | {"other_town_staff"} - {"pref_staff"})
    ),
    "programs:joint_goal_add": Route(
        programme,
        {"pref_staff"},
        method="post",
        ok=302,
        forbidden=frozenset(READERS | {"other_town_staff"} - {"pref_staff"}),
    ),
    # A town's DX office enters its own values for the joint goals.
    "programs:joint_values": Route(programme_town, MANAGERS, forbidden=READ_ONLY),
    # Every town's status in one document: for the programme's owner.
    "programs:programme_report": Route(
        programme, {"pref_staff"}, forbidden=frozenset(READERS | {"other_town_staff"} - {"pref_staff"})
    ),
    "programs:programme_report_file": Route(
        programme_report_file,
        {"pref_staff"},
        forbidden=frozenset(READERS | {"other_town_staff"} - {"pref_staff"}),
    ),
    "programs:support": Route(code, READERS),
    # The advisor's own report, and town-wide readers'; department staff may not.
    "programs:advisor_report": Route(assignment_of_town, TOWN_WIDE, forbidden=frozenset({"dept_staff"})),
    # Only a town's DX office adopts, into its own plan.
    "programs:adopt": Route(published_measure, {"town_staff"}, method="post", ok=302, forbidden=READ_ONLY),
    # The case library: every member reads the published cases; a town's own cases in review are read by its
    # readers and reviewed by the prefecture or the advisor; only the town's DX office writes and adopts.
    "cases:library": Route(none, LOGGED_IN - {"no_membership"}, forbidden=frozenset({"no_membership"})),
    "cases:case": Route(case_of_town, READERS),
    "cases:case_edit": Route(case_of_town, {"town_staff"}, ok=302, forbidden=READ_ONLY),
    "cases:case_status": Route(
        case_of_town,
        {"pref_staff", "advisor"},
        method="post",
        ok=302,
        forbidden=frozenset({"town_staff", "dept_staff", "executive"}),
        data=lambda which: {"action": "publish"},
    ),
    # The first press asks which 方針 the draft goes under.
    "cases:case_adopt": Route(
        seed_case, {"town_staff"}, method="post", ok=200, forbidden=READ_ONLY, data=lambda which: code_of(which)
    ),
    "cases:town_cases": Route(code, READERS),
    "cases:case_create": Route(code, {"town_staff"}, forbidden=READ_ONLY),
    "cases:recommended": Route(code, READERS),
    "cases:similar": Route(code, READERS),
    "cases:measure_to_case": Route(measure, {"town_staff"}, method="post", ok=302, forbidden=NOT_EDITORS),
    # Residents' pages: what a town published is for everyone, logged in or not.
    "public:progress": Route(code, set(PERSONAS), public=True),
    "public:open_data": Route(lambda which: {**code(which), "fmt": "csv"}, set(PERSONAS), public=True),
}


def route_names(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the operator's back office: see test_it_keeps_the_back_office_for_the_operator
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from route_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def test_it_knows_who_may_reach_every_route():
    missing = sorted(set(route_names()) - set(ROUTES))
    assert not missing, f"add these routes to ROUTES with who may reach them: {missing}"


@pytest.fixture(autouse=True)
def documents_unrendered(monkeypatch):
    """The walk checks who may reach each route; rendering a PDF or Word file per persona would only repeat what
    each document's own test checks once (the document is still composed from the data, just not typeset)."""
    from banso.core import documents

    monkeypatch.setattr(documents, "pdf_bytes", lambda document: b"%PDF-1.7 (not rendered in the URL walk)")
    monkeypatch.setattr(documents, "docx_bytes", lambda document: b"PK (not rendered in the URL walk)")


def _call(client, route, name, which):
    url = reverse(name, kwargs=route.kwargs(which))
    if route.method == "post":
        return client.post(url, route.data(which) if route.data else {})
    return client.get(url)


CASES = [(name, persona) for name in ROUTES for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_it_lets_each_persona_reach_only_their_own(db, name, persona):
    route = ROUTES[name]
    client = client_for(persona)
    response = _call(client, route, name, "own")
    if persona == "resident" and not route.public:
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    elif persona in route.redirected:
        assert response.status_code == 302
    elif persona in route.allowed:
        assert response.status_code == route.ok, response.content[:500]
    elif persona in route.forbidden:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


SCOPED = [
    (name, persona)
    for name, r in ROUTES.items()
    if r.kwargs not in (none, provider) and not r.public
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "persona"), SCOPED)
def test_it_hides_another_towns_objects_behind_a_404(db, name, persona):
    route = ROUTES[name]
    response = _call(client_for(persona), route, name, "hidden")
    if persona == "resident":
        assert response.status_code == 302
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_it_keeps_the_back_office_for_the_operator(db, persona):
    # The index, and the town's words (ADR 23), which change matching for every town.
    for url in (
        reverse("admin:index"),
        reverse("admin:text_synonym_changelist"),
        reverse("admin:text_synonym_add"),
    ):
        response = client_for(persona).get(url)
        assert response.status_code == 302
        assert "login/" in response["Location"]  # the back office's sign-in, or the site's for a resident
    posted = client_for(persona).post(reverse("admin:text_synonym_add"), {"variant": "雪かき", "form": "除雪"})
    assert posted.status_code == 302
    assert not Synonym.objects.exists()
