"""Helpers shared by the capabilities' write services."""

from typing import Any

from banso.core.types import M


def save_validated(instance: M, **values: Any) -> M:
    """Set the values (text trimmed), run the model's own validation, save, and return the instance.

    Services check their domain rules first; this is the last step every simple write shares, so that the
    database constraints and field validators speak before anything is stored.
    """
    for key, value in values.items():
        setattr(instance, key, value.strip() if isinstance(value, str) else value)
    instance.full_clean()
    instance.save()
    return instance
