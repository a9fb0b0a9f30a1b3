"""Marks the before-request hooks that decide who may reach a blueprint, so a test can find every one.

tests/web/test_access_hooks.py walks the URL map and fails on any endpoint whose blueprint has no marked
hook and is not on its short list of public pages. Marking the hook, rather than trusting a naming habit,
means a blueprint added later without one is caught before it is merged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

Hook = TypeVar("Hook", bound=Callable[..., object])

_MARK = "ehcp_access_hook"


def access_hook(hook: Hook) -> Hook:
    """Declare that this before-request hook authenticates the caller and checks what their role may reach."""
    setattr(hook, _MARK, True)
    return hook


def is_access_hook(hook: Callable[..., object]) -> bool:
    return getattr(hook, _MARK, False) is True
