"""The API's JSON shapes, declared once (pydantic v2).

The serializers build these models, and the OpenAPI document's `components/schemas` are
generated from them, so an answer and its description cannot drift apart. Field names are a
contract: add fields, never rename them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic.json_schema import models_json_schema

from planner.api.params import MAX_PER_PAGE
from planner.events.models import EventKind, EventStatus, HostRole

Slug = Annotated[str, Field(pattern="^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Country = Annotated[str, Field(pattern="^[A-Z]{2}$")]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
Instant = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
Zone = Annotated[str, Field(description="An IANA time zone name.")]
Year = Annotated[int | None, Field(ge=1)]
Anniversary = Annotated[int | None, Field(ge=1)]
Kind = Literal[tuple(kind.value for kind in EventKind)]  # type: ignore[valid-type]
PublicStatus = Literal[  # type: ignore[valid-type]
    tuple(status.value for status in EventStatus if status != EventStatus.DRAFT)
]
HostRoleName = Literal[tuple(role.value for role in HostRole)]  # type: ignore[valid-type]


class Shape(BaseModel):
    """Every field is always present (null when empty), and nothing else is."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class Problem(Shape):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=False)

    type: str
    title: str
    status: int
    detail: str = ""
    parameter: str = Field("", description="The request parameter at fault, for a 400.")


class EventVenue(Shape):
    slug: Slug
    name: str
    address: str
    city: str
    country: Country
    latitude: Annotated[float | None, Field(ge=-90, le=90)]
    longitude: Annotated[float | None, Field(ge=-180, le=180)]
    timezone: Zone


class Venue(EventVenue):
    accessibility_notes: str | None
    url: Url


class EventOrganisation(Shape):
    slug: Slug
    name: str
    role: HostRoleName


class Organisation(Shape):
    slug: Slug
    name: str
    description: str | None
    website: Annotated[str | None, WithJsonSchema({"type": ["string", "null"], "format": "uri"})]
    country: Country
    city: str
    url: Url


class EventCommemoration(Shape):
    slug: Slug
    name: str
    anniversary: Anniversary = Field(
        description="Which anniversary the event's day is; null when the year remembered "
        "is unknown."
    )


class Occurrence(Shape):
    date: Day
    anniversary: Anniversary


class Commemoration(Shape):
    slug: Slug
    name: str
    description: str | None
    rrule: str = Field(description="An RFC 5545 yearly RRULE.")
    countries: Annotated[list[Country], Field(min_length=1)]
    remembered_year: Year
    first_observed_year: Year
    next_occurrences: list[Occurrence] = Field(
        description="The coming days of remembrance, today's included."
    )
    url: Url


class Event(Shape):
    slug: Slug
    title: str
    description: str | None = Field(description="Markdown text, as the organisers wrote it.")
    kind: Kind
    status: PublicStatus
    status_note: str | None
    starts_at: Instant = Field(description="Local time in the event's zone, with its UTC offset.")
    ends_at: Instant
    previous_starts_at: Annotated[
        str | None, WithJsonSchema({"type": ["string", "null"], "format": "date-time"})
    ] = Field(description="For an event postponed to a new time: the start it had before.")
    timezone: Zone
    venue: EventVenue
    organisations: Annotated[list[EventOrganisation], Field(min_length=1)]
    commemoration: EventCommemoration | None
    url: Url
    ics_url: Url
    sequence: Annotated[int, Field(ge=0)]
    updated_at: Instant


NextLink = Annotated[str | None, WithJsonSchema({"type": ["string", "null"], "format": "uri"})]


class Page(Shape):
    """One page of a collection, linking its neighbours."""

    page: Annotated[int, Field(ge=1)]
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE)]
    total: Annotated[int, Field(ge=0)]
    pages: Annotated[int, Field(ge=1)]
    first: Url
    last: Url
    next: NextLink
    prev: NextLink


class EventPage(Page):
    items: list[Event]


class CommemorationPage(Page):
    items: list[Commemoration]


class VenuePage(Page):
    items: list[Venue]


class OrganisationPage(Page):
    items: list[Organisation]


PAGES: dict[type[Shape], type[Page]] = {
    Event: EventPage,
    Commemoration: CommemorationPage,
    Venue: VenuePage,
    Organisation: OrganisationPage,
}
ALL = (Problem, EventVenue, Venue, EventOrganisation, Organisation, EventCommemoration)
ALL += (Occurrence, Commemoration, Event, *PAGES.values())


def _without_titles(schema: Any) -> Any:
    """Pydantic titles every schema after its name; the document names them by key already."""
    if isinstance(schema, dict):
        return {
            key: _without_titles(value)
            for key, value in schema.items()
            if not (key == "title" and isinstance(value, str))
        }
    if isinstance(schema, list):
        return [_without_titles(item) for item in schema]
    return schema


def component_schemas() -> dict[str, Any]:
    """`components/schemas` of the OpenAPI document, generated from the shapes above."""
    _, top = models_json_schema(
        [(shape, "serialization") for shape in ALL],
        ref_template="#/components/schemas/{model}",
    )
    return _without_titles(top["$defs"])
