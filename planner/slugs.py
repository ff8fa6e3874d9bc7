"""Slugs: the lower-case, hyphenated names that stand in public URLs."""

import re

from slugify import slugify

from planner.db import ValidationError

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 120


def validate_slug(slug: str | None, field: str = "slug") -> str:
    if not slug or not SLUG_PATTERN.fullmatch(slug) or len(slug) > SLUG_MAX_LENGTH:
        raise ValidationError(
            field, "use lower-case letters, digits and single hyphens (e.g. june-vigil-2027)"
        )
    return slug


def make_slug(text: str, max_length: int = 80) -> str:
    """A slug from free text; Baltic letters are transliterated (Brīvības -> brivibas)."""
    return slugify(text, max_length=max_length, word_boundary=True) or "item"
