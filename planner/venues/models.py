"""Venues: the places where events are held, each with its time zone."""

from __future__ import annotations

import math
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from planner.countries import default_timezone, normalise_country, validate_timezone
from planner.db import JSONType, UTCDateTime, ValidationError, now_utc
from planner.extensions import db
from planner.i18n import clean_texts, country_languages, pick
from planner.slugs import validate_slug


def usual_zone(country: str | None) -> str | None:
    """The zone a venue in `country` has unless told otherwise: the country's main zone.

    None for a missing or unknown country (the country's own check names that mistake).
    """
    try:
        return default_timezone(normalise_country(country or ""))
    except (ValidationError, KeyError):
        return None


class Venue(db.Model):
    """A place where events are held: a monument, a museum, a square."""

    __tablename__ = "venues"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="lat"),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="lon"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[dict[str, str]] = mapped_column(JSONType)
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), index=True)
    # Unknown coordinates stay NULL rather than a guess.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    timezone: Mapped[str] = mapped_column(String(64))
    accessibility_notes: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    def __init__(self, **kwargs):
        # The zone defaults from the country; an explicit zone overrides it.
        if not kwargs.get("timezone") and kwargs.get("country"):
            kwargs["timezone"] = usual_zone(kwargs["country"])
        super().__init__(**kwargs)

    @validates("slug")
    def _check_slug(self, _key: str, value: str) -> str:
        return validate_slug(value)

    @validates("name")
    def _check_name(self, _key: str, value: dict[str, str]) -> dict[str, str]:
        return clean_texts("name", value, required=True)

    @validates("accessibility_notes")
    def _check_notes(self, _key: str, value: dict[str, str]) -> dict[str, str]:
        return clean_texts("accessibility_notes", value, required=False)

    @validates("country")
    def _check_country(self, _key: str, value: str) -> str:
        return normalise_country(value)

    @validates("timezone")
    def _check_timezone(self, _key: str, value: str) -> str:
        return validate_timezone(value)

    @validates("latitude", "longitude")
    def _check_coordinate(self, key: str, value: float | None) -> float | None:
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(key, "must be a number") from None
        limit = 90 if key == "latitude" else 180
        if not math.isfinite(number) or not -limit <= number <= limit:
            raise ValidationError(key, f"must be between -{limit} and {limit}")
        return number

    def __repr__(self) -> str:
        return f"<Venue {self.slug}>"

    def display_name(self, lang: str | None = None) -> str:
        return pick(self.name, lang, country_languages([self.country]))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def location_line(self, lang: str | None = None) -> str:
        """Name and address on one line, as a calendar's LOCATION shows it."""
        parts = [self.display_name(lang), self.address]
        if self.city and self.city not in self.address:
            parts.append(self.city)
        return ", ".join(part for part in parts if part)

    def map_url(self) -> str | None:
        """The place on OpenStreetMap (a plain link: no third-party scripts or tiles)."""
        if not self.has_coordinates:
            return None
        query = urlencode({"mlat": f"{self.latitude:.5f}", "mlon": f"{self.longitude:.5f}"})
        return f"https://www.openstreetmap.org/?{query}#map=17/{self.latitude:.5f}/{self.longitude:.5f}"
