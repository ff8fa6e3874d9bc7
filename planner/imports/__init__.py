"""Calendar import: an organisation's existing calendar file becomes drafts in the planner.

reading.py turns a file into occurrences (or refuses it with a clear reason, writing nothing);
operations.py plans and applies them through the event operations; models.py remembers which
source UID made which event, so that importing the same file again changes nothing.
"""
