"""The interface in Estonian, Latvian and Lithuanian, and catalogues that stay complete."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from flask_babel import force_locale

from planner.events.models import EventKind
from planner.events.planning import suggested_titles
from planner.timeutil import local_to_utc
from tests.factories import make_commemoration, make_event, make_organisation
from tests.manage_support import (
    fast_passwords,  # noqa: F401  (a fixture)
    make_world,
    new_event_data,
    post,
)

TRANSLATIONS = Path(__file__).resolve().parent.parent / "planner" / "translations"
LANGUAGES = ("et", "lv", "lt")
# 18:00 in Riga on 14 June 2091: the 150th anniversary of the June deportation of 1941.
JUNE_2091 = datetime(2091, 6, 14, 15, 0, tzinfo=UTC)
NAV_EVENTS = {"en": "Events", "et": "Üritused", "lv": "Pasākumi", "lt": "Renginiai"}
SIGN_IN = {"et": "Logi sisse", "lv": "Pieteikties", "lt": "Prisijungti"}
ANNIVERSARY = {"et": "150. aastapäev", "lv": "150. gadadiena", "lt": "150-osios metinės"}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrs%])")


def text_of(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def nav_link(page: str, label: str) -> bool:
    return re.search(rf'<a href="/events"[^>]*>{re.escape(label)}</a>', page) is not None


@pytest.fixture
def june(app):
    return make_commemoration(
        name={
            "en": "June deportation of 1941",
            "lv": "Komunistiskā genocīda upuru piemiņas diena",
            "et": "Leinapäev",
            "lt": "Gedulo ir vilties diena",
        }
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_speaks_the_chosen_language(client, june, lang):
    page = text_of(client.get(f"/?lang={lang}"))
    assert f'<html lang="{lang}">' in page
    assert nav_link(page, NAV_EVENTS[lang])
    assert not nav_link(page, "Events")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_event_page_names_the_anniversary_in_the_readers_language(client, june, lang):
    event = make_event(
        title={"en": "Candle vigil"},
        commemoration=june,
        starts_at=JUNE_2091,
        kind=EventKind.VIGIL,
    )
    page = text_of(client.get(f"/events/{event.slug}?lang={lang}"))
    assert ANNIVERSARY[lang] in page
    assert f"{june.display_name(lang)}: {ANNIVERSARY[lang]}" in page
    assert "anniversary" not in page
    assert nav_link(page, NAV_EVENTS[lang])


def test_event_page_in_english_keeps_the_english_ordinal(client, june):
    event = make_event(title={"en": "Candle vigil"}, commemoration=june, starts_at=JUNE_2091)
    page = text_of(client.get(f"/events/{event.slug}?lang=en"))
    assert "150th anniversary of the June deportation of 1941" in page


@pytest.mark.parametrize(
    ("lang", "heading", "empty"),
    [
        ("lv", "Gaidāmie pasākumi", "Pasākumi vēl nav plānoti."),
        ("et", "Tulevased üritused", "Üritusi pole veel kavandatud."),
        ("lt", "Būsimi renginiai", "Renginių dar nesuplanuota."),
    ],
)
def test_embed_listing_speaks_the_chosen_language(client, app, lang, heading, empty):
    page = text_of(client.get(f"/embed/events?lang={lang}"))
    assert heading in page
    assert empty in page
    assert "No events" not in page


def test_embed_listing_shows_events_with_kind_and_organisers_in_latvian(client, june):
    organisation = make_organisation(name={"en": "Helsinki-86"})
    make_event(
        title={"en": "Flowers", "lv": "Ziedi pie pieminekļa"},
        commemoration=june,
        starts_at=JUNE_2091.replace(year=2099),
        organisations=[organisation],
    )
    page = text_of(client.get("/embed/events?lang=lv"))
    assert "Ziedi pie pieminekļa" in page
    assert "Rīko" in page
    assert "Organised by" not in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_page_speaks_the_chosen_language(client, app, lang):
    page = text_of(client.get(f"/login?lang={lang}"))
    assert f"<h1>{SIGN_IN[lang]}</h1>" in page
    assert "Forgotten your password?" not in page


def test_the_lang_cookie_keeps_the_choice(client, june):
    response = client.get("/?lang=lt")
    assert "lang=lt" in response.headers.get("Set-Cookie", "")
    page = text_of(client.get("/events"))
    assert nav_link(page, NAV_EVENTS["lt"])
    assert '<html lang="lt">' in page


def test_accept_language_picks_the_language_without_a_choice(client, june):
    page = text_of(client.get("/", headers={"Accept-Language": "et-EE,et;q=0.9,en;q=0.5"}))
    assert nav_link(page, NAV_EVENTS["et"])
    page = text_of(client.get("/", headers={"Accept-Language": "fr,en;q=0.5"}))
    assert nav_link(page, NAV_EVENTS["en"])


def test_a_choice_overrides_accept_language(client, june):
    page = text_of(client.get("/?lang=lv", headers={"Accept-Language": "et"}))
    assert nav_link(page, NAV_EVENTS["lv"])


def test_suggested_titles_fill_every_language(app, june):
    titles = suggested_titles(june, date(2091, 6, 14), EventKind.FLOWER_LAYING)
    assert titles == {
        "en": "Flower-laying — 150th anniversary of the June deportation of 1941",
        "et": "Lillede asetamine — Leinapäev: 150. aastapäev",
        "lv": "Ziedu nolikšana — Komunistiskā genocīda upuru piemiņas diena: 150. gadadiena",
        "lt": "Gėlių padėjimas — Gedulo ir vilties diena: 150-osios metinės",
    }


def test_a_dst_gap_is_explained_in_the_readers_language(app):
    with pytest.raises(ValueError) as caught:
        local_to_utc(date(2091, 3, 25), datetime(2091, 3, 25, 3, 30).time(), "Europe/Riga")
    # The message is worked out when it is shown, in the language of the moment.
    message = caught.value.message
    with force_locale("lv"):
        assert str(message) == (
            "2091. gada 25. martā laika joslā Europe/Riga laika 03:30 nav: tad pulksteņus"
            " pagriež uz priekšu. Izvēlieties citu laiku."
        )
    with force_locale("en"):
        assert str(message).startswith("03:30 does not exist on 25 March 2091 in Europe/Riga")


@pytest.mark.usefixtures("fast_passwords")
def test_the_planning_form_explains_a_clock_change_in_latvian(client, login_as):
    world = make_world()
    login_as(world.editor)
    client.get("/manage/?lang=lv")  # the organiser chooses Latvian; the cookie keeps it
    data = new_event_data(day="2091-10-28", start_time="03:30", end_time="05:00", commemoration="")
    page = post(client, "/manage/events/new", data).get_data(as_text=True)
    assert "2091. gada 28. oktobrī laika joslā Europe/Riga laiks 03:30 pienāk divreiz" in page
    assert "Nekas netika saglabāts." in page
    assert "happens twice" not in page


# --- The catalogues ------------------------------------------------------------------------


def catalogue(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def placeholders(text: str) -> set[tuple[str | None, str]]:
    return set(PLACEHOLDER.findall(text)) - {(None, "%")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    messages = [message for message in catalogue(lang) if message.id]
    assert len(messages) > 400
    untranslated = [
        message.id
        for message in messages
        if not (all(message.string) if message.pluralizable else message.string)
    ]
    assert untranslated == []
    assert [message.id for message in messages if message.fuzzy] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_message(lang):
    wrong = []
    for message in catalogue(lang):
        if not message.id:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        expected = set().union(*(placeholders(text) for text in ids))
        for text in strings:
            # A plural form may leave the number out ("Organiser"); it may add no other.
            found = placeholders(text)
            if found - expected or (not message.pluralizable and found != expected):
                wrong.append((message.id, text))
    assert wrong == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_follow_the_language(lang):
    expected = {"et": 2, "lv": 3, "lt": 3}[lang]
    cat = catalogue(lang)
    assert cat.num_plurals == expected
    plurals = [message for message in cat if message.id and message.pluralizable]
    assert plurals and all(len(message.string) == expected for message in plurals)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogues_are_compiled(lang):
    po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), "run `make install` (or `make test`): it compiles the catalogues"
    assert mo.stat().st_mtime >= po.stat().st_mtime, "the compiled catalogue is out of date"


def test_every_string_in_the_code_is_in_the_catalogues(tmp_path, monkeypatch):
    # The same extraction as `make messages`: a new string that nobody translated fails here.
    root = TRANSLATIONS.parent.parent
    monkeypatch.chdir(root)
    pot = tmp_path / "messages.pot"
    keywords = ["-k", "lazy_gettext", "-k", "_l", "-k", "lazy_ngettext:1,2", "-k", "N_"]
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", "babel.cfg", *keywords, "-o", str(pot), "."]
    )
    with open(pot, "rb") as template:
        in_code = {message.id for message in read_po(template) if message.id}
    assert len(in_code) > 400
    for lang in LANGUAGES:
        in_catalogue = {message.id for message in catalogue(lang) if message.id}
        assert sorted(in_code - in_catalogue, key=str) == [], (
            f"run `make messages`, translate {lang}"
        )
