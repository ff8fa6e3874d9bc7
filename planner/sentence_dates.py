"""Dates written inside a sentence, in the grammatical form the sentence needs.

CLDR gives the forms a calendar heading uses: Latvian "pirmdiena, 2027. gada 14. jūnijs",
Estonian "esmaspäev, 14. juuni 2027", Lithuanian "2027 m. birželio 14 d., pirmadienis". A
sentence saying *when* something happens needs another case, which CLDR does not have:

- Latvian: locative, "pirmdien, 2027. gada 14. jūnijā" (the weekday as its adverb of time);
- Estonian: adessive, "esmaspäeval, 14. juunil 2027";
- Lithuanian: the date stays as written, the weekday takes the accusative: "2027 m. birželio
  14 d., pirmadienį";
- English: "Monday, 14 June 2027".
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date

from planner.i18n import current_language

# Index 0 is January / Monday (date.month - 1, date.weekday()).
_LV_MONTHS_LOCATIVE = (
    "janvārī",
    "februārī",
    "martā",
    "aprīlī",
    "maijā",
    "jūnijā",
    "jūlijā",
    "augustā",
    "septembrī",
    "oktobrī",
    "novembrī",
    "decembrī",
)
_LV_WEEKDAYS_WHEN = (
    "pirmdien",
    "otrdien",
    "trešdien",
    "ceturtdien",
    "piektdien",
    "sestdien",
    "svētdien",
)
_ET_MONTHS_ADESSIVE = (
    "jaanuaril",
    "veebruaril",
    "märtsil",
    "aprillil",
    "mail",
    "juunil",
    "juulil",
    "augustil",
    "septembril",
    "oktoobril",
    "novembril",
    "detsembril",
)
_ET_WEEKDAYS_ADESSIVE = (
    "esmaspäeval",
    "teisipäeval",
    "kolmapäeval",
    "neljapäeval",
    "reedel",
    "laupäeval",
    "pühapäeval",
)
_LT_WEEKDAYS_ACCUSATIVE = (
    "pirmadienį",
    "antradienį",
    "trečiadienį",
    "ketvirtadienį",
    "penktadienį",
    "šeštadienį",
    "sekmadienį",
)


def date_in_sentence(day: date | datetime, lang: str | None = None, *, weekday: bool = True) -> str:
    """`day` as a sentence about *when* needs it ("Events on …", "It was planned for …").

    The catalogue's sentence supplies the rest ("Pasākumi %(date)s" → "Pasākumi pirmdien,
    2027. gada 14. jūnijā"); with `weekday=False` the weekday is left out."""
    if isinstance(day, datetime):
        day = day.date()
    lang = lang or current_language()
    if lang == "lv":
        text = f"{day.year}. gada {day.day}. {_LV_MONTHS_LOCATIVE[day.month - 1]}"
        return f"{_LV_WEEKDAYS_WHEN[day.weekday()]}, {text}" if weekday else text
    if lang == "et":
        text = f"{day.day}. {_ET_MONTHS_ADESSIVE[day.month - 1]} {day.year}"
        return f"{_ET_WEEKDAYS_ADESSIVE[day.weekday()]}, {text}" if weekday else text
    if lang == "lt":
        text = format_date(day, "long", locale="lt")  # "2027 m. birželio 14 d."
        return f"{text}, {_LT_WEEKDAYS_ACCUSATIVE[day.weekday()]}" if weekday else text
    return format_date(day, "full" if weekday else "long", locale="en_GB")
