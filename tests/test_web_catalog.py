"""Every console message has its Chinese translation, and the catalogs load offline."""

from __future__ import annotations

import re
from pathlib import Path

from ecomops.i18n import gettext_for

WEB = Path(__file__).resolve().parents[1] / "src" / "ecomops" / "web"
CALL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")
SAME_IN_CHINESE = {"API"}


def _messages() -> set[str]:
    found: set[str] = set()
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py"), WEB.parent / "tasks" / "reports.py"]:
        for m in CALL.finditer(path.read_text(encoding="utf-8")):
            found.add(m.group(1) or m.group(2))
    return found


def test_every_console_message_is_translated_to_chinese() -> None:
    messages = _messages()
    assert len(messages) > 80
    _ = gettext_for("zh_CN")
    missing = sorted(m for m in messages if _(m) == m and m not in SAME_IN_CHINESE)
    assert not missing, missing


def test_english_console_keeps_the_english_messages() -> None:
    _ = gettext_for("en")
    assert _("To do") == "To do"
    assert gettext_for("zh_CN")("To do") == "待办"
