"""Two people save the same record: the second is told, and keeps what they typed. Walks every edit form."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from banso.testing import client_for
from tests.test_url_walk import ROUTES

CONFLICT = "編集している間に"


class Forms(HTMLParser):
    """The forms of a page with the values a browser would send (text, hidden, checked boxes, selected options)."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea, self.visible = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = {
                "action": a.get("action"),
                "method": a.get("method", "get"),
                "data": {},
                "texts": [],
                "numbers": [],
            }
            self.forms.append(self.current)
        if self.current is None:
            return
        data = self.current["data"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    data.setdefault(a["name"], []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                data.setdefault(a["name"], []).append(a.get("value", ""))
                if kind == "text":
                    self.current["texts"].append(a["name"])
                elif kind == "number":
                    self.current["numbers"].append(a["name"])
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            data.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in a:
            data[self.select].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self.textarea = a["name"]
            data[self.textarea] = [""]
            self.current["texts"].append(a["name"])

    def handle_data(self, text):
        if self.textarea:
            self.current["data"][self.textarea][0] += text

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None


def edit_form(client, url):
    page = Forms()
    page.feed(client.get(url).content.decode())
    return next((f for f in page.forms if "edit_base" in f["data"]), None)


def errors(response):
    return re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', response.content.decode(), flags=re.S)[:5]


def with_text(form, name, text):
    data = {k: v for k, v in form["data"].items() if k != "csrfmiddlewaretoken"}
    data[name] = [text]
    return data


# Every page that edits one existing record: the routes named *_edit and the pages that are one record's form.
# The KPI's data-source form is checked by itself below (its values must name real data); the owners' progress
# update has its own revision number (tracking.services.update_save), tested in banso/tracking.
EDIT_ROUTES = sorted(
    name
    for name, route in ROUTES.items()
    if route.method == "get"
    and route.ok == 200
    and "town_staff" in route.allowed
    and ("edit" in name or name in ("tracking:settings", "hearings:themes", "tracking:publication"))
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", EDIT_ROUTES)
def test_a_second_save_of_a_changed_record_is_refused_and_keeps_the_input(name):
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs("own"))
    first, second = client_for("town_staff"), client_for("town_staff")
    mine, theirs = edit_form(first, url), edit_form(second, url)
    if mine is None:
        pytest.skip(f"{name} creates a record, or edits no single record")
    target = theirs["action"] or url
    if mine["texts"]:
        # The field with the longest text (a title or a description): it takes a few more words.
        field = max(mine["texts"], key=lambda n: len(mine["data"][n][0]))
        original = mine["data"][field][0].strip()
        first_value, second_value, third_value = (
            f"{original} 先に保存した版",
            f"{original} 後から保存した版",
            f"{original} 見比べて保存した版",
        )
        first_mark, second_mark = "先に保存した版", "後から保存した版"
    else:  # a page of numbers only (settings)
        field = mine["numbers"][0]
        original = int(mine["data"][field][0] or 0)
        first_value, second_value, third_value = str(original + 1), str(original + 2), str(original + 3)
        first_mark, second_mark = f"{original + 1}", f'value="{original + 2}"'

    saved = second.post(target, with_text(theirs, field, first_value))
    assert saved.status_code == 302, f"{name}: the first save should go through: {errors(saved)}"

    refused = first.post(target, with_text(mine, field, second_value))
    text = refused.content.decode()
    assert refused.status_code == 200, f"{name}: the second save overwrote the first"
    assert CONFLICT in text
    assert second_mark in text  # what the second person typed is still in the form
    # And the value saved meanwhile is shown beside it.
    assert re.search("現在保存されている値：[^<]*" + re.escape(first_mark), text), errors(refused)

    # Having seen it, saving again goes through.
    again = Forms()
    again.feed(text)
    form = next(f for f in again.forms if "edit_base" in f["data"])
    assert first.post(target, with_text(form, field, third_value)).status_code == 302


def test_the_walk_covers_the_forms_the_issue_named():
    for name in ("hearings:hearing_edit", "orgs:department_edit", "orgs:municipality_edit", "orgs:goal_edit"):
        assert name in EDIT_ROUTES


def test_a_form_opened_from_a_records_values_refuses_them_changed_meanwhile():
    """Forms that are not model forms (the KPI's data source here) compare the values their view read."""
    from banso.tracking.forms import AutomaticForm

    opened = AutomaticForm(initial={"source_key": "", "parameter": ""})
    base = opened.initial["edit_base"]
    # Meanwhile someone bound the KPI to a survey task: the view now reads those values.
    now = {"source_key": "survey_task_hours", "parameter": "窓口の証明書交付"}
    mine = AutomaticForm({"source_key": "", "parameter": "", "edit_base": base}, initial=now)
    assert not mine.is_valid()
    assert "編集している間に" in str(mine.non_field_errors())
    assert "窓口の証明書交付" in str(mine.errors["parameter"])
    # Sent again as it came back (with the fresh base), it goes through.
    again = AutomaticForm({"source_key": "", "parameter": "", "edit_base": mine.data["edit_base"]}, initial=now)
    assert again.is_valid()
    assert "edit_base" not in again.cleaned_data
