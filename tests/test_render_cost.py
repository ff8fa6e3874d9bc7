"""What a page's rendering keeps for the request (the language, its translations, parsed
locales) follows the language it is rendered in, also when a message is written in another
language inside the request (force_locale, as the submission mails do)."""

from __future__ import annotations

from datetime import date

from flask import render_template_string
from flask_babel import force_locale

from planner.formatting import long_date
from planner.i18n import country_languages, current_language

TEMPLATE = "{{ _('Cancelled') }} {{ ngettext('%(num)d event', '%(num)d events', 2) }}"


def test_the_language_and_its_messages_follow_force_locale(app):
    with app.test_request_context("/?lang=lv"):
        assert current_language() == "lv"
        assert render_template_string(TEMPLATE).startswith("Atcelts ")
        with force_locale("et"):
            assert current_language() == "et"
            assert render_template_string(TEMPLATE).startswith("Ära jäetud ")
            assert long_date(date(2088, 6, 14)) == "esmaspäev, 14. juuni 2088"
        assert current_language() == "lv"
        assert render_template_string(TEMPLATE).startswith("Atcelts ")
    with app.test_request_context("/?lang=en"):
        assert render_template_string(TEMPLATE) == "Cancelled 2 events"
        assert long_date(date(2088, 6, 14)) == "Monday, 14 June 2088"
    assert current_language() == "en"


def test_country_languages_keep_their_order():
    assert country_languages(["ee", "LV", "EE"]) == ("et", "lv")
    assert country_languages(["FI"]) == ("fi",)
