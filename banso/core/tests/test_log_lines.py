"""A refused page is logged as one line; a server error keeps its traceback."""

import logging
import sys

from banso.core.log_filters import ClientErrorsInOneLine


def logged(status: int) -> str:
    try:
        raise RuntimeError("refused")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden: /m/x/", (), sys.exc_info()
        )
    record.status_code = status
    assert ClientErrorsInOneLine().filter(record)
    return logging.Formatter().format(record)


def test_a_refused_page_is_one_line_and_a_server_error_keeps_its_traceback():
    assert logged(403) == "Forbidden: /m/x/"
    assert "Traceback" in logged(500)


def test_the_server_logs_a_403_without_a_traceback(dept_staff, town, caplog):
    from banso.survey.models import SurveyRound

    survey_round = SurveyRound.objects.get(municipality=town)
    # Department staff may not change the round's lists: refused.
    response = dept_staff.post(f"/m/{town.code}/survey/{survey_round.pk}/lists/", {"rename": "1"})
    assert response.status_code == 403
    refused = next(r for r in caplog.records if r.getMessage().startswith("Forbidden"))
    # Django logs it with the exception; the console's filter makes it one line.
    console = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, ClientErrorsInOneLine) for f in h.filters)
    )
    assert console.filter(refused) and "Traceback" not in console.format(refused)
