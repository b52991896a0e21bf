"""Platform import profiles: real exports of Shopify, Amazon Ads, Olist, UCI Online Retail,
CDNOW and Taobao/Tmall, converted into the DATA.md tables.

Importing this package registers every profile with ``ecomops.ingest.profile`` (the import
pipeline imports it on first use). Each profile lists the headers it needs in
``required_headers``, so an unrecognised file is told which ones it lacks.
"""

from __future__ import annotations

from ecomops.ingest.profile import SourceProfile, register_profile
from ecomops.ingest.profiles.amazon import AmazonAdsProfile
from ecomops.ingest.profiles.cdnow import CdnowProfile
from ecomops.ingest.profiles.olist import OlistProfile
from ecomops.ingest.profiles.online_retail import OnlineRetailProfile
from ecomops.ingest.profiles.shopify import ShopifyOrdersProfile, ShopifyProductsProfile
from ecomops.ingest.profiles.taobao import TaobaoProfile

PROFILES: tuple[SourceProfile, ...] = (
    ShopifyOrdersProfile(),
    ShopifyProductsProfile(),
    AmazonAdsProfile(),
    OlistProfile(),
    OnlineRetailProfile(),
    CdnowProfile(),
    TaobaoProfile(),
)

for _profile in PROFILES:
    register_profile(_profile)
