"""Channel stock (pure): the oversell sentence says units as units and money as money, in both languages."""

from __future__ import annotations

import pandas as pd

from ecomops.inventory import channels
from ecomops.inventory.findings import _channels
from ecomops.settings import Settings, StoreSettings


def _oversold() -> pd.DataFrame:
    listings = pd.DataFrame({"channel": ["tmall"], "sku": ["SKU-0042"], "listed_stock": [40],
                             "status": ["online"], "listed_price": [51.0]})
    return channels.check(listings, pd.DataFrame({"sku": ["SKU-0042"], "sellable": [4]}),
                          pd.DataFrame({"channel": ["tmall"], "sku": ["SKU-0042"], "daily_demand": [3.0]}),
                          pd.DataFrame({"sku": ["SKU-0042"], "price": [60.0], "status": ["on_sale"]}))


def test_oversell_sentence_counts_units_and_money_in_both_languages() -> None:
    row = next(_oversold().itertuples())
    assert row.issue == "oversell_risk"
    assert row.oversold_units == 17.0  # 3 a day over the 7 - 4/3 days after the 4 units are gone
    texts = channels.oversell_texts(row, "CNY")
    zh, en = texts["zh_CN"]["summary"], texts["en"]["summary"]
    assert zh == ("SKU-0042 在天猫显示库存 40 件，但只有 4 件可发货：一周内约 17 件订单（约 ¥867 成交额）"
                  "将无法发货而被取消；建议把上架库存改为 3 件。")
    assert en == ("SKU-0042 shows 40 units on Tmall but only 4 units can ship: within a week about 17 units "
                  "ordered there (about CN¥867 of GMV) could not ship and would be cancelled; list 3 units.")


def test_oversell_finding_carries_the_oversell_sentence_in_both_languages() -> None:
    ch = _oversold()
    for lang in ("zh_CN", "en"):
        s = Settings(store=StoreSettings(language=lang))
        found = _channels(ch, 10.0, 1000.0, language=s.store.language, currency=s.store.currency)
        assert len(found) == 1
        assert found[0]["texts"] == channels.oversell_texts(next(ch.itertuples()), "CNY")
        assert " of orders " not in found[0]["texts"]["en"]["summary"]
