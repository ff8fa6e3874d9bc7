"""iCalendar feeds: building calendars (ical.py), the feed window, the cache and the .ics routes."""
