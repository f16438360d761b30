"""The browser tab's icon comes from this app, whatever folder the server was started in.

A page icon Streamlit cannot open as an image is sent to the browser as text, without
an error: a path relative to the working folder breaks the icon as soon as someone
starts the app from elsewhere. And a classroom may be offline, so nothing the app
serves may point at a font or icon host on the internet.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from tests.support.apptest import ROOT, open_page

HOST = re.compile(r"(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})", re.IGNORECASE)
ALLOWED_HOSTS = {"www.w3.org"}  # the SVG namespace: a name, never fetched


def test_the_icon_is_found_from_another_folder(bundled_sample_only, monkeypatch, tmp_path):
    asked = []
    real = st.set_page_config

    def spy(*args, **kwargs):
        asked.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(st, "set_page_config", spy)
    monkeypatch.chdir(tmp_path)  # started from somewhere else
    open_page()
    icon = Path(asked[0]["page_icon"])
    assert icon.is_absolute() and icon.is_file()
    assert icon == ROOT / "ui" / "assets" / "icon.png"
    assert icon.read_bytes().startswith(b"\x89PNG")


def test_no_external_font_or_icon_host():
    sources = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py"))]
    sources.append(ROOT / ".streamlit" / "config.toml")
    found = {
        f"{path.relative_to(ROOT)}: {host}"
        for path in sources
        for host in HOST.findall(path.read_text(encoding="utf-8"))
        if host.lower() not in ALLOWED_HOSTS
    }
    assert not found, sorted(found)
