"""Text fragments for reviews, merchant replies and customer-service messages (Chinese, English).

Written for this demo. A review is an opener, an aspect remark tied to the product's category
and a closer, chosen by rating band, so the texts vary and carry the signal an analyst looks for
(quality complaints rise when a batch is faulty).
"""

from __future__ import annotations

OPEN_ZH = {
    "good": ("收到了，", "第二次回购了，", "物流很快，", "包装很用心，", "给家人买的，",
             "对比了好几家，", ""),
    "mid": ("还行吧，", "一般般，", "凑合，", "中规中矩，", ""),
    "bad": ("非常失望，", "差评！", "第一次给差评，", "不推荐，", "后悔买了，"),
}
OPEN_EN = {
    "good": ("Arrived quickly. ", "Second time buying. ", "Great gift. ", "Love it! ", ""),
    "mid": ("It's okay. ", "Decent. ", "Not bad, not great. ", ""),
    "bad": ("Very disappointed. ", "Would not recommend. ", "Waste of money. ", "Not as advertised. "),
}
ASPECT_ZH: dict[str, dict[str, tuple[str, ...]]] = {
    "女装": {"good": ("版型很好很显瘦", "面料舒服不扎人", "颜色和图片一样", "尺码标准"),
             "mid": ("颜色比图片暗一点", "有点线头", "尺码偏大一码"),
             "bad": ("洗了一次就起球", "线头很多做工粗糙", "和图片差太多", "尺码严重偏小")},
    "男装": {"good": ("穿着挺括很精神", "料子厚实", "尺码合适"), "mid": ("稍微有点褶", "版型一般"),
             "bad": ("掉色严重", "扣子掉了", "缩水厉害")},
    "美妆": {"good": ("用着很温和", "保湿效果好", "味道淡淡的很喜欢", "是正品"),
             "mid": ("效果一般", "有点油腻"), "bad": ("用了过敏起痘", "感觉不像正品", "瓶子漏了")},
    "个护": {"good": ("洗完很蓬松", "香味持久", "家庭装很划算"), "mid": ("味道有点冲", "泡沫少"),
             "bad": ("用完头皮痒", "泵头坏的", "漏液了")},
    "家居": {"good": ("质量很好", "颜色很温柔", "软乎乎的"), "mid": ("有点味道要晾晾", "比想象小"),
             "bad": ("掉毛严重", "有异味", "做工很差")},
    "厨具": {"good": ("不粘效果很好", "很好清洗", "保温效果不错"), "mid": ("有点重", "涂层一般"),
             "bad": ("用了两次就粘锅", "漏水", "涂层脱落")},
    "数码配件": {"good": ("充电很快", "做工精致", "音质不错", "兼容性好"), "mid": ("有点发热", "续航一般"),
                 "bad": ("用了三天就坏了", "充不进电", "有电流声", "接触不良")},
    "食品": {"good": ("很新鲜", "味道好吃", "独立包装方便"), "mid": ("有点甜", "分量少了点"),
             "bad": ("有一袋漏气了", "日期不新鲜", "吃出异物")},
    "母婴": {"good": ("宝宝用着没红屁屁", "很柔软", "吸水性好"), "mid": ("尺码偏小", "有点薄"),
             "bad": ("宝宝用了过敏", "侧漏", "质量不如以前")},
    "运动户外": {"good": ("很防滑", "轻便好用", "透气性好"), "mid": ("有点味道", "比较硬"),
                 "bad": ("开胶了", "质量太差", "用一次就断了")},
}
ASPECT_EN: dict[str, tuple[str, ...]] = {
    "good": ("Quality is excellent", "Fits perfectly", "Exactly as pictured", "Works great", "Good value"),
    "mid": ("Color slightly different", "A bit smaller than expected", "Shipping took a while"),
    "bad": ("Broke after a few days", "Poor quality", "Stopped working", "Item arrived damaged"),
}
CLOSE_ZH = {"good": ("，推荐购买！", "，还会再来。", "，好评。", "。", "，五星！"),
            "mid": ("。", "，看以后吧。", "，勉强接受。"),
            "bad": ("，要求退货。", "，客服也不理人。", "。", "，大家慎买。")}
CLOSE_EN = {"good": (". Recommended!", ". Will buy again.", "!", "."),
            "mid": (".", ". Okay for the price."),
            "bad": (". Requested a refund.", ". Avoid.", ".")}
AUTO_REVIEW_ZH = "此用户没有填写评价。"
QUALITY_ZH = ("质量有问题，", "收到就是坏的，", "同一批次都有问题吧？")  # followed by the aspect
QUALITY_EN = ("Defective item, ", "Arrived faulty, ", "Quality problem, ")

REPLY_ZH: dict[str, tuple[str, ...]] = {
    "good": ("感谢亲的支持，期待您再次光临~", "谢谢亲的好评，我们会继续努力！"),
    "bad": ("非常抱歉给您带来不好的体验，已安排客服联系您处理。",
            "亲，抱歉让您失望了，请联系在线客服为您退换。",
            "感谢反馈，我们已反馈给质检部门，会尽快改进。"),
}
REPLY_EN: dict[str, tuple[str, ...]] = {
    "good": ("Thank you for your kind review!", "Thanks for shopping with us!"),
    "bad": ("We're sorry about this. Our team will contact you to make it right.",
            "Sorry for the trouble - please reach out and we will send a replacement."),
}

# Customer-service topics: (inbound Chinese, inbound English, outbound Chinese, outbound English).
MESSAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "size": (("这个尺码偏大还是偏小？", "身高165体重110穿什么码？", "平时穿M码这款拍哪个？"),
             ("Does this run small?", "What size should I get, I'm usually a M?"),
             ("亲，按平时尺码拍就可以哦，详情页有尺码表~", "亲，建议拍M码，喜欢宽松可以大一码。"),
             ("It runs true to size - please check the size chart on the page.",)),
    "coupon": (("有优惠券吗？", "满减活动还有吗？", "直播间的价格还能拿到吗？"),
               ("Do you have a discount code?", "Is the sale still on?"),
               ("亲，领取店铺券可以再减10元哦~", "亲，活动价以下单页面为准哈。"),
               ("You can use WELCOME10 for 10% off your first order.",)),
    "ship_when": (("什么时候发货？", "今天能发吗？", "拍下多久发货呀？"),
                  ("When will my order ship?", "Has my order shipped yet?"),
                  ("亲，16点前付款当天发货哦~", "亲，已经在打包了，今天会发出。"),
                  ("Orders ship within 1-2 business days.",)),
    "where": (("快递到哪了？怎么还没到", "物流好几天没更新了", "说好的今天到怎么还没到？", "催一下快递"),
              ("Where is my package?", "Tracking hasn't updated for days.", "My order is late."),
              ("亲，已帮您联系快递催件了，请再耐心等待一下。", "非常抱歉，快递那边延误了，我们在跟进。"),
              ("Sorry for the delay - we've contacted the carrier.",)),
    "return": (("怎么退货？", "尺码不合适可以换吗？", "七天无理由可以退吗？"),
               ("How do I return this?", "Can I exchange for another size?"),
               ("亲，在订单页申请退换货即可，我们会尽快处理。", "可以的亲，申请换货就行，运费险会补偿运费。"),
               ("You can start a return from your order page.",)),
    "quality": (("收到的东西有质量问题", "刚用就坏了怎么处理？", "和上次买的质量差好多"),
                ("The item I received is defective.", "It broke after one use."),
                ("非常抱歉！麻烦拍照发一下，我们给您退换。", "亲，抱歉，可以直接申请退款，我们优先处理。"),
                ("We're sorry! Please send a photo and we'll replace it.",)),
    "invoice": (("可以开发票吗？", "发票抬头怎么填？"), ("Can I get an invoice?",),
                ("可以的亲，订单完成后在订单页申请电子发票。",),
                ("Yes, an invoice is emailed after delivery.",)),
}
