"""Config files of the lab's services, written from dicts."""

from __future__ import annotations

import configparser
import io
from collections.abc import Mapping
from pathlib import Path

Sections = Mapping[str, Mapping[str, object]]


def render(sections: Sections) -> str:
    # No interpolation: endpoint templates carry '%(project_id)s' verbatim.
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep key case
    for name, options in sections.items():
        if name != "DEFAULT":
            parser.add_section(name)
        for key, value in options.items():
            if value is None:
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            parser.set(name, key, str(value))
    out = io.StringIO()
    parser.write(out)
    return out.getvalue()


def write(path: Path, sections: Sections) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(sections)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def keystone_auth(site_ip: str, username: str, password: str) -> dict[str, object]:
    """A [keystone_authtoken]-style section for a service user of the site."""
    url = f"http://{site_ip}:5000/v3"
    return {
        "www_authenticate_uri": url,
        "auth_url": url,
        "auth_type": "password",
        "username": username,
        "password": password,
        "project_name": "service",
        "user_domain_name": "Default",
        "project_domain_name": "Default",
    }
