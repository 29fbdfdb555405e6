from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.cases.demo import create_sample_cases
from banso.core.audit import acting_as
from banso.core.commands import BansoCommand
from banso.demo.sample import DEMO_PASSWORD, create_sample
from banso.hearings.demo import create_sample_hearings
from banso.orgs.loader import load_master
from banso.orgs.models import Municipality
from banso.plans.demo import create_sample_plan
from banso.programs.demo import create_sample_programme
from banso.survey.demo import create_sample_survey
from banso.tracking.demo import create_sample_tracking
from banso.training.demo import create_sample_training


class Command(BansoCommand):
    help = gettext_lazy("Create or refresh the sample prefecture, towns and one login per persona (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--skip-master", action="store_true", help="Do not load the national master data.")

    def handle(self, *args, **options):
        if not options["skip_master"] and not Municipality.objects.filter(is_sample=False).exists():
            counts = load_master()
            self.stdout.write(_("Loaded %(created)s municipalities from the national master data.") % counts)
        with acting_as(None, label="banso demo"):
            logins = create_sample()
            town = Municipality.objects.get(code="999997")
            create_sample_survey(town)
            create_sample_hearings(town)
            create_sample_plan(town)
            create_sample_tracking(town)
            create_sample_training(town)
            create_sample_programme()
            create_sample_cases()
        self.stdout.write(self.style.SUCCESS(_("Sample data is ready (サンプル県, サンプル町, 見本町, 手本町).")))
        self.stdout.write(_("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        for login in logins:
            self.stdout.write(f"  {login['username']:<11} {login['role']}（{login['name']}・{login['where']}）")
        self.stdout.write(f"  {'admin':<11} " + _("operator of this installation (back office /admin/)"))
