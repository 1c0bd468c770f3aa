"""Purity object names.

A name component is 1-63 characters of ``[-a-zA-Z0-9]`` starting with a
letter or digit. Structure is added with separators: ``pod::vol`` (pod
member), ``vol.suffix`` (snapshot), ``pg.suffix.vol`` (volume snapshot inside
a protection-group snapshot) and ``SRC:pg`` (replica group on a target).
"""

from __future__ import annotations

import re

from protector.storage.simulator.errors import SimError

MAX_COMPONENT = 63
_COMPONENT = re.compile(r"^[a-zA-Z0-9][-a-zA-Z0-9]{0,62}$")
POD_SEP = "::"


def valid_component(part: str) -> bool:
    return bool(_COMPONENT.match(part))


def check_component(kind: str, part: str, context: str | None = None) -> None:
    if not valid_component(part):
        raise SimError(
            f"Invalid {kind} name '{part}'. Names are 1-{MAX_COMPONENT} characters of "
            "letters, numbers and '-', starting with a letter or number.",
            context or part,
        )


def split_pod(name: str) -> tuple[str | None, str]:
    """``pod::vol`` -> (``pod``, ``vol``); ``vol`` -> (None, ``vol``)."""
    if POD_SEP in name:
        pod, _, rest = name.partition(POD_SEP)
        return pod, rest
    return None, name


def check_object_name(kind: str, name: str) -> tuple[str | None, str]:
    """Validate a user-created volume/pgroup name, optionally pod-qualified."""
    pod, base = split_pod(name)
    if pod is not None:
        check_component("pod", pod, name)
    check_component(kind, base, name)
    return pod, base


def replica_group_name(source_array: str, group: str) -> str:
    """Name of a protection group's replica on its target.

    Groups inside a pod replicate as ``pod:pg``; the others as ``SRC:pg``.
    """
    pod, base = split_pod(group)
    if pod is not None:
        return f"{pod}:{base}"
    return f"{source_array}:{group}"


def glob_match(pattern: str, value: str) -> bool:
    """Purity's only wildcard is ``*``."""
    if "*" not in pattern:
        return pattern == value
    regex = ".*".join(re.escape(p) for p in pattern.split("*"))
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None
