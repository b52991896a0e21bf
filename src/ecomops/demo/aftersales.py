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
CHANNEL_NAMES = np.array(CHANNELS, dtype=object)
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
    delay = rng.lognormal(np.log(np.where(reason == "质量问题", 1.2, 2.5)), 0.6, m)
    req = r["delivered_t"].to_numpy() + (np.minimum(delay, 14) * DAY).astype(np.int64)
    u = rng.random(m)
    damaged = np.isin(reason, ["质量问题", "物流破损"])
    rtype = np.where(reason == "尺码不合适", np.where(u < 0.45, "exchange", "return_refund"),
                     np.where(damaged & (u < 0.35), "refund_only", "return_refund"))
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
    out.insert(0, "case_id", _ids("RF", 20000000 + np.arange(len(out)) * 7 + 3))
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
    texts = _review_texts(band, r["category"].to_numpy(), english, qh & (rating <= 2), auto, rng)
    replied = np.where(band == "bad", rng.random(m) < 0.7, rng.random(m) < 0.12)
    reply_t = created + rng.integers(HOUR, 2 * DAY, m)
    replied &= reply_t <= end_t
    reply = np.full(m, "", dtype=object)
    for en, bank in ((False, phrases.REPLY_ZH), (True, phrases.REPLY_EN)):
        for key in ("good", "bad"):
            sel = replied & (english == en) & ((band == "bad") == (key == "bad"))
            reply[sel] = _pick(bank[key], int(sel.sum()), rng)
    out = pd.DataFrame({
        "channel": CHANNEL_NAMES[r["ch"].to_numpy()], "sku": r["sku"], "order_id": r["order_id"],
        "rating": rating, "text": texts, "created_at": created, "reply": reply,
    })
    out = out[out["created_at"] <= end_t].sort_values("created_at", ignore_index=True)
    out.insert(0, "review_id", _ids("RV", 30000000 + np.arange(len(out)) * 3 + 1))
    return out


def _ids(prefix: str, numbers: np.ndarray) -> np.ndarray:
    return np.char.add(prefix, numbers.astype(str)).astype(object)


def _pick(bank: tuple[str, ...], m: int, rng: np.random.Generator) -> np.ndarray:
    """``m`` phrases drawn from ``bank`` (an object array, so that ``+`` joins them)."""
    return np.asarray(bank, dtype=object)[rng.integers(len(bank), size=m)]


def _review_texts(band: np.ndarray, cats: np.ndarray, english: np.ndarray, quality: np.ndarray,
                  auto: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Opener + aspect (by category and rating band) + closer; a quality complaint for a faulty
    batch; the platform's default text for automatic reviews. One draw per phrase group."""
    out = np.full(len(band), phrases.AUTO_REVIEW_ZH, dtype=object)
    for b in ("good", "mid", "bad"):
        for en in (False, True):
            groups = ([("", phrases.ASPECT_EN[b])] if en
                      else [(c, a[b]) for c, a in phrases.ASPECT_ZH.items()])
            for cat, aspects in groups:
                sel = ~auto & (band == b) & (english == en) & ((cats == cat) if cat else True)
                plain, faulty = sel & ~quality, sel & quality
                n = int(plain.sum())
                opener, closer = ((phrases.OPEN_EN, phrases.CLOSE_EN) if en
                                  else (phrases.OPEN_ZH, phrases.CLOSE_ZH))
                out[plain] = _pick(opener[b], n, rng) + _pick(aspects, n, rng) + _pick(closer[b], n, rng)
                n = int(faulty.sum())
                if n:
                    head = _pick(phrases.QUALITY_EN if en else phrases.QUALITY_ZH, n, rng)
                    aspect = _pick(aspects, n, rng)
                    if en:
                        aspect = np.array([a.lower() for a in aspect], dtype=object)
                    out[faulty] = head + aspect + ("." if en else "。")
    return out


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
    ask_where = np.minimum(promised + rng.integers(2 * HOUR, 30 * HOUR, n),
                           np.where(deliv_t > 0, deliv_t - HOUR, end_t))
    add(late & (rng.random(n) < 0.4), "where", ask_where, True)
    add((shipped_t >= 0) & ~late & (rng.random(n) < 0.02), "where",
        shipped_t + rng.integers(DAY, 2 * DAY, n), True)
    jd_invoice = (deliv_t >= 0) & (rng.random(n) < 0.01) & (ch == 1)
    add(jd_invoice, "invoice", deliv_t + rng.integers(HOUR, DAY, n), True)
    if len(cases):
        pos = pd.Series(np.arange(n), index=orders["order_id"])
        ci = pos.reindex(cases["order_id"]).to_numpy()
        topic = np.where(cases["reason"].to_numpy() == "质量问题", "quality", "return")
        ask = rng.random(len(cases)) < np.where(topic == "quality", 0.6, 0.3)
        for name in ("quality", "return"):
            sel = ask & (topic == name)
            asked = cases["requested_at"].to_numpy()[sel] - rng.integers(600, 6 * HOUR, int(sel.sum()))
            parts.append(pd.DataFrame({"i": ci[sel], "topic": name, "t": asked, "with_order": True}))
    q = pd.concat(parts, ignore_index=True)
    q = q[(q["t"] >= 0) & (q["t"] <= end_t)].reset_index(drop=True)
    english = ch[q["i"]] == CHANNELS.index("shopify")
    q["text"] = _messages_text(q["topic"].to_numpy(), english, 0, rng)
    q["direction"] = "in"
    a = q.copy()
    quick = rng.random(len(a)) < 0.85  # most answers within minutes, the rest within hours
    a["t"] = a["t"] + np.where(quick, rng.integers(20, 900, len(a)), rng.integers(HOUR, 10 * HOUR, len(a)))
    a["text"] = _messages_text(a["topic"].to_numpy(), english, 2, rng)
    a["direction"] = "out"
    a = a[(a["t"] <= end_t) & (rng.random(len(a)) < 0.92)]
    m = pd.concat([q, a], ignore_index=True).sort_values(["t", "direction"], ignore_index=True)
    out = pd.DataFrame({
        "channel": CHANNEL_NAMES[ch[m["i"]]],
        "customer_id": orders["customer_id"].to_numpy()[m["i"]],
        "created_at": m["t"].to_numpy(),
        "direction": m["direction"].to_numpy(),
        "text": m["text"].to_numpy(),
        "order_id": np.where(m["with_order"].to_numpy(), orders["order_id"].to_numpy()[m["i"]], ""),
    })
    out.insert(0, "message_id", _ids("MSG", 50000000 + np.arange(len(out)) * 5 + 2))
    return out


def _messages_text(topic: np.ndarray, english: np.ndarray, outbound: int,
                   rng: np.random.Generator) -> np.ndarray:
    """A question (``outbound`` 0) or an answer (2) per message, in the buyer's language."""
    out = np.empty(len(topic), dtype=object)
    for name, banks in phrases.MESSAGES.items():
        for en in (False, True):
            sel = (topic == name) & (english == en)
            out[sel] = _pick(banks[outbound + int(en)], int(sel.sum()), rng)
    return out
