"""The demo catalogue: categories, products (SPU) and their SKUs, with bilingual titles.

Titles are Chinese, keyword-rich as on Tmall/JD/Douyin; the English title sits in ``attributes`` as
``title_en:...`` (DATA.md has one ``title`` column, and the English one is what Shopify shows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Category:
    name: str  # Chinese name, the ``category`` value
    en: str
    share: float  # share of SPUs
    margin: tuple[float, float]  # gross margin range (fraction of price)
    return_rate: float  # base share of units returned
    extra_qty: float  # chance that a line carries more than one unit
    season_amp: float  # amplitude of the yearly cycle
    season_peak: int  # day of year of the yearly peak
    brands: tuple[str, ...]
    nouns: tuple[tuple[str, str, float], ...]  # (zh, en, base price)
    attrs: tuple[tuple[str, tuple[str, ...]], ...]  # attribute key -> values
    points: tuple[str, ...]  # selling points
    lead_time: tuple[int, int]
    suppliers: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "女装", "Women's wear", 0.17, (0.45, 0.68), 0.22, 0.10, 0.30, 120,
        ("木棉言", "栖柚"),
        (("法式碎花连衣裙", "French floral midi dress", 259),
         ("高腰阔腿裤", "high-waist wide-leg trousers", 169),
         ("针织开衫", "knit cardigan", 199), ("真丝衬衫", "silk blouse", 329), ("羊毛大衣", "wool coat", 899),
         ("半身百褶裙", "pleated skirt", 159), ("短款羽绒服", "short down jacket", 599),
         ("纯棉T恤", "cotton T-shirt", 79)),
        (("颜色", ("黑色", "米白", "雾霾蓝", "燕麦色", "酒红")), ("尺码", ("S-XL", "M-XXL", "均码")),
         ("材质", ("棉", "真丝", "羊毛混纺", "天丝", "聚酯纤维"))),
        ("显瘦版型", "不起球", "垂感好", "透气舒适", "百搭通勤", "机洗不变形"),
        (15, 30), ("杭州织语服饰有限公司", "广州锦绣制衣厂"),
    ),
    Category(
        "男装", "Men's wear", 0.10, (0.42, 0.65), 0.15, 0.12, 0.25, 300,
        ("山岚",),
        (("商务休闲衬衫", "business casual shirt", 189), ("直筒牛仔裤", "straight-leg jeans", 229),
         ("速干POLO衫", "quick-dry polo shirt", 139), ("连帽卫衣", "hooded sweatshirt", 199),
         ("羽绒马甲", "down vest", 359)),
        (("颜色", ("藏青", "黑色", "灰色", "卡其")), ("尺码", ("M-3XL", "L-4XL")),
         ("材质", ("纯棉", "棉涤混纺", "锦纶"))),
        ("免烫抗皱", "宽松不挑身材", "四季可穿", "吸汗透气"),
        (15, 30), ("泉州衡远服饰", "宁波申洲制衣"),
    ),
    Category(
        "美妆", "Beauty", 0.12, (0.55, 0.72), 0.05, 0.18, 0.12, 315,
        ("素研", "澄光"),
        (("玻尿酸精华液", "hyaluronic acid serum", 239), ("氨基酸洁面乳", "amino acid cleanser", 89),
         ("持妆粉底液", "long-wear foundation", 199), ("丝绒哑光口红", "velvet matte lipstick", 129),
         ("修护面霜", "repair face cream", 269), ("补水面膜10片装", "hydrating sheet masks x10", 99)),
        (("规格", ("30ml", "50ml", "100g", "10片")), ("肤质", ("所有肤质", "干性肌", "油性肌", "敏感肌"))),
        ("温和不刺激", "敏感肌可用", "持久保湿", "无酒精配方", "国家备案"),
        (20, 40), ("广州莱雅化妆品厂", "上海芳润生物科技"),
    ),
    Category(
        "个护", "Personal care", 0.09, (0.40, 0.60), 0.04, 0.25, 0.10, 200,
        ("清屿",),
        (("无硅油洗发水", "silicone-free shampoo", 69), ("香氛沐浴露", "scented body wash", 59),
         ("电动牙刷", "electric toothbrush", 199), ("护手霜礼盒", "hand cream gift set", 89),
         ("漱口水", "mouthwash", 39)),
        (("规格", ("500ml", "750ml", "1支装", "3支装")), ("香型", ("白茶", "玫瑰", "海盐", "无香"))),
        ("控油蓬松", "留香持久", "温和清洁", "家庭装更划算"),
        (15, 30), ("中山洁美日化", "苏州净源个护"),
    ),
    Category(
        "家居", "Home", 0.10, (0.35, 0.58), 0.06, 0.15, 0.15, 330,
        ("栖木",),
        (("纯棉四件套", "cotton bedding set (4 pcs)", 399), ("记忆棉枕头", "memory foam pillow", 149),
         ("收纳箱三件套", "storage boxes (3 pcs)", 89), ("香薰蜡烛", "scented candle", 79),
         ("珊瑚绒毛毯", "coral fleece blanket", 129)),
        (("颜色", ("奶白", "浅灰", "雾粉", "墨绿")), ("尺寸", ("1.5m床", "1.8m床", "标准款", "大号"))),
        ("A类母婴级", "不掉色不起球", "可机洗", "大容量"),
        (20, 35), ("南通家纺实业", "义乌优品日用"),
    ),
    Category(
        "厨具", "Kitchen", 0.08, (0.30, 0.52), 0.05, 0.12, 0.08, 330,
        ("食间",),
        (("不粘炒锅", "non-stick wok", 229), ("304不锈钢保温杯", "stainless steel vacuum flask", 99),
         ("陶瓷餐具套装", "ceramic dinnerware set", 189), ("硅胶铲勺组合", "silicone utensil set", 69),
         ("手冲咖啡壶", "pour-over coffee kettle", 159)),
        (("材质", ("304不锈钢", "陶瓷", "硅胶", "铸铁")), ("容量", ("500ml", "1.2L", "28cm", "6件套"))),
        ("少油烟", "燃气电磁炉通用", "食品级材质", "易清洗"),
        (20, 45), ("永康厨具制造", "潮州陶瓷有限公司"),
    ),
    Category(
        "数码配件", "Electronics accessories", 0.12, (0.22, 0.45), 0.06, 0.15, 0.12, 315,
        ("极序", "Voltix"),
        (("氮化镓快充充电器", "GaN fast charger", 129), ("磁吸无线充电宝", "magnetic power bank", 199),
         ("降噪蓝牙耳机", "noise-cancelling earbuds", 299), ("Type-C数据线", "USB-C cable", 39),
         ("手机支架", "phone stand", 49), ("机械键盘", "mechanical keyboard", 359)),
        (("颜色", ("黑色", "白色", "远峰蓝")), ("规格", ("65W", "10000mAh", "1m", "2m", "87键"))),
        ("3C认证", "兼容多协议", "一年换新", "轻薄便携"),
        (25, 45), ("深圳讯联电子", "东莞超越科技"),
    ),
    Category(
        "食品", "Snacks", 0.10, (0.20, 0.40), 0.02, 0.35, 0.25, 20,
        ("禾味坊",),
        (("每日坚果30袋", "daily mixed nuts x30", 139), ("手工牛轧糖", "handmade nougat", 59),
         ("冻干草莓", "freeze-dried strawberries", 49), ("挂耳咖啡20包", "drip coffee x20", 69),
         ("五香牛肉干", "spiced beef jerky", 89)),
        (("规格", ("500g", "750g", "20包", "30袋")), ("口味", ("原味", "五香", "海盐", "混合"))),
        ("独立小包装", "无添加蔗糖", "产地直发", "保质期新鲜"),
        (10, 20), ("临安山核桃食品厂", "内蒙古草原食品"),
    ),
    Category(
        "母婴", "Mother & baby", 0.06, (0.35, 0.55), 0.06, 0.25, 0.05, 150,
        ("小棉芽",),
        (("婴儿纸尿裤", "baby diapers", 129), ("宝宝湿巾80抽", "baby wipes (80)", 39),
         ("婴儿连体衣", "baby romper", 99), ("吸管学饮杯", "sippy cup", 69)),
        (("规格", ("S码", "M码", "L码", "80抽x6包")), ("适用年龄", ("0-6个月", "6-12个月", "1-3岁"))),
        ("超薄透气", "无荧光剂", "母婴级面料", "防漏设计"),
        (15, 30), ("福建恒安卫材", "佛山婴宝用品"),
    ),
    Category(
        "运动户外", "Sports & outdoors", 0.06, (0.35, 0.58), 0.09, 0.10, 0.30, 170,
        ("野径",),
        (("瑜伽垫", "yoga mat", 129), ("速干运动T恤", "quick-dry sports tee", 99),
         ("轻量徒步鞋", "lightweight hiking shoes", 459), ("露营折叠椅", "folding camping chair", 179),
         ("跳绳计数款", "counting jump rope", 49)),
        (("颜色", ("黑色", "薄荷绿", "岩灰", "橙色")), ("尺码", ("36-44", "S-XXL", "均码")),
         ("材质", ("TPE", "锦纶", "铝合金"))),
        ("防滑耐磨", "轻量便携", "速干透气", "专业级"),
        (20, 40), ("晋江动力鞋服", "宁波户外装备厂"),
    ),
)

_TITLE_PREFIX = ("2026新款", "爆款", "官方正品", "", "", "新品", "热卖")
_TITLE_SUFFIX = ("", "送礼", "高级感", "百搭", "加厚", "升级款", "家用")


def _pick(rng: np.random.Generator, items: tuple[str, ...]) -> str:
    return items[int(rng.integers(len(items)))]


def build(rng: np.random.Generator, *, start: dt.date, n_sku: int = 224) -> pd.DataFrame:
    """The product table (DATA.md ``products`` columns plus generator columns).

    Generator columns: ``title_en``, ``noun_zh`` / ``noun_en`` (the product word, for ad
    keywords), ``popularity`` (relative demand), ``conv_mult``,
    ``return_rate``, ``extra_qty``, ``season_amp``, ``season_peak``, ``stop_date``.
    """
    shares = np.array([c.share for c in CATEGORIES])
    cat_idx = rng.choice(len(CATEGORIES), size=n_sku, p=shares / shares.sum())
    cat_idx[: len(CATEGORIES)] = np.arange(len(CATEGORIES))  # every category present
    rows: list[dict[str, object]] = []
    sku_no = 0
    for spu_no, ci in enumerate(cat_idx, start=1):
        if sku_no >= n_sku:
            break
        cat = CATEGORIES[ci]
        zh, en, base = cat.nouns[int(rng.integers(len(cat.nouns)))]
        brand = _pick(rng, cat.brands)
        price_level = base * float(rng.lognormal(0.0, 0.18))
        margin = float(rng.uniform(*cat.margin))
        vkey = "颜色" if any(k == "颜色" for k, _ in cat.attrs) else cat.attrs[0][0]
        colors = next(v for k, v in cat.attrs if k == vkey)
        n_var = int(rng.choice([1, 1, 2, 2, 3])) if len(colors) > 1 else 1
        variants = rng.choice(len(colors), size=min(n_var, len(colors)), replace=False)
        prefix, suffix = _pick(rng, _TITLE_PREFIX), _pick(rng, _TITLE_SUFFIX)
        for vi in variants:
            sku_no += 1
            variant = colors[int(vi)]
            price = _retail_price(price_level * float(rng.uniform(0.96, 1.04)))
            attrs = {k: (variant if k == vkey else _pick(rng, v)) for k, v in cat.attrs}
            rows.append({
                "sku": f"SKU-{sku_no:04d}",
                "product_id": f"SPU-{spu_no:03d}",
                "title": " ".join(p for p in (brand, prefix, zh, suffix, variant) if p),
                "title_en": f"{brand} {en.capitalize()} - {_en_variant(variant)}",
                "noun_zh": zh,
                "noun_en": en,
                "category": cat.name,
                "brand": brand,
                "price": price,
                "cost": round(price * (1 - margin) * float(rng.uniform(0.97, 1.03)), 2),
                "attrs": attrs,
                "points": list(rng.choice(cat.points, size=min(3, len(cat.points)), replace=False)),
                "supplier": _pick(rng, cat.suppliers),
                "lead_time_days": int(rng.integers(cat.lead_time[0], cat.lead_time[1] + 1)),
                "moq": int(rng.choice([50, 100, 100, 200, 300, 500])),
                "cat_idx": int(ci),
            })
    frame = pd.DataFrame(rows)
    return _finish(frame, rng, start)


def _finish(frame: pd.DataFrame, rng: np.random.Generator, start: dt.date) -> pd.DataFrame:
    n = len(frame)
    cats = [CATEGORIES[i] for i in frame["cat_idx"]]
    # Long-tailed popularity: one hero product (爆款, about a fifth of demand), a body, a long
    # tail. A Zipf curve over ranks with a little noise keeps the shape stable across seeds
    # (a Pareto draw let one SKU take over half the shop on some seeds and none on others).
    pop = np.arange(1, n + 1, dtype=float) ** -1.0 * rng.lognormal(0.0, 0.15, n)
    pop = np.sort(pop)[::-1]
    pop[0] *= 1.4
    # Cheaper products tend to sell more: ranks go by a price-biased random score.
    price = frame["price"].to_numpy(float)
    score = -0.7 * np.log(price) + rng.normal(0.0, 0.8, n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-score)] = np.arange(n)
    frame["popularity"] = pop[rank] / pop.sum()
    frame["conv_mult"] = np.exp(rng.normal(0, 0.22, n)) * (120.0 / np.maximum(price, 30)) ** 0.25
    frame["return_rate"] = [c.return_rate for c in cats] * np.exp(rng.normal(0, 0.25, n))
    frame["extra_qty"] = [c.extra_qty for c in cats]
    frame["season_amp"] = [c.season_amp for c in cats]
    frame["season_peak"] = [c.season_peak for c in cats]
    # Launch dates: most SKUs before the window, about a fifth launched during it.
    t0 = pd.Timestamp(start)
    before = t0 - pd.to_timedelta(rng.integers(30, 900, n), unit="D")
    within = t0 + pd.to_timedelta(rng.integers(20, 640, n), unit="D")
    new = rng.random(n) < 0.2
    new[frame["popularity"].to_numpy() > np.quantile(frame["popularity"], 0.95)] = False
    frame["launch_date"] = np.where(new, within, before)
    frame["launch_date"] = pd.to_datetime(frame["launch_date"]).dt.date
    # A few discontinued SKUs (off_shelf) stop selling during the window.
    stop = rng.random(n) < 0.05
    stop &= ~new & (frame["popularity"].to_numpy() < np.quantile(frame["popularity"], 0.7))
    stop_days = rng.integers(200, 600, n)
    frame["stop_date"] = [start + dt.timedelta(days=int(s)) if f else None
                          for f, s in zip(stop, stop_days, strict=True)]
    frame["status"] = np.where(stop, "off_shelf", "on_sale")
    frame["attributes"] = [
        "|".join([f"title_en:{t}", *(f"{k}:{v}" for k, v in a.items())])
        for t, a in zip(frame["title_en"], frame["attrs"], strict=True)
    ]
    frame["selling_points"] = ["|".join(p) for p in frame["points"]]
    frame["description"] = [
        f"{t}。{'，'.join(p)}。" for t, p in zip(frame["title"], frame["points"], strict=True)
    ]
    n_img = rng.choice([3, 4, 5, 5, 6], size=n)
    poor = rng.random(n) < 0.07  # listings an audit should catch: too few images
    n_img = np.where(poor, rng.choice([0, 1], size=n), n_img)
    frame["images"] = [
        "|".join(f"images/{s}-{i}.jpg" for i in range(1, k + 1))
        for s, k in zip(frame["sku"], n_img, strict=True)
    ]
    no_text = rng.random(n) < 0.04
    frame.loc[no_text, "description"] = ""
    frame.loc[rng.random(n) < 0.04, "selling_points"] = ""
    return frame.drop(columns=["attrs", "points"])


def _retail_price(x: float) -> float:
    """A shop price: whole yuan ending in 9 (or .90 under 100), as shops price."""
    if x < 100:
        return float(np.floor(x)) + 0.9
    return float(np.floor(x / 10) * 10 + 9)


_EN_COLORS = {"黑色": "Black", "米白": "Ivory", "雾霾蓝": "Haze blue", "燕麦色": "Oat", "酒红": "Burgundy",
              "藏青": "Navy", "灰色": "Grey", "卡其": "Khaki", "奶白": "Cream", "浅灰": "Light grey",
              "雾粉": "Dusty pink", "墨绿": "Forest green", "白色": "White", "远峰蓝": "Sierra blue",
              "薄荷绿": "Mint", "岩灰": "Slate", "橙色": "Orange", "标准": "Standard"}


def _en_variant(variant: str) -> str:
    if variant in _EN_COLORS:
        return _EN_COLORS[variant]
    return variant if variant.isascii() else "Standard"
