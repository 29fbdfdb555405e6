"""Every label a user reads is Japanese: form fields (their labels, help texts and choices), the back office's
fields, and the labels of every page of the URL walk as the persona who may open it.

A label with no Japanese in it is either a msgid without a translation or a field that never got a name (Django
then shows the attribute's name: 「Department」). Words that are Japanese officers' own (KPI, DX, Excel …) pass.
"""

import importlib
import inspect
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib import admin
from django.forms.utils import pretty_name
from django.urls import reverse
from django.utils import translation

from banso.testing import client_for
from tests.test_url_walk import ROUTES, documents_unrendered  # noqa: F401  (the fixture, used by name)

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
# Words written in Latin letters in Japanese municipal documents themselves.
OWN_WORDS = {"KPI", "DX", "Excel", "PDF", "Word", "CSV", "URL", "LINE", "ID", "LGWAN", "QR"}
FORM_MODULES = [
    "banso.accounts.forms",
    "banso.cases.forms",
    "banso.core.forms",
    "banso.hearings.forms",
    "banso.orgs.forms",
    "banso.plans.forms",
    "banso.programs.forms",
    "banso.survey.forms",
    "banso.tracking.forms",
    "banso.training.forms",
]


def untranslated(text) -> bool:
    text = str(text or "").strip()
    words = set(re.findall(r"[A-Za-z][A-Za-z-]+", text))
    return bool(words - OWN_WORDS) and not JAPANESE.search(text)


def field_texts(name, field):
    yield "label", field.label if field.label is not None else pretty_name(name)
    yield "help text", field.help_text
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField):
        for _value, label in choices:
            if not isinstance(label, list | tuple):  # a group's options are checked as they are
                yield "choice", label


def test_every_form_field_has_a_japanese_label_help_text_and_choices():
    found = []
    with translation.override("ja"):
        for module_name in FORM_MODULES:
            module = importlib.import_module(module_name)
            for class_name, form in inspect.getmembers(module, inspect.isclass):
                if not issubclass(form, forms.BaseForm) or form.__module__ != module_name:
                    continue
                for name, field in form.base_fields.items():
                    if isinstance(field.widget, forms.HiddenInput):
                        continue
                    found += [
                        f"{class_name}.{name} {kind}: {text}"
                        for kind, text in field_texts(name, field)
                        if untranslated(text)
                    ]
    assert found == []


def test_every_field_of_the_back_office_has_a_japanese_name():
    found = []
    with translation.override("ja"):
        for model in admin.site._registry:
            if not model.__module__.startswith("banso."):
                continue
            for field in model._meta.get_fields():
                if getattr(field, "editable", False) and not field.auto_created:
                    texts = [field.verbose_name, *(label for _value, label in field.choices or [])]
                    found += [f"{model._meta.label}.{field.name}: {t}" for t in texts if untranslated(t)]
    assert found == []


class Labels(HTMLParser):
    """The own text of every <label> and <legend> of a page: not the text of elements inside it (「必須」 marks)."""

    VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.texts, self.open, self.inside = [], False, 0

    def handle_starttag(self, tag, attrs):
        if tag in ("label", "legend"):
            self.open, self.inside = True, 0
            self.texts.append("")
        elif self.open and tag not in self.VOID:
            self.inside += 1

    def handle_endtag(self, tag):
        if tag in ("label", "legend"):
            self.open = False
        elif self.open and self.inside:
            self.inside -= 1

    def handle_data(self, data):
        if self.open and not self.inside:
            self.texts[-1] += data


PAGES = sorted(
    name
    for name, route in ROUTES.items()
    if route.method == "get" and route.ok == 200 and (route.allowed - {"operator"} or route.public)
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_every_label_of_every_page_is_japanese(name):
    route = ROUTES[name]
    persona = next(iter(sorted(route.allowed - {"operator"})), "resident")
    response = client_for(persona).get(reverse(name, kwargs=route.kwargs("own")), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    page = Labels()
    page.feed(response.content.decode())
    assert [" ".join(t.split()) for t in page.texts if untranslated(t)] == []
