"""The domain model: validation before anything is written, and the event lifecycle rules."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from planner.audit.models import AuditEntry
from planner.db import ValidationError
from planner.events.models import Event, EventStatus
from planner.events.operations import (
    LifecycleError,
    StaleEditError,
    cancel,
    delete_draft,
    edit_event,
    plan_again,
    postpone,
    publish,
    restore,
)
from planner.extensions import db
from planner.venues.models import Venue
from tests.factories import make_commemoration, make_event, make_organisation, make_venue


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slug", "Not A Slug"),
        ("slug", "double--hyphen"),
        ("country", "XX"),
        ("timezone", "Europe/Atlantis"),
        ("latitude", 91),
        ("longitude", "east"),
        ("name", {}),
        ("name", {"xx": "Unknown language"}),
    ],
)
def test_bad_venue_values_are_refused_naming_the_field(app, field, value):
    values = {"slug": "a-venue", "name": {"en": "A venue"}, "country": "LV", field: value}
    with pytest.raises(ValidationError) as raised:
        Venue(**values)
    assert raised.value.field == field
    assert db.session.execute(select(Venue)).first() is None


def test_venue_zone_defaults_from_country_and_can_be_overridden(app):
    assert make_venue(country="ee", slug="tallinn").timezone == "Europe/Tallinn"
    assert make_venue(country="lv").country == "LV"
    assert make_venue(slug="elsewhere", country="LV", timezone="Europe/Helsinki").timezone == (
        "Europe/Helsinki"
    )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYDAY=MO",
        "FREQ=YEARLY;BYMONTH=13;BYMONTHDAY=1",
        "not a rule",
        "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=14;COUNT=3",
        "",
    ],
)
def test_bad_recurrence_rules_are_refused(app, rule):
    with pytest.raises(ValidationError) as raised:
        make_commemoration(rrule=rule)
    assert raised.value.field == "rrule"


def test_observing_countries_are_validated(app):
    with pytest.raises(ValidationError) as raised:
        make_commemoration(countries=["LV", "ZZ"])
    assert raised.value.field == "countries"


def test_end_before_start_is_refused(app):
    start = datetime(2091, 6, 14, 15, tzinfo=UTC)
    with pytest.raises(ValidationError) as raised:
        make_event(starts_at=start, ends_at=start - timedelta(minutes=1))
    assert raised.value.field == "ends_at"
    db.session.rollback()
    assert db.session.execute(select(Event)).first() is None


def test_naive_datetimes_are_refused(app):
    with pytest.raises(ValidationError):
        make_event(starts_at=datetime(2091, 6, 14, 15))


def test_instants_come_back_time_zone_aware_in_utc(app):
    event = make_event(starts_at=datetime(2091, 6, 14, 18, tzinfo=UTC))
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert stored.starts_at == datetime(2091, 6, 14, 18, tzinfo=UTC)
    assert stored.starts_at.tzinfo is not None
    assert stored.local_start.isoformat() == "2091-06-14T21:00:00+03:00"
    assert stored.local_start_date.isoformat() == "2091-06-14"


def test_slugs_are_unique(app):
    make_venue(slug="same")
    with pytest.raises(Exception, match=r"(?i)unique"):
        make_venue(slug="same")


def test_uid_never_changes(app):
    event = make_event()
    with pytest.raises(ValidationError):
        event.uid = "another@uid"


def test_sequence_starts_at_zero_and_grows_with_published_changes_of_time_place_status(app):
    event = make_event(status=EventStatus.DRAFT)
    hour = timedelta(hours=1)
    edit_event(event, None, starts_at=event.starts_at + hour, ends_at=event.ends_at + hour)
    assert event.sequence == 0, "a draft's changes are not published"
    publish(event, None)
    assert (event.status, event.sequence) == (EventStatus.SCHEDULED, 0)
    edit_event(event, None, title={"en": "A new title"})
    assert event.sequence == 0, "a title is not time, place or status"
    edit_event(event, None, starts_at=event.starts_at + hour, ends_at=event.ends_at + hour)
    assert event.sequence == 1
    edit_event(event, None, venue=make_venue(slug="museum", name={"en": "Museum"}))
    assert event.sequence == 2
    cancel(event, None, note={"en": "Weather"})
    assert (event.status, event.sequence) == (EventStatus.CANCELLED, 3)
    restore(event, None)
    assert (event.status, event.sequence) == (EventStatus.SCHEDULED, 4)


def test_postponing_to_a_new_time_keeps_the_previous_start(app):
    event = make_event()
    old_start = event.starts_at
    postpone(event, None, starts_at=old_start + timedelta(days=1), note={"en": "Moved a day"})
    assert event.status == EventStatus.POSTPONED
    assert event.is_rescheduled
    assert event.previous_starts_at == old_start
    assert event.ends_at - event.starts_at == timedelta(hours=1, minutes=30)


def test_postponing_without_a_new_time(app):
    event = make_event()
    postpone(event, None, note={"en": "New date to follow"})
    assert event.status == EventStatus.POSTPONED
    assert not event.is_rescheduled


def test_only_drafts_can_be_deleted(app):
    draft = make_event(status=EventStatus.DRAFT)
    published = make_event()
    with pytest.raises(LifecycleError):
        delete_draft(published, None)
    delete_draft(draft, None)
    db.session.commit()
    assert db.session.get(Event, draft.id) is None


def test_a_stale_edit_is_refused(app):
    event = make_event()
    opened_version = event.version
    edit_event(event, None, title={"en": "First save"}, expected_version=opened_version)
    db.session.commit()
    with pytest.raises(StaleEditError):
        edit_event(event, None, title={"en": "Second save"}, expected_version=opened_version)
    assert event.display_title() == "First save"


def test_changes_are_audited_with_old_and_new_values(app):
    event = make_event(title={"en": "Vigil"})
    edit_event(event, None, title={"en": "Candle vigil"})
    db.session.commit()
    entries = (
        db.session.execute(
            select(AuditEntry).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id)
        )
        .scalars()
        .all()
    )
    assert [entry.action for entry in entries] == ["created", "published", "edited"]
    assert entries[-1].changes["title"] == [{"en": "Vigil"}, {"en": "Candle vigil"}]


def test_plan_again_copies_to_the_next_occurrence_as_a_draft(app):
    june = make_commemoration()
    organisation = make_organisation()
    event = make_event(
        commemoration=june,
        organisations=[organisation],
        title={"en": "150th anniversary vigil 2091"},
        starts_at=datetime(2091, 6, 14, 15, tzinfo=UTC),  # 18:00 in Riga
    )
    copy = plan_again(event, None)
    assert copy.status == EventStatus.DRAFT
    assert copy.local_start.isoformat() == "2092-06-14T18:00:00+03:00"
    assert copy.display_title() == "151st anniversary vigil 2092"
    assert copy.organisations == [organisation]
    assert copy.uid != event.uid


def test_every_public_write_raises_the_data_version(app):
    from planner.dataversion import current_version

    before, _ = current_version()
    event = make_event()
    after_create, _ = current_version()
    assert after_create > before
    edit_event(event, None, title={"en": "Renamed"})
    db.session.commit()
    assert current_version()[0] > after_create


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("LV", "Europe/Riga"),
        ("LT", "Europe/Vilnius"),
        ("US", "America/New_York"),
        ("ES", "Europe/Madrid"),
        ("UA", "Europe/Kyiv"),
        ("MD", "Europe/Chisinau"),
    ],
)
def test_a_venue_zone_defaults_to_the_country_main_zone(app, country, zone):
    assert Venue(slug="somewhere", name={"en": "Somewhere"}, country=country).timezone == zone
