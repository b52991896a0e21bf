"""The gettext catalogs and the shared vocabulary: complete, extractable, and well normalized."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from ecomops import i18n
from ecomops.detect import findings as vocab
from ecomops.errors import InputError

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "src" / "ecomops" / "locale"
INVENTORY_TEXT = ("src/ecomops/inventory/slow_movers.py", "src/ecomops/inventory/elasticity.py")
"""Inventory modules whose sentences (slow movers' reasons) are in the report catalog."""
ZH_CATALOGS = sorted((LOCALE / "zh_CN" / "LC_MESSAGES").glob("*.po"))


@pytest.mark.parametrize(
    ("given", "expected"),
    [("zh", "zh_CN"), ("zh-CN", "zh_CN"), ("zh_CN", "zh_CN"), ("zh_cn", "zh_CN"), ("zh-Hans", "zh_CN"),
     ("ZH", "zh_CN"), ("en", "en"), ("en-US", "en"), ("en_GB.UTF-8", "en"), (None, "zh_CN"), ("", "zh_CN")],
)
def test_normalize_accepts_common_spellings_of_supported_languages(given: str | None, expected: str) -> None:
    assert i18n.normalize(given) == expected
    assert expected in i18n.SUPPORTED


def test_normalize_refuses_a_language_without_catalog() -> None:
    with pytest.raises(InputError, match="fr"):
        i18n.normalize("fr")


def test_negotiate_picks_the_most_preferred_supported_language() -> None:
    assert i18n.negotiate("fr-FR,fr;q=0.9,en-US;q=0.8,zh-CN;q=0.7") == "en"
    assert i18n.negotiate("en;q=0.3, zh-CN") == "zh_CN"
    assert i18n.negotiate("de, ja;q=0.5") == "zh_CN"
    assert i18n.negotiate("de", default="en") == "en"
    assert i18n.negotiate("en;q=0, zh;q=0.1") == "zh_CN"


def test_label_translates_shared_vocabulary_in_both_languages() -> None:
    assert i18n.label("metric", "gmv", "zh") == "成交额"
    assert i18n.label("metric", "gmv", "en") == "GMV"
    assert i18n.label("metric", "conversion_rate", "zh-CN") == "转化率"
    # Same English word, different meaning: contexts keep them apart.
    assert i18n.label("severity", "high", "zh") == "高"
    assert i18n.label("status", "high", "zh") == "高于预期"
    assert i18n.label("owner_role", "supply", "zh") == "供应链"


def test_label_returns_names_outside_the_vocabulary_unchanged() -> None:
    assert i18n.label("metric", "brand_new_metric", "zh") == "brand_new_metric"
    assert i18n.label("channel", "weidian", "zh") == "weidian"
    assert i18n.label("no_such_kind", "x", "en") == "x"


@pytest.mark.parametrize(
    ("kind", "names"),
    [("module", vocab.Module), ("process_step", vocab.ProcessStep), ("severity", vocab.Severity),
     ("direction", vocab.Direction), ("owner_role", vocab.OwnerRole), ("status", vocab.KpiStatus)],
)
def test_every_contract_vocabulary_value_has_a_chinese_label(kind: str, names: object) -> None:
    values = names.__args__  # type: ignore[attr-defined]
    zh = i18n.labels(kind, "zh")
    assert set(zh) == set(values)
    untranslated = [n for n in values if zh[n] == i18n.label(kind, n, "en")]
    assert not untranslated


def test_every_dimension_has_a_label() -> None:
    assert set(i18n.labels("dimension", "en")) == set(vocab.DIMENSIONS)


def test_segment_label_names_dimensions_and_channel_values() -> None:
    assert i18n.segment_label({"channel": "tmall", "sku": "SKU-1"}, "zh") == "渠道 天猫 · SKU SKU-1"
    assert i18n.segment_label({"category": "女装"}, "en") == "Category 女装"
    assert i18n.segment_label({}, "zh") == "全店"


def test_all_domains_chain_report_and_web_catalogs() -> None:
    _ = i18n.gettext_for("zh")
    assert _("Whole store") == "全店"
    assert _("A message nobody wrote") == "A message nobody wrote"
    assert i18n.translations("zh").pgettext("metric", "GMV") == "成交额"
    assert i18n.gettext_for("en")("Whole store") == "Whole store"


def test_missing_domain_falls_back_to_english() -> None:
    assert i18n.translations("zh", "no_such_domain").gettext("Findings") == "Findings"


@pytest.mark.parametrize("po", ZH_CATALOGS, ids=lambda p: p.name)
def test_every_zh_cn_message_has_a_translation(po: Path) -> None:
    with po.open("rb") as fp:
        catalog = read_po(fp, locale="zh_CN")
    empty = [(m.context, m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert not empty, f"{po.name}: untranslated or fuzzy: {empty[:10]}"
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert not problems, f"{po.name}: placeholders differ: {problems[:5]}"


def test_report_catalog_matches_the_messages_babel_extracts(tmp_path: Path) -> None:
    pot = tmp_path / "report.pot"
    cwd = Path.cwd()
    os.chdir(REPO)  # the pybabel command line reads pyproject's [tool.babel] relative to the repo
    try:
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "pyproject.toml", "-o", str(pot),
                                    "src/ecomops/i18n.py", "src/ecomops/report", *INVENTORY_TEXT])
    finally:
        os.chdir(cwd)
    with pot.open("rb") as fp:
        extracted = {(m.context, m.id) for m in read_po(fp) if m.id}
    with (LOCALE / "zh_CN" / "LC_MESSAGES" / "report.po").open("rb") as fp:
        translated = {(m.context, m.id) for m in read_po(fp) if m.id}
    assert ("metric", "GMV") in extracted
    assert (None, "Morning brief") in extracted  # from the Jinja template
    missing, obsolete = extracted - translated, translated - extracted
    assert not missing, f"not in report.po: {sorted(missing, key=str)[:10]}"
    assert not obsolete, f"obsolete in report.po: {sorted(obsolete, key=str)[:10]}"
