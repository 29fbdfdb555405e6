"""Finding a municipality from what a person typed on the command line."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from banso.orgs.codes import normalize_lg_code
from banso.orgs.models import Municipality


def municipality_for_command(code: str) -> Municipality:
    """Commands run with the operator's rights; a wrong code is a clear error, not a traceback."""
    try:
        six = normalize_lg_code(code)
    except ValidationError as err:
        raise CommandError(err.messages[0]) from err
    municipality: Municipality | None = Municipality.objects.filter(code=six).first()
    if municipality is None:
        raise CommandError(
            _("No municipality has the code %(code)s. Run “banso orgs load” first if the master data is missing.")
            % {"code": six}
        )
    return municipality
