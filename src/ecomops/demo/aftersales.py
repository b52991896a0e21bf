"""After the sale: return/refund cases, reviews and customer-service messages.

Inputs are order lines joined with their order (times in seconds from the first day's midnight,
-1 when the event has not happened by ``end``). Outputs keep the same time convention.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomops.demo import phrases
from ecomops.demo.calendar import CHANNELS

HOUR, DAY = 3600, 86400
CH_RETURN = np.array([1.0, 0.9, 1.4, 0.7])  # douyin impulse buys come back more often
CH_REVIEW = np.array([0.30, 0.36, 0.16, 0.08])
CLOTHING = ("女装", "男装", "运动户外", "母婴")
# Reasons per (clothing?) with weights.
REASONS_WEAR = (("尺码不合适", 0.42), ("七天无理由", 0.25), ("与描述不符", 0.12), ("质量问题", 0.10),
                ("颜色与图片不符", 0.07), ("物流破损", 0.04))
REASONS_GOODS = (("七天无理由", 0.34), ("质量问题", 0.24), ("与描述不符", 0.18), ("物流破损", 0.14),
                 ("拍错/多拍", 0.10))


@dataclass(frozen=True)
class Spike:
    """A faulty batch: lines of ``sku`` delivered in [from_t, to_t] come back ``mult`` times as often."""

    sku: int
    from_t: int
    to_t: int
    mult: float


def returns(lines: pd.DataFrame, end_t: int, spike: Spike | None, rng: np.random.Generator) -> pd.DataFrame:
    deliv = lines["delivered_t"].to_numpy()
    n = len(lines)
    ch = lines["ch"].to_numpy()
    prob = lines["return_rate"].to_numpy() * CH_RETURN[ch]
    hit = np.zeros(n, dtype=bool)
    if spike is not None:
        hit = (lines["k"].to_numpy() == spike.sku) & (deliv >= spike.from_t) & (deliv <= spike.to_t)
        prob = np.where(hit, np.minimum(prob * spike.mult + 0.12, 0.8), prob)
    take = (deliv >= 0) & (rng.random(n) < prob)
    r = lines.loc[take].reset_index(drop=True)
    hit = hit[take]
    m = len(r)
    wear = r["category"].isin(CLOTHING).to_numpy()
    reason = np.where(wear, _draw(REASONS_WEAR, m, rng), _draw(REASONS_GOODS, m, rng))
    reason = np.where(hit & (rng.random(m) < 0.75), "质量问题", reason)
    delay = np.where(reason == "质量问题", rng.lognormal(np.log(1.2), 0.6, m), rng.lognormal(np.log(2.5), 0.6, m))
    req = r["delivered_t"].to_numpy() + (np.minimum(delay, 14) * DAY).astype(np.int64)
    u = rng.random(m)
    rtype = np.where(reason == "尺码不合适", np.where(u < 0.45, "exchange", "return_refund"),
                     np.where(np.isin(reason, ["质量问题", "物流破损"]) & (u < 0.35), "refund_only", "return_refund"))
    qty = np.where((r["qty"].to_numpy() > 1) & (rng.random(m) < 0.4), 1, r["qty"].to_numpy())
    partial = np.where(rtype == "refund_only", rng.choice([0.3, 0.5, 1.0], m, p=[0.3, 0.3, 0.4]), 1.0)
    refund = np.round(qty * r["unit_price"].to_numpy() * partial, 2)
    refund = np.where(rtype == "exchange", 0.0, refund)
    # Life cycle: approved, (buyer ships back, warehouse receives), refunded / exchanged.
    approved = req + rng.integers(HOUR // 6, 30 * HOUR, m)
    back = approved + rng.integers(1 * DAY, 4 * DAY, m)
    received = back + rng.integers(1 * DAY, 4 * DAY, m)
    done = np.where(rtype == "refund_only", approved + rng.integers(60, 12 * HOUR, m),
                    received + rng.integers(HOUR, (np.where(rtype == "exchange", 3, 1) * DAY), m))
    final = np.where(rtype == "exchange", "exchanged", "refunded")
    fate = rng.random(m)
    rejected = fate < 0.03
    withdrawn = (fate >= 0.03) & (fate < 0.07)
    final = np.where(rejected, "rejected", np.where(withdrawn, "closed", final))
    done = np.where(rejected, req + rng.integers(4 * HOUR, 2 * DAY, m),
                    np.where(withdrawn, approved + rng.integers(HOUR, 2 * DAY, m), done))
    refund = np.where(rejected | withdrawn, 0.0, refund)
    steps = [(req, "requested"), (approved, "approved")]
    status = np.full(m, "requested", dtype=object)
    updated = req.copy()
    simple = (rtype == "refund_only") | rejected | withdrawn
    for t, name in [(approved, "approved"), (back, "awaiting_return"), (received, "received")]:
        ok = (t <= end_t) & ((name == "approved") | ~simple)
        status, updated = np.where(ok, name, status), np.where(ok, t, updated)
    closed = done <= end_t
    status, updated = np.where(closed, final, status), np.where(closed, done, updated)
    del steps
    out = pd.DataFrame({
        "order_id": r["order_id"], "sku": r["sku"], "type": rtype, "reason": reason,
        "quantity": qty, "refund_amount": refund, "status": status,
        "requested_at": req, "updated_at": updated, "closed_at": np.where(closed, done, -1),
        "k": r["k"], "ch": r["ch"], "customer_id": r["customer_id"], "quality_hit": hit,
    })
    out = out[out["requested_at"] <= end_t].sort_values("requested_at", ignore_index=True)
    out.insert(0, "case_id", [f"RF{20000000 + i * 7 + 3}" for i in range(len(out))])
    return out


def _draw(options: tuple[tuple[str, float], ...], m: int, rng: np.random.Generator) -> np.ndarray:
    names, w = zip(*options, strict=True)
    p = np.array(w)
    return np.asarray(rng.choice(np.array(names, dtype=object), m, p=p / p.sum()))


def reviews(lines: pd.DataFrame, returned: np.ndarray, quality_hit: np.ndarray, end_t: int,
            rng: np.random.Generator) -> pd.DataFrame:
    deliv = lines["delivered_t"].to_numpy()
    ch = lines["ch"].to_numpy()
    n = len(lines)
    take = (deliv >= 0) & (rng.random(n) < CH_REVIEW[ch] * np.where(returned | quality_hit, 1.8, 1.0))
    r = lines.loc[take].reset_index(drop=True)
    bad = (returned | quality_hit)[take]
    qh = quality_hit[take]
    m = len(r)
    base = rng.choice([5, 4, 3, 2, 1], m, p=[0.70, 0.16, 0.06, 0.03, 0.05])
    sour = rng.choice([1, 2, 3], m, p=[0.55, 0.3, 0.15])
    rating = np.where(bad & (rng.random(m) < np.where(qh, 0.85, 0.6)), sour, base)
    delay = rng.lognormal(np.log(3.0), 0.8, m)
    auto = (r["ch"].to_numpy() == 0) & (rating >= 4) & (rng.random(m) < 0.2)
    delay = np.where(auto, 15.0, np.minimum(delay, 14.5))
    created = deliv[take] + (delay * DAY).astype(np.int64)
    band = np.where(rating >= 4, "good", np.where(rating == 3, "mid", "bad"))
    english = r["ch"].to_numpy() == CHANNELS.index("shopify")
    cats = r["category"].to_numpy()
    texts = [
        _review_text(b, c, e, q, a, rng)
        for b, c, e, q, a in zip(band, cats, english, qh & (rating <= 2), auto, strict=True)
    ]
    replied = np.where(band == "bad", rng.random(m) < 0.7, rng.random(m) < 0.12)
    reply_t = created + rng.integers(HOUR, 2 * DAY, m)
    replied &= reply_t <= end_t
    reply = [
        (_one(phrases.REPLY_EN if e else phrases.REPLY_ZH, "bad" if b == "bad" else "good", rng) if ok else "")
        for b, e, ok in zip(band, english, replied, strict=True)
    ]
    out = pd.DataFrame({
        "channel": [CHANNELS[c] for c in r["ch"]], "sku": r["sku"], "order_id": r["order_id"],
        "rating": rating, "text": texts, "created_at": created, "reply": reply,
    })
    out = out[out["created_at"] <= end_t].sort_values("created_at", ignore_index=True)
    out.insert(0, "review_id", [f"RV{30000000 + i * 3 + 1}" for i in range(len(out))])
    return out


def _one(bank: dict[str, tuple[str, ...]], key: str, rng: np.random.Generator) -> str:
    opts = bank[key]
    return opts[int(rng.integers(len(opts)))]


def _review_text(band: str, cat: str, english: bool, quality: bool, auto: bool,
                 rng: np.random.Generator) -> str:
    if auto:
        return phrases.AUTO_REVIEW_ZH
    if english:
        aspect = _one(phrases.ASPECT_EN, band, rng)
        if quality:
            return _one({"x": phrases.QUALITY_EN}, "x", rng).format(a=aspect.lower()) + "."
        return _one(phrases.OPEN_EN, band, rng) + aspect + _one(phrases.CLOSE_EN, band, rng)
    aspect = _one(phrases.ASPECT_ZH[cat], band, rng)
    if quality:
        return _one({"x": phrases.QUALITY_ZH}, "x", rng).format(a=aspect) + "。"
    return _one(phrases.OPEN_ZH, band, rng) + aspect + _one(phrases.CLOSE_ZH, band, rng)


def messages(orders: pd.DataFrame, cases: pd.DataFrame, end_t: int, rng: np.random.Generator) -> pd.DataFrame:
    """Questions before and after the sale, each usually answered by the shop within minutes."""
    n = len(orders)
    ch = orders["ch"].to_numpy()
    wear = orders["wear"].to_numpy()
    order_t, paid_t = orders["order_t"].to_numpy(), orders["paid_t"].to_numpy()
    shipped_t, deliv_t = orders["shipped_t"].to_numpy(), orders["delivered_t"].to_numpy()
    promised = orders["promised_t"].to_numpy()
    u = rng.random(n)
    parts: list[pd.DataFrame] = []

    def add(mask: np.ndarray, topic: str, t: np.ndarray, with_order: bool) -> None:
        idx = np.flatnonzero(mask)
        parts.append(pd.DataFrame({"i": idx, "topic": topic, "t": t[idx], "with_order": with_order}))

    pre = order_t - rng.integers(120, 3 * HOUR, n)
    add(wear & (u < 0.06), "size", pre, False)
    add((u >= 0.06) & (u < 0.09), "coupon", pre, False)
    add((paid_t >= 0) & (u >= 0.09) & (u < 0.12), "ship_when", paid_t + rng.integers(600, 20 * HOUR, n), True)
    late = (shipped_t >= 0) & ((deliv_t < 0) | (deliv_t > promised))
    ask_where = np.minimum(promised + rng.integers(2 * HOUR, 30 * HOUR, n), np.where(deliv_t > 0, deliv_t - HOUR, end_t))
    add(late & (rng.random(n) < 0.4), "where", ask_where, True)
    add((shipped_t >= 0) & ~late & (rng.random(n) < 0.02), "where",
        shipped_t + rng.integers(DAY, 2 * DAY, n), True)
    add((deliv_t >= 0) & (rng.random(n) < 0.01) & (ch == 1), "invoice", deliv_t + rng.integers(HOUR, DAY, n), True)
    if len(cases):
        pos = pd.Series(np.arange(n), index=orders["order_id"])
        ci = pos.reindex(cases["order_id"]).to_numpy()
        topic = np.where(cases["reason"].to_numpy() == "质量问题", "quality", "return")
        ask = rng.random(len(cases)) < np.where(topic == "quality", 0.6, 0.3)
        for name in ("quality", "return"):
            sel = ask & (topic == name)
            parts.append(pd.DataFrame({"i": ci[sel], "topic": name,
                                       "t": cases["requested_at"].to_numpy()[sel] - rng.integers(600, 6 * HOUR, int(sel.sum())),
                                       "with_order": True}))
    q = pd.concat(parts, ignore_index=True)
    q = q[(q["t"] >= 0) & (q["t"] <= end_t)].reset_index(drop=True)
    english = ch[q["i"]] == CHANNELS.index("shopify")
    q["text"] = [_msg(tp, e, 0 if e else 0, rng) for tp, e in zip(q["topic"], english, strict=True)]
    q["direction"] = "in"
    a = q.copy()
    a["t"] = a["t"] + np.where(rng.random(len(a)) < 0.85, rng.integers(20, 900, len(a)), rng.integers(HOUR, 10 * HOUR, len(a)))
    a["text"] = [_msg(tp, e, 2, rng) for tp, e in zip(a["topic"], english, strict=True)]
    a["direction"] = "out"
    a = a[(a["t"] <= end_t) & (rng.random(len(a)) < 0.92)]
    m = pd.concat([q, a], ignore_index=True).sort_values(["t", "direction"], ignore_index=True)
    out = pd.DataFrame({
        "channel": [CHANNELS[c] for c in ch[m["i"]]],
        "customer_id": orders["customer_id"].to_numpy()[m["i"]],
        "created_at": m["t"].to_numpy(),
        "direction": m["direction"].to_numpy(),
        "text": m["text"].to_numpy(),
        "order_id": np.where(m["with_order"].to_numpy(), orders["order_id"].to_numpy()[m["i"]], ""),
    })
    out.insert(0, "message_id", [f"MSG{50000000 + i * 5 + 2}" for i in range(len(out))])
    return out


def _msg(topic: str, english: bool, outbound: int, rng: np.random.Generator) -> str:
    bank = phrases.MESSAGES[topic][outbound + (1 if english else 0)]
    return bank[int(rng.integers(len(bank)))]
