"""Where buyers live, which warehouse serves them, which carrier takes the parcel, how long it rides."""

from __future__ import annotations

import numpy as np

# (province, weight, zone, cities)
PROVINCES: tuple[tuple[str, float, str, tuple[str, ...]], ...] = (
    ("广东", 12.0, "华南", ("广州", "深圳", "东莞", "佛山")),
    ("浙江", 9.0, "华东", ("杭州", "宁波", "温州")),
    ("江苏", 9.0, "华东", ("南京", "苏州", "无锡")),
    ("上海", 5.5, "华东", ("上海",)),
    ("北京", 5.0, "华北", ("北京",)),
    ("山东", 6.0, "华东", ("济南", "青岛", "烟台")),
    ("四川", 5.0, "西南", ("成都", "绵阳")),
    ("河南", 4.5, "华中", ("郑州", "洛阳")),
    ("湖北", 4.0, "华中", ("武汉", "宜昌")),
    ("福建", 4.0, "华东", ("福州", "厦门", "泉州")),
    ("湖南", 3.5, "华中", ("长沙", "株洲")),
    ("安徽", 3.0, "华东", ("合肥", "芜湖")),
    ("河北", 3.0, "华北", ("石家庄", "保定")),
    ("陕西", 2.5, "西北", ("西安",)),
    ("重庆", 2.5, "西南", ("重庆",)),
    ("辽宁", 2.5, "东北", ("沈阳", "大连")),
    ("天津", 1.5, "华北", ("天津",)),
    ("江西", 2.0, "华东", ("南昌", "赣州")),
    ("广西", 2.0, "华南", ("南宁", "桂林")),
    ("云南", 2.0, "西南", ("昆明",)),
    ("山西", 1.5, "华北", ("太原",)),
    ("黑龙江", 1.5, "东北", ("哈尔滨",)),
    ("吉林", 1.0, "东北", ("长春",)),
    ("贵州", 1.5, "西南", ("贵阳",)),
    ("内蒙古", 1.0, "华北", ("呼和浩特", "包头")),
    ("新疆", 0.8, "偏远", ("乌鲁木齐",)),
    ("甘肃", 0.8, "西北", ("兰州",)),
    ("海南", 0.8, "华南", ("海口", "三亚")),
    ("宁夏", 0.3, "西北", ("银川",)),
    ("青海", 0.2, "偏远", ("西宁",)),
    ("西藏", 0.1, "偏远", ("拉萨",)),
)

ABROAD: tuple[tuple[str, float, str, tuple[str, ...]], ...] = (
    ("United States", 40.0, "海外", ("Los Angeles", "New York", "Seattle", "Houston")),
    ("Canada", 10.0, "海外", ("Toronto", "Vancouver")),
    ("United Kingdom", 12.0, "海外", ("London", "Manchester")),
    ("Australia", 10.0, "海外", ("Sydney", "Melbourne")),
    ("Germany", 8.0, "海外", ("Berlin", "Munich")),
    ("Singapore", 8.0, "海外", ("Singapore",)),
    ("Malaysia", 6.0, "海外", ("Kuala Lumpur",)),
    ("Japan", 6.0, "海外", ("Tokyo", "Osaka")),
)

WAREHOUSES = ("华东仓", "华南仓", "华北仓")
WAREHOUSE_ZONE = {"华东仓": "华东", "华南仓": "华南", "华北仓": "华北"}
# Which warehouse normally serves a zone (华北仓 only stocks part of the catalogue).
ZONE_WAREHOUSE = {"华东": 0, "华中": 0, "华南": 1, "西南": 1, "华北": 2, "东北": 2, "西北": 2,
                  "偏远": 0, "海外": 1}

# Transit days between a warehouse zone and a destination zone (standard express).
_TRANSIT = {
    "华东": {"华东": 1.2, "华中": 2.0, "华南": 2.3, "西南": 2.8,
            "华北": 2.2, "东北": 2.9, "西北": 3.0, "偏远": 4.8},
    "华南": {"华东": 2.2, "华中": 2.0, "华南": 1.2, "西南": 2.1,
            "华北": 2.9, "东北": 3.4, "西北": 3.2, "偏远": 5.0},
    "华北": {"华东": 2.1, "华中": 2.0, "华南": 2.9, "西南": 2.9,
            "华北": 1.2, "东北": 1.9, "西北": 2.4, "偏远": 4.5},
}

# Carriers per channel with their share, and their speed factor on the transit days.
CARRIERS: dict[str, tuple[tuple[str, float], ...]] = {
    "tmall": (("中通快递", 0.36), ("圆通速递", 0.24), ("韵达快递", 0.16), ("顺丰速运", 0.16),
              ("极兔速递", 0.08)),
    "jd": (("京东物流", 0.78), ("顺丰速运", 0.12), ("中通快递", 0.10)),
    "douyin": (("中通快递", 0.34), ("极兔速递", 0.26), ("圆通速递", 0.22), ("韵达快递", 0.12),
               ("顺丰速运", 0.06)),
    "shopify": (("4PX递四方", 0.45), ("云途物流", 0.30), ("DHL", 0.15), ("FedEx", 0.10)),
}
CARRIER_SPEED = {"顺丰速运": 0.65, "京东物流": 0.7, "中通快递": 1.0, "圆通速递": 1.05, "韵达快递": 1.1,
                 "极兔速递": 1.15, "4PX递四方": 1.0, "云途物流": 1.1, "DHL": 0.55, "FedEx": 0.6}
# International parcels: days door to door.
ABROAD_DAYS = 7.5


def region_table(channel: str) -> tuple[list[str], np.ndarray, list[str], list[tuple[str, ...]]]:
    """Names, probabilities, zones and cities of the regions a channel's buyers live in."""
    rows = ABROAD if channel == "shopify" else PROVINCES
    w = np.array([r[1] for r in rows], dtype=float)
    return [r[0] for r in rows], w / w.sum(), [r[2] for r in rows], [r[3] for r in rows]


def transit_days(wh_zone: np.ndarray, dest_zone: np.ndarray) -> np.ndarray:
    """Mean transit days (standard express) per parcel from its warehouse zone to its destination."""
    out = np.full(len(wh_zone), ABROAD_DAYS)
    for wz, row in _TRANSIT.items():
        m = wh_zone == wz
        for dz, days in row.items():
            out[m & (dest_zone == dz)] = days
    return out
