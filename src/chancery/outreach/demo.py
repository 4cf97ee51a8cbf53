"""The outreach part of the demo: a two-step workflow, accounts on the local fake servers, a few posts.

The press department's press officer (``press``) drafts; step 1 "Desk review" is any of ``desk`` and
``analyst``, step 2 "Spokesperson" is all of ``admin``. Accounts point at the fake Mastodon
(``CHANCERY_DEMO_MASTODON_PORT``, 8701) and Bluesky (``CHANCERY_DEMO_BLUESKY_PORT``, 8702) servers
that ``chancery demo`` starts (:mod:`chancery.outreach.fake_servers`). One statement is fully approved
and due, so the worker publishes it as soon as it runs; one waits at step 1, one at step 2, and a draft
is scheduled for next week, in both languages. Idempotent: nothing is added when posts already exist.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from chancery.outreach import services
from chancery.outreach.content import PartIn
from chancery.outreach.fake_servers import BLUESKY_PASSWORD, MASTODON_TOKEN
from chancery.outreach.models import Post
from chancery.platform.actor import Actor


def _fake_url(port_setting: str) -> str:
    from django.conf import settings

    return f"http://127.0.0.1:{getattr(settings, port_setting)}"


BLUESKY_HANDLE = "mofa.bsky.test"

POSTS = [
    (
        "ASEAN Foreign Ministers' joint communiqué",
        (
            "Việt Nam hoan nghênh Tuyên bố chung của Hội nghị Bộ trưởng Ngoại giao ASEAN và cam kết tiếp tục "
            "đóng góp tích cực vì hòa bình, ổn định và hợp tác trong khu vực."
        ),
        (
            "Viet Nam welcomes the Joint Communiqué of the ASEAN Foreign Ministers' Meeting and remains committed "
            "to contributing actively to peace, stability and cooperation in the region."
        ),
        -1,
        ["desk", "admin"],
    ),
    (
        "Lunar New Year greetings to partners",
        "Nhân dịp Tết Nguyên đán, Bộ Ngoại giao xin gửi lời chúc mừng năm mới tới bạn bè quốc tế.",
        (
            "On the occasion of the Lunar New Year, the Ministry of Foreign Affairs extends its best wishes to "
            "friends and partners around the world."
        ),
        2,
        ["analyst"],
    ),
    (
        "Citizen protection advisory: typhoon season",
        (
            "Bộ Ngoại giao khuyến cáo công dân Việt Nam ở nước ngoài theo dõi thông tin thời tiết và liên hệ cơ "
            "quan đại diện khi cần hỗ trợ."
        ),
        (
            "The Ministry advises Vietnamese citizens abroad to follow weather warnings and to contact the nearest "
            "embassy or consulate if they need assistance."
        ),
        1,
        [],
    ),
    (
        "Cultural week in Paris (draft)",
        "Tuần Văn hóa Việt Nam tại Paris sẽ khai mạc vào tuần tới với nhiều hoạt động đặc sắc.",
        "Viet Nam Cultural Week in Paris opens next week with a rich programme of events.",
        7,
        None,
    ),
]


# The draft for next week is a thread: its further parts, in both languages.
THREADS = {
    "Cultural week in Paris (draft)": [
        PartIn(
            "Khách tham quan sẽ được thưởng thức ẩm thực, âm nhạc truyền thống và triển lãm tranh sơn mài.",
            "Visitors can enjoy Vietnamese cuisine, traditional music and an exhibition of lacquer paintings.",
        )
    ]
}

TEMPLATES = [
    (
        "Quốc khánh / National Day",
        "Bộ Ngoại giao Việt Nam trân trọng chúc mừng Quốc khánh ...",
        "The Ministry of Foreign Affairs of Viet Nam extends its warmest congratulations on the National Day of ...",
    )
]

CAMPAIGNS = [
    ("Hợp tác khu vực ASEAN", "ASEAN regional cooperation", -7),
    ("Ngoại giao kinh tế", "Economic diplomacy", 0),
]


def _actor(username: str) -> Actor:
    return Actor.from_user(get_user_model().objects.get(username=username))


def outreach_demo_seed() -> None:
    """Seed the workflow, the two fake-server accounts and the demo posts (through the services)."""
    if Post.objects.exists():
        return
    press = _actor("press")
    users = {u.username: u.pk for u in get_user_model().objects.filter(username__in=["desk", "analyst", "admin"])}
    services.workflow_set(
        actor=press,
        steps=[
            services.StepIn(name="Desk review", mode="any", approver_ids=[users["desk"], users["analyst"]]),
            services.StepIn(name="Spokesperson", mode="all", approver_ids=[users["admin"]]),
        ],
    )
    accounts = [
        services.account_create(
            actor=press,
            account=services.AccountIn(
                platform="mastodon",
                base_url=_fake_url("DEMO_MASTODON_PORT"),
                handle="@mofa",
                language="vi",
                credentials={"access_token": MASTODON_TOKEN},
            ),
            verify=False,
        ),
        services.account_create(
            actor=press,
            account=services.AccountIn(
                platform="bluesky",
                base_url=_fake_url("DEMO_BLUESKY_PORT"),
                web_base_url=_fake_url("DEMO_BLUESKY_PORT"),
                handle=BLUESKY_HANDLE,
                language="en",
                credentials={"identifier": BLUESKY_HANDLE, "app_password": BLUESKY_PASSWORD},
            ),
        ),
    ]
    now = timezone.now().replace(second=0, microsecond=0)
    campaigns = [
        services.campaign_create(
            actor=press,
            campaign=services.CampaignIn(
                name_vi=name_vi, name_en=name_en, starts_on=(now + timedelta(days=start)).date(), ends_on=None
            ),
        )
        for name_vi, name_en, start in CAMPAIGNS
    ]
    for index, (title, text_vi, text_en, days, approvers) in enumerate(POSTS):
        post = services.post_create(
            actor=press,
            content=services.PostIn(
                title=title,
                text_vi=text_vi,
                text_en=text_en,
                account_ids=[a.pk for a in accounts],
                scheduled_for=now + timedelta(days=days),
                campaign_id=campaigns[index % len(campaigns)].pk,
                parts=THREADS.get(title, []),
            ),
        )
        if approvers is None:
            continue
        services.post_submit(actor=press, post_id=post.pk)
        for username in approvers:
            services.post_approve(actor=_actor(username), post_id=post.pk)
    for name, text_vi, text_en in TEMPLATES:
        services.template_create(actor=press, name=name, text_vi=text_vi, text_en=text_en)
