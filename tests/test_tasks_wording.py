"""Checks, results and closures as sentences in the reader's language, and task texts kept in
both languages when a task is made from a brief action."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ecomops.errors import InputError
from ecomops.i18n import translations
from ecomops.tasks.model import TaskDraft, draft_from_action
from ecomops.tasks.service import TaskBoard
from ecomops.tasks.wording import PLURALS, Words
from ecomops.workspace import Workspace

TASKS_SRC = Path(__file__).resolve().parents[1] / "src" / "ecomops" / "tasks"
CHECK = {"metric": "conversion_rate", "segment": {"channel": "tmall", "sku": "SKU-0042"},
         "comparison": ">=", "threshold": 0.025, "days": 2}


def test_check_reads_as_a_sentence_in_english_and_chinese() -> None:
    en = Words("en").check(CHECK)
    assert en == ("Conversion rate of Channel Tmall · SKU SKU-0042 at least 2.5% on each of the latest "
                  "2 consecutive days of data after the task was created")
    zh = Words("zh_CN").check(CHECK)
    assert zh == "任务创建之后最近连续 2 天的数据中，渠道 天猫 · SKU SKU-0042的转化率每天不低于 2.5%"
    for text in (en, zh):
        assert not any(raw in text for raw in (">=", "\\u003e", "{", '"metric"', "conversion_rate"))


@pytest.mark.parametrize(("check", "lang", "expected"), [
    ({"metric": "gmv", "segment": {}, "comparison": "<", "threshold": 1234.5, "days": 1}, "en",
     "GMV of the whole store below CN¥1,234.50 on the latest day of data after the task was created"),
    ({"metric": "gmv", "segment": {}, "comparison": "<", "threshold": 1234.5, "days": 1}, "zh_CN",
     "任务创建之后最近一天的数据中，全店的成交额低于 ¥1,234.50"),
    ({"metric": "orders", "segment": {"channel": "jd"}, "comparison": ">", "threshold": 1, "days": 3}, "en",
     "Orders of Channel JD above 1 order on each of the latest 3 consecutive days of data after the task "
     "was created"),
    ({"metric": "ship_hours", "segment": {}, "comparison": "<=", "threshold": 24, "days": 2}, "en",
     "Hours to ship of the whole store at most 24 hours on each of the latest 2 consecutive days of data "
     "after the task was created"),
])
def test_threshold_carries_its_unit(check: dict[str, object], lang: str, expected: str) -> None:
    assert Words(lang).check(check) == expected


def test_amounts_carry_units_in_both_languages() -> None:
    en, zh = Words("en", "CNY"), Words("zh_CN", "CNY")
    assert (en.amount("orders", 12), zh.amount("orders", 12)) == ("12 orders", "12 单")
    assert en.amount("orders", 1) == "1 order"
    assert en.amount("visitors", 1500.5) == "1,500.5 visitors"
    assert zh.amount("visitors", 1500.5) == "1,500.5 位访客"
    assert (en.amount("delivery_days", 2.5), zh.amount("delivery_days", 2.5)) == ("2.5 days", "2.5 天")
    assert en.amount("return_rate", 0.1234) == "12.34%"
    assert en.amount("ad_roas", 3.2) == "3.2×"
    assert Words("en", "USD").amount("aov", 45) == "$45.00"
    assert (en.count(1), en.count(3), zh.count(3)) == ("1 task", "3 tasks", "3 项任务")


def test_results_read_as_sentences() -> None:
    zh, en = Words("zh_CN"), Words("en")
    failed = {"outcome": "failed", "cause": "missed", "day": "2026-11-24", "value": 0.0183,
              "as_of": "2026-11-24", "values": [["2026-11-23", 0.03], ["2026-11-24", 0.0183]]}
    assert zh.result(failed, CHECK) == "未通过：2026-11-24 的转化率为 1.83%，需要不低于 2.5%。"
    assert en.result(failed, CHECK) == ("Failed: Conversion rate was 1.83% on 2026-11-24; "
                                        "it needs to be at least 2.5%.")
    passed = {**failed, "outcome": "passed", "cause": "held", "day": None, "value": None}
    assert en.result(passed, CHECK) == ("Passed: Conversion rate was at least 2.5% on every day from "
                                        "2026-11-23 to 2026-11-24.")
    early = {"outcome": "unknown", "cause": "too_early", "day": "2026-11-27"}
    assert "2026-11-27" in zh.result(early, CHECK)
    assert zh.result(early, CHECK).startswith("尚无法判断")
    # A result stored before causes were recorded keeps its reason.
    assert en.result({"outcome": "failed", "reason": "old reason"}, CHECK) == "failed — old reason"
    assert zh.result({"outcome": "failed", "reason": "old reason"}, CHECK) == "未通过 — old reason"


def test_every_task_message_is_in_both_web_catalogs() -> None:
    extracted: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(TASKS_SRC), [("**.py", "python")],
        keywords={"_": None, "N_": None, "ngettext": (1, 2)},
    ):
        extracted.add(message if isinstance(message, str) else (message[0], message[1]))
    extracted |= set(PLURALS)
    assert ("{n} task", "{n} tasks") in extracted
    assert "at least {threshold}" in extracted
    zh, en = translations("zh_CN", "web"), translations("en", "web")
    untranslated = []
    for m in extracted:
        if isinstance(m, tuple):
            if zh.ngettext(m[0], m[1], 2) == m[1] or en.ngettext(m[0], m[1], 2) != m[1]:
                untranslated.append(m)
        elif zh.gettext(m) == m or en.gettext(m) != m:
            untranslated.append(m)
    assert not untranslated, untranslated
    po = TASKS_SRC.parent / "locale" / "en" / "LC_MESSAGES" / "web.po"
    with po.open("rb") as fp:
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fp) if m.id}
    assert all((m if isinstance(m, str) else m[0]) in ids for m in extracted)


ACTION = {
    "priority": 1, "title": "检查天猫 SKU-0042 的详情页与价格", "owner_role": "content", "due": "2026-11-25",
    "acceptance": "天猫 SKU-0042 的转化率连续2天回到2.5%以上", "finding_ids": ["f-1"], "check": CHECK,
    "texts": {"zh_CN": {"title": "检查天猫 SKU-0042 的详情页与价格",
                        "acceptance": "天猫 SKU-0042 的转化率连续2天回到2.5%以上"},
              "en": {"title": "Check the page and price of SKU-0042 on tmall",
                     "acceptance": "Conversion of SKU-0042 on tmall back above 2.5% for 2 days"}},
}
FINDINGS = [{"id": "f-1", "summary": "天猫 SKU-0042 的转化率下降",
             "texts": {"zh_CN": {"summary": "天猫 SKU-0042 的转化率下降"},
                       "en": {"summary": "Conversion of SKU-0042 on tmall fell"}}}]


def test_task_from_an_action_keeps_both_languages(workspace: Workspace) -> None:
    draft = draft_from_action(ACTION, brief_date=dt.date(2026, 11, 24), findings=FINDINGS)
    assert draft.title == ACTION["title"]  # the store's language stays the plain field
    board = TaskBoard(workspace.app_sessions, "Asia/Shanghai")
    task = board.create(draft, "alice")
    assert task.text("title", "en") == "Check the page and price of SKU-0042 on tmall"
    assert task.text("title", "zh_CN") == ACTION["title"]
    assert task.text("acceptance", "en") == "Conversion of SKU-0042 on tmall back above 2.5% for 2 days"
    assert task.text("description", "en") == "Conversion of SKU-0042 on tmall fell"
    assert task.text("description", "zh") == "天猫 SKU-0042 的转化率下降"
    assert task.text("title", None) == ACTION["title"]  # no reader's language: as stored
    assert task.to_dict()["texts"]["en"]["title"] == "Check the page and price of SKU-0042 on tmall"
    # Edited, the new title is what everyone reads; the other texts stay.
    edited = board.update(task.id, "alice", title="换主图")
    assert (edited.text("title", "en"), edited.text("title", "zh_CN")) == ("换主图", "换主图")
    assert edited.text("acceptance", "en").startswith("Conversion of SKU-0042")


def test_task_without_texts_falls_back_to_the_stored_title() -> None:
    old = {k: v for k, v in ACTION.items() if k != "texts"}
    draft = draft_from_action(old, brief_date=None, findings=[{"id": "f-1", "summary": "旧摘要"}])
    assert draft.texts is None
    assert draft.description == "旧摘要"
    with pytest.raises(InputError, match="texts"):
        TaskDraft(title="x", texts={"fr": {"title": "y"}})
