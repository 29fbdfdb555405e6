from django.template.loader import render_to_string

from banso.survey.models import SurveyDepartment, SurveyRound


def home_panel(request, municipality, grant) -> str:
    """The open survey of a municipality: what the DX office should chase, or what a department must send."""
    survey_round = SurveyRound.objects.filter(municipality=municipality, status=SurveyRound.Status.OPEN).first()
    if survey_round is None:
        return ""
    links = request.scope.filter(
        SurveyDepartment.objects.filter(survey_round=survey_round).select_related("department")
    )
    links = list(links)
    waiting = [link for link in links if link.submitted_at is None]
    return render_to_string(
        "survey/partials/home_panel.html",
        {
            "municipality": municipality,
            "survey_round": survey_round,
            "waiting": waiting,
            "total": len(links),
            "manage": grant.manage,
            "own_department": not grant.read_all,
        },
        request=request,
    )
