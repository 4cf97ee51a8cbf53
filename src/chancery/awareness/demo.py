"""The demo course, written for Chancery in English and Vietnamese: recognising and reporting phishing."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from chancery.awareness.curriculum import curriculum_install
from chancery.awareness.models import Course, DrillTemplate, Lesson, Question

COURSE: dict[str, Any] = {
    "slug": "phishing-basics",
    "title_en": "Recognising and reporting phishing",
    "title_vi": "Nhận biết và báo cáo thư lừa đảo",
    "summary_en": "Fifteen minutes on how phishing reaches diplomats, how to spot it, and what to do.",
    "summary_vi": "Mười lăm phút về cách thư lừa đảo nhắm vào cán bộ ngoại giao, cách nhận biết và cách xử lý.",
    "pass_mark": 75,
}

LESSONS: list[dict[str, str]] = [
    {
        "title_en": "Why diplomats are targets",
        "title_vi": "Vì sao cán bộ ngoại giao là mục tiêu",
        "body_en": (
            "Foreign ministries hold what other states want: negotiating positions, reporting from missions, "
            "contacts. The cheapest way in is an e-mail that makes one person click.\n\n"
            "* Messages imitate colleagues, partner ministries, conference organisers and IT support.\n"
            "* They are often written for you, using names and events found in public sources.\n"
            "* One stolen password can open a mailbox that many people trust."
        ),
        "body_vi": (
            "Bộ Ngoại giao nắm giữ những thông tin mà các quốc gia khác muốn có: lập trường đàm phán, báo cáo "
            "từ các cơ quan đại diện, danh bạ liên hệ. Cách rẻ nhất để xâm nhập là một thư điện tử khiến một "
            "người bấm vào liên kết.\n\n"
            "* Thư giả danh đồng nghiệp, bộ đối tác, ban tổ chức hội nghị và bộ phận hỗ trợ kỹ thuật.\n"
            "* Thư thường được viết riêng cho bạn, dùng tên người và sự kiện lấy từ nguồn công khai.\n"
            "* Chỉ một mật khẩu bị đánh cắp cũng có thể mở ra một hộp thư mà nhiều người tin tưởng."
        ),
    },
    {
        "title_en": "Signs of a phishing message",
        "title_vi": "Dấu hiệu của thư lừa đảo",
        "body_en": (
            "Look before you click:\n\n"
            "1. **The sender's address**, not just the name shown. Is it the ministry's domain?\n"
            '2. **Urgency or fear**: "your account will be closed today".\n'
            "3. **A link whose address is not what it says**. Hover over it without clicking.\n"
            "4. **An unexpected attachment**, especially one that asks you to enable content.\n"
            "5. **A request for a password or a code.** The ministry never asks for them by e-mail."
        ),
        "body_vi": (
            "Hãy quan sát trước khi bấm:\n\n"
            "1. **Địa chỉ người gửi**, không chỉ tên hiển thị. Đó có phải tên miền của Bộ không?\n"
            '2. **Sự cấp bách hoặc đe dọa**: "tài khoản của bạn sẽ bị khóa hôm nay".\n'
            "3. **Liên kết có địa chỉ khác với nội dung hiển thị.** Di chuột lên liên kết mà không bấm.\n"
            "4. **Tệp đính kèm bất ngờ**, nhất là tệp yêu cầu bật nội dung.\n"
            "5. **Yêu cầu cung cấp mật khẩu hoặc mã xác thực.** Bộ không bao giờ yêu cầu qua thư điện tử."
        ),
    },
    {
        "title_en": "What to do",
        "title_vi": "Cần làm gì",
        "body_en": (
            "* **Do not click, do not reply, do not forward to colleagues.**\n"
            "* Save the message as an `.eml` file and use **Report phishing** in Chancery. The security team "
            "checks it and, if it is phishing, warns colleagues and partner ministries.\n"
            "* If you already clicked or typed your password: report it at once and change your password. "
            "Reporting quickly matters more than anything else; nobody is blamed for reporting."
        ),
        "body_vi": (
            "* **Không bấm, không trả lời, không chuyển tiếp cho đồng nghiệp.**\n"
            "* Lưu thư thành tệp `.eml` và dùng chức năng **Báo cáo lừa đảo** trong Chancery. Bộ phận an ninh "
            "sẽ kiểm tra và, nếu đó là thư lừa đảo, sẽ cảnh báo đồng nghiệp và các bộ đối tác.\n"
            "* Nếu bạn đã bấm hoặc đã nhập mật khẩu: hãy báo cáo ngay và đổi mật khẩu. Báo cáo sớm là điều "
            "quan trọng nhất; không ai bị khiển trách vì đã báo cáo."
        ),
    },
]

QUESTIONS: list[dict[str, Any]] = [
    {
        "text_en": 'A message from "IT Service Desk" asks you to confirm your password today. What do you do?',
        "text_vi": 'Một thư từ "Bộ phận hỗ trợ kỹ thuật" yêu cầu bạn xác nhận mật khẩu ngay hôm nay. Bạn làm gì?',
        "choices": [
            {
                "en": "Confirm it quickly so the account is not closed",
                "vi": "Xác nhận nhanh để tài khoản không bị khóa",
            },
            {"en": "Report the message with Report phishing", "vi": "Báo cáo thư bằng chức năng Báo cáo lừa đảo"},
            {"en": "Forward it to colleagues to ask them", "vi": "Chuyển tiếp cho đồng nghiệp để hỏi ý kiến"},
        ],
        "correct": 1,
        "feedback_en": "The ministry never asks for passwords by e-mail: report it.",
        "feedback_vi": "Bộ không bao giờ yêu cầu mật khẩu qua thư điện tử: hãy báo cáo thư đó.",
    },
    {
        "text_en": "What matters most about the sender?",
        "text_vi": "Điều gì quan trọng nhất ở người gửi?",
        "choices": [
            {"en": "The name shown", "vi": "Tên hiển thị"},
            {"en": "The actual address and its domain", "vi": "Địa chỉ thực và tên miền của nó"},
            {"en": "The signature at the bottom", "vi": "Chữ ký ở cuối thư"},
        ],
        "correct": 1,
        "feedback_en": "Names and signatures are easy to fake; check the address and domain.",
        "feedback_vi": "Tên và chữ ký rất dễ giả mạo; hãy kiểm tra địa chỉ và tên miền.",
    },
    {
        "text_en": "You clicked a link and typed your password before noticing. What now?",
        "text_vi": "Bạn đã bấm liên kết và nhập mật khẩu trước khi nhận ra. Giờ làm gì?",
        "choices": [
            {"en": "Say nothing and hope", "vi": "Im lặng và hy vọng không sao"},
            {"en": "Report at once and change your password", "vi": "Báo cáo ngay và đổi mật khẩu"},
        ],
        "correct": 1,
        "feedback_en": "Reporting quickly limits the damage; nobody is blamed for reporting.",
        "feedback_vi": "Báo cáo sớm giúp hạn chế thiệt hại; không ai bị khiển trách vì đã báo cáo.",
    },
    {
        "text_en": "Which attachment should worry you most?",
        "text_vi": "Tệp đính kèm nào đáng lo ngại nhất?",
        "choices": [
            {
                "en": "A document you were expecting from a known colleague",
                "vi": "Tài liệu bạn đang chờ từ một đồng nghiệp quen",
            },
            {
                "en": "An unexpected invoice that asks you to enable content",
                "vi": "Một hóa đơn bất ngờ yêu cầu bật nội dung",
            },
        ],
        "correct": 1,
        "feedback_en": "Unexpected files that ask you to enable content are a classic way in.",
        "feedback_vi": "Tệp bất ngờ yêu cầu bật nội dung là cách xâm nhập kinh điển.",
    },
]


def awareness_demo_seed() -> Course:
    """Create or update the demo course (lessons and quiz), the course library and a drill template."""
    with transaction.atomic():
        course, _created = Course.objects.update_or_create(slug=COURSE["slug"], defaults=COURSE)
        for position, lesson in enumerate(LESSONS, start=1):
            Lesson.objects.update_or_create(course=course, position=position, defaults=lesson)
        for position, question in enumerate(QUESTIONS, start=1):
            Question.objects.update_or_create(course=course, position=position, defaults=question)
        curriculum_install()
        DrillTemplate.objects.update_or_create(
            name="Password expiry (demo)",
            defaults={
                "sender_name": "IT Service Desk",
                "sender_address": "helpdesk@mofa-support.example",
                "subject": "Your password expires today / Mật khẩu của bạn hết hạn hôm nay",
                "body": "Dear colleague,\n\nYour password expires today. Keep it here: {link}\n\nIT Service Desk",
                "landing_title": "Ministry sign-in",
                "landing_prompt": "Sign in to keep your current password.",
                "course": course,
            },
        )
    return course
