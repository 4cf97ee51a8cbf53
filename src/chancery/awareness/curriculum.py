"""The course library shipped with Chancery, written for the project in Vietnamese and English.

Security basics, passwords and two-factor sign-in, handling classified material, social-media hygiene,
and a digital-literacy path for officials new to the platform (finding and sharing; cables and AI
outputs and their limits). The phishing course lives in :mod:`chancery.awareness.demo`. Each course has
Markdown lessons and a quiz with a pass mark and per-question feedback. :func:`curriculum_install`
creates or updates them (``chancery awareness courses install``; ``chancery demo`` does it too).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from chancery.awareness.models import Course, Lesson, Question


def _q(  # noqa: PLR0917 - one call per question reads best positionally
    text_en: str,
    text_vi: str,
    choices: list[tuple[str, str]],
    correct: int,
    feedback_en: str,
    feedback_vi: str,
) -> dict[str, Any]:
    return {
        "text_en": text_en,
        "text_vi": text_vi,
        "choices": [{"en": en, "vi": vi} for en, vi in choices],
        "correct": correct,
        "feedback_en": feedback_en,
        "feedback_vi": feedback_vi,
    }


SECURITY_BASICS: dict[str, Any] = {
    "course": {
        "slug": "security-basics",
        "title_en": "Security basics for ministry staff",
        "title_vi": "Kiến thức an ninh cơ bản cho cán bộ",
        "summary_en": "What attackers want from a foreign ministry, the habits that stop most of them, and "
        "how to report an incident.",
        "summary_vi": "Đối tượng tấn công muốn gì ở Bộ Ngoại giao, những thói quen ngăn chặn phần lớn các cuộc "
        "tấn công và cách báo cáo sự cố.",
        "pass_mark": 75,
    },
    "lessons": [
        {
            "title_en": "What is at stake",
            "title_vi": "Điều gì đang bị đe dọa",
            "body_en": (
                "A foreign ministry is a target for intelligence services, criminal groups and activists. "
                "They want negotiating positions, reporting from missions, personal data of staff and "
                "partners, and access they can reuse later.\n\n"
                "Most intrusions do not start with clever technology. They start with **one person** who "
                "opens an attachment, reuses a password, plugs in an unknown USB stick or leaves a laptop "
                "unlocked in a hotel.\n\n"
                "Three things protect the ministry's information:\n\n"
                "* **Confidentiality**: only people with the clearance and the need to know read it.\n"
                "* **Integrity**: nobody changes it without trace (Chancery keeps an audit trail and a "
                "transparency log of releases).\n"
                "* **Availability**: it is there when a mission needs it, including during a crisis."
            ),
            "body_vi": (
                "Bộ Ngoại giao là mục tiêu của các cơ quan tình báo, nhóm tội phạm và các nhóm hoạt động. "
                "Họ muốn có lập trường đàm phán, báo cáo từ các cơ quan đại diện, dữ liệu cá nhân của cán bộ "
                "và đối tác, cùng những quyền truy cập có thể dùng lại về sau.\n\n"
                "Phần lớn các vụ xâm nhập không bắt đầu bằng công nghệ tinh vi. Chúng bắt đầu từ **một "
                "người** mở tệp đính kèm, dùng lại mật khẩu, cắm một USB lạ hoặc để máy tính không khóa "
                "trong khách sạn.\n\n"
                "Ba yếu tố bảo vệ thông tin của Bộ:\n\n"
                "* **Tính bí mật**: chỉ người có thẩm quyền tiếp cận và có nhu cầu công việc mới được đọc.\n"
                "* **Tính toàn vẹn**: không ai được thay đổi mà không để lại dấu vết (Chancery lưu nhật ký "
                "kiểm toán và sổ minh bạch cho các văn bản đã phát hành).\n"
                "* **Tính sẵn sàng**: thông tin luôn có khi cơ quan đại diện cần, kể cả lúc khủng hoảng."
            ),
        },
        {
            "title_en": "Everyday habits",
            "title_vi": "Thói quen hằng ngày",
            "body_en": (
                "1. **Lock your screen** whenever you leave your desk (Windows key + L, or Ctrl + Cmd + Q "
                "on a Mac).\n"
                "2. **Install updates** when asked; they close holes that attackers already use.\n"
                "3. **Use only devices and storage the ministry issued.** Never plug in a USB stick you "
                "were given at a conference or found in a corridor.\n"
                "4. **Keep work in Chancery**, not in personal e-mail, messaging apps or cloud drives.\n"
                "5. **Travel light**: take only the data you need on a mission trip, keep the device with "
                "you, and report it at once if it was out of your sight at a border or in a hotel room.\n"
                "6. **Public Wi-Fi** is acceptable for Chancery only because every connection is "
                "encrypted; never type your password into a page that the hotel's network shows you."
            ),
            "body_vi": (
                "1. **Khóa màn hình** mỗi khi rời bàn làm việc (phím Windows + L, hoặc Ctrl + Cmd + Q trên "
                "máy Mac).\n"
                "2. **Cài đặt bản cập nhật** khi được yêu cầu; chúng vá những lỗ hổng mà kẻ tấn công đang "
                "khai thác.\n"
                "3. **Chỉ dùng thiết bị và phương tiện lưu trữ do Bộ cấp.** Không bao giờ cắm USB được tặng "
                "ở hội nghị hay nhặt được ngoài hành lang.\n"
                "4. **Xử lý công việc trong Chancery**, không qua thư điện tử cá nhân, ứng dụng nhắn tin "
                "hay dịch vụ lưu trữ đám mây cá nhân.\n"
                "5. **Mang theo ít dữ liệu khi đi công tác**: chỉ mang những gì cần thiết, luôn giữ thiết bị "
                "bên mình và báo cáo ngay nếu thiết bị rời khỏi tầm mắt ở cửa khẩu hay trong phòng khách "
                "sạn.\n"
                "6. **Wi-Fi công cộng** chỉ được chấp nhận với Chancery vì mọi kết nối đều được mã hóa; "
                "không bao giờ nhập mật khẩu vào trang mà mạng của khách sạn hiển thị."
            ),
        },
        {
            "title_en": "When something goes wrong",
            "title_vi": "Khi có sự cố",
            "body_en": (
                "Report **at once** to the security officer of your unit, or through **Report phishing** "
                "for a suspicious message, when:\n\n"
                "* you clicked a link or opened a file you now doubt;\n"
                "* a device was lost, stolen or inspected out of your sight;\n"
                "* you see sign-ins, password changes or messages you did not make;\n"
                "* classified information may have reached someone without clearance.\n\n"
                "Do not try to clean the device yourself and do not delete anything: the security team "
                "needs the traces. Reporting early limits the damage; nobody is blamed for reporting."
            ),
            "body_vi": (
                "Hãy báo cáo **ngay** cho cán bộ an ninh của đơn vị, hoặc dùng chức năng **Báo cáo lừa "
                "đảo** đối với thư đáng ngờ, khi:\n\n"
                "* bạn đã bấm vào liên kết hoặc mở tệp mà giờ bạn nghi ngờ;\n"
                "* thiết bị bị mất, bị đánh cắp hoặc bị kiểm tra khi bạn không có mặt;\n"
                "* bạn thấy các lần đăng nhập, thay đổi mật khẩu hay tin nhắn không phải do mình thực hiện;\n"
                "* thông tin mật có thể đã đến tay người không có thẩm quyền.\n\n"
                "Đừng tự xử lý thiết bị và đừng xóa gì cả: bộ phận an ninh cần các dấu vết đó. Báo cáo sớm "
                "giúp hạn chế thiệt hại; không ai bị khiển trách vì đã báo cáo."
            ),
        },
    ],
    "questions": [
        _q(
            "At a conference you receive a USB stick with the presentations. What do you do?",
            "Tại hội nghị, bạn được tặng một USB chứa các bài trình bày. Bạn làm gì?",
            [
                ("Plug it into my work laptop to copy the files", "Cắm vào máy tính công vụ để chép tệp"),
                (
                    "Do not plug it in; ask for the files through official channels",
                    "Không cắm; đề nghị nhận tài liệu qua kênh chính thức",
                ),
                ("Plug it into a colleague's laptop instead", "Cắm vào máy của đồng nghiệp"),
            ],
            1,
            "Unknown storage is a classic way in; only ministry-issued media may be used.",
            "Phương tiện lưu trữ lạ là con đường xâm nhập kinh điển; chỉ dùng phương tiện do Bộ cấp.",
        ),
        _q(
            "Your laptop was taken away for inspection at a border for twenty minutes. What now?",
            "Máy tính của bạn bị mang đi kiểm tra ở cửa khẩu trong hai mươi phút. Giờ làm gì?",
            [
                ("Nothing, it was returned", "Không làm gì, máy đã được trả lại"),
                (
                    "Report it to the security officer before using it again",
                    "Báo cáo cán bộ an ninh trước khi dùng lại",
                ),
                ("Reinstall it myself", "Tự cài đặt lại máy"),
            ],
            1,
            "A device out of your sight may have been altered; the security team checks it.",
            "Thiết bị rời khỏi tầm mắt có thể đã bị can thiệp; bộ phận an ninh sẽ kiểm tra.",
        ),
        _q(
            "Where should a draft note to a partner ministry be kept?",
            "Dự thảo công hàm gửi bộ đối tác nên được lưu ở đâu?",
            [
                ("In my personal cloud drive for easy access", "Trên ổ đám mây cá nhân cho tiện"),
                ("In Chancery, in my unit's documents", "Trong Chancery, tại tài liệu của đơn vị"),
                ("In a messaging app chat with myself", "Trong cuộc trò chuyện với chính mình trên ứng dụng nhắn tin"),
            ],
            1,
            "Chancery encrypts, controls access and keeps a trail; personal services do none of that for us.",
            "Chancery mã hóa, kiểm soát truy cập và lưu dấu vết; dịch vụ cá nhân không làm được điều đó.",
        ),
        _q(
            "You notice a sign-in to your account from a city you have never visited. What first?",
            "Bạn thấy tài khoản của mình được đăng nhập từ một thành phố bạn chưa từng đến. Việc đầu tiên?",
            [
                ("Report it to the security officer at once", "Báo cáo ngay cho cán bộ an ninh"),
                ("Wait to see whether it happens again", "Chờ xem có lặp lại không"),
                ("Delete the sign-in history", "Xóa lịch sử đăng nhập"),
            ],
            0,
            "Report at once and keep the traces; the security team decides what to reset.",
            "Báo cáo ngay và giữ nguyên dấu vết; bộ phận an ninh quyết định cần đặt lại những gì.",
        ),
    ],
}

PASSWORDS_MFA: dict[str, Any] = {
    "course": {
        "slug": "passwords-and-mfa",
        "title_en": "Passwords and two-factor sign-in",
        "title_vi": "Mật khẩu và xác thực hai yếu tố",
        "summary_en": "Long passphrases, never reused, and a second factor that a stolen password cannot pass.",
        "summary_vi": "Cụm mật khẩu dài, không dùng lại, và yếu tố thứ hai mà mật khẩu bị đánh cắp không thể vượt qua.",
        "pass_mark": 75,
    },
    "lessons": [
        {
            "title_en": "Passphrases",
            "title_vi": "Cụm mật khẩu",
            "body_en": (
                "Length beats complexity. A passphrase of four or five unrelated words "
                "(`lantern river copper seventy`) is easier to remember and far harder to guess than "
                "`P@ssw0rd1!`.\n\n"
                "* **Never reuse** your Chancery password anywhere else. When another website is "
                "breached, attackers try the same e-mail and password on every service they can find.\n"
                "* Do not build passwords from names, birthdays, the ministry's name or the current year.\n"
                "* Do not write it on a note near your screen. A password manager approved by the "
                "ministry is the right place to keep other passwords.\n"
                "* Change it at once if you typed it into a page you now doubt, and report it."
            ),
            "body_vi": (
                "Độ dài quan trọng hơn độ phức tạp. Một cụm mật khẩu gồm bốn, năm từ không liên quan "
                "(`đèn lồng sông đồng bảy mươi`) dễ nhớ hơn và khó đoán hơn nhiều so với `P@ssw0rd1!`.\n\n"
                "* **Không bao giờ dùng lại** mật khẩu Chancery ở nơi khác. Khi một trang web khác bị lộ "
                "dữ liệu, kẻ tấn công sẽ thử cùng địa chỉ thư và mật khẩu trên mọi dịch vụ.\n"
                "* Không đặt mật khẩu từ tên người, ngày sinh, tên Bộ hay năm hiện tại.\n"
                "* Không ghi mật khẩu lên giấy dán cạnh màn hình. Trình quản lý mật khẩu được Bộ phê duyệt "
                "là nơi phù hợp để lưu các mật khẩu khác.\n"
                "* Đổi mật khẩu ngay nếu bạn đã nhập vào một trang đáng ngờ, và báo cáo sự việc."
            ),
        },
        {
            "title_en": "Two-factor sign-in in Chancery",
            "title_vi": "Xác thực hai yếu tố trong Chancery",
            "body_en": (
                "A second factor means a stolen password alone does not open your account.\n\n"
                "* Set it up on your **Security** page: an authenticator app (a six-digit code that "
                "changes every 30 seconds) or, better, a **security key**, which cannot be phished "
                "because it checks the website's address itself.\n"
                "* Print or store the **recovery codes** somewhere safe and offline; each works once.\n"
                "* Downloading documents marked Confidential or above asks for the second factor again.\n"
                "* **Never read a code to anyone**, on the phone or in a chat, whoever they claim to be. "
                "IT staff never need your code.\n"
                "* A sign-in prompt or code you did not request means someone has your password: change "
                "it and report it."
            ),
            "body_vi": (
                "Yếu tố thứ hai giúp mật khẩu bị đánh cắp không thể tự mở được tài khoản của bạn.\n\n"
                "* Cài đặt tại trang **Bảo mật**: ứng dụng xác thực (mã sáu chữ số thay đổi mỗi 30 giây) "
                "hoặc tốt hơn là **khóa bảo mật**, loại khóa không thể bị lừa vì tự kiểm tra địa chỉ trang "
                "web.\n"
                "* In hoặc lưu **mã khôi phục** ở nơi an toàn, không kết nối mạng; mỗi mã chỉ dùng được một "
                "lần.\n"
                "* Khi tải tài liệu có độ mật từ Mật trở lên, hệ thống sẽ yêu cầu lại yếu tố thứ hai.\n"
                "* **Không bao giờ đọc mã cho bất kỳ ai**, qua điện thoại hay tin nhắn, dù họ tự xưng là "
                "ai. Cán bộ kỹ thuật không bao giờ cần mã của bạn.\n"
                "* Nếu nhận được yêu cầu đăng nhập hay mã mà bạn không yêu cầu, nghĩa là ai đó đã có mật "
                "khẩu của bạn: hãy đổi mật khẩu và báo cáo."
            ),
        },
    ],
    "questions": [
        _q(
            "Which password is strongest?",
            "Mật khẩu nào mạnh nhất?",
            [
                ("Hanoi2026!", "Hanoi2026!"),
                ("lantern river copper seventy", "den long song dong bay muoi"),
                ("Mofa@123", "Mofa@123"),
            ],
            1,
            "Several unrelated words give length, which matters more than symbols.",
            "Nhiều từ không liên quan tạo độ dài, điều quan trọng hơn các ký tự đặc biệt.",
        ),
        _q(
            "Someone from 'IT support' calls and asks for the six-digit code you just received.",
            "Một người xưng là 'hỗ trợ kỹ thuật' gọi điện và hỏi mã sáu chữ số bạn vừa nhận.",
            [
                ("Read it to them, they are IT", "Đọc cho họ, vì họ là bộ phận kỹ thuật"),
                (
                    "Refuse, hang up and report the call",
                    "Từ chối, gác máy và báo cáo cuộc gọi",
                ),
            ],
            1,
            "Nobody legitimate asks for your code; the call is an attack on your account.",
            "Không ai chính đáng lại hỏi mã của bạn; cuộc gọi đó là một cuộc tấn công vào tài khoản.",
        ),
        _q(
            "Why is a security key better than a code from an app?",
            "Vì sao khóa bảo mật tốt hơn mã từ ứng dụng?",
            [
                (
                    "It checks the website's address, so a fake page cannot use it",
                    "Nó kiểm tra địa chỉ trang web nên trang giả không dùng được",
                ),
                ("It replaces the password entirely", "Nó thay thế hoàn toàn mật khẩu"),
                ("It is faster to type", "Nhập nhanh hơn"),
            ],
            0,
            "Security keys are bound to the real site's address: they resist phishing.",
            "Khóa bảo mật gắn với địa chỉ của trang thật: chúng chống được lừa đảo.",
        ),
        _q(
            "You used your Chancery password on a conference registration site. What do you do?",
            "Bạn đã dùng mật khẩu Chancery trên trang đăng ký hội nghị. Bạn làm gì?",
            [
                ("Nothing, the site looked serious", "Không làm gì, trang đó trông đáng tin"),
                ("Change the Chancery password now", "Đổi ngay mật khẩu Chancery"),
            ],
            1,
            "A reused password is only as safe as the weakest site that holds it.",
            "Mật khẩu dùng lại chỉ an toàn bằng trang web yếu nhất đang lưu nó.",
        ),
    ],
}

CLASSIFIED: dict[str, Any] = {
    "course": {
        "slug": "classified-material",
        "title_en": "Handling classified material",
        "title_vi": "Xử lý tài liệu mật",
        "summary_en": "Classification levels, need to know, marking, and what Chancery does and does not do for you.",
        "summary_vi": "Các độ mật, nguyên tắc cần biết, đánh dấu độ mật, và những gì Chancery làm và không làm "
        "thay bạn.",
        "pass_mark": 80,
    },
    "lessons": [
        {
            "title_en": "Levels and need to know",
            "title_vi": "Độ mật và nguyên tắc cần biết",
            "body_en": (
                "Chancery uses the levels of the Law on Protection of State Secrets: **Confidential "
                "(Mật)**, **Secret (Tối mật)** and **Top secret (Tuyệt mật)**, plus *Internal* for work "
                "that is not public and *Unclassified*.\n\n"
                "Two conditions must both hold before anyone reads a classified item:\n\n"
                "1. their **clearance** is at least the item's level;\n"
                "2. they have a **need to know**: their unit is concerned, the item was shared with them, "
                "or they hold every compartment the item names.\n\n"
                "Clearance alone is not permission. A Secret-cleared colleague from another desk has no "
                "right to read your Secret cable unless it concerns them."
            ),
            "body_vi": (
                "Chancery sử dụng các độ mật theo Luật Bảo vệ bí mật nhà nước: **Mật**, **Tối mật** và "
                "**Tuyệt mật**, cùng với mức *Nội bộ* cho công việc không công khai và *Không mật*.\n\n"
                "Phải đồng thời đáp ứng hai điều kiện thì một người mới được đọc tài liệu mật:\n\n"
                "1. **thẩm quyền tiếp cận** của họ bằng hoặc cao hơn độ mật của tài liệu;\n"
                "2. họ có **nhu cầu cần biết**: đơn vị của họ liên quan, tài liệu đã được chia sẻ với họ, "
                "hoặc họ thuộc mọi nhóm chuyên biệt mà tài liệu yêu cầu.\n\n"
                "Có thẩm quyền tiếp cận chưa phải là được phép. Một đồng nghiệp ở phòng khác có thẩm quyền "
                "Tối mật cũng không có quyền đọc bức điện Tối mật của bạn nếu không liên quan đến họ."
            ),
        },
        {
            "title_en": "Marking and writing",
            "title_vi": "Đánh dấu và soạn thảo",
            "body_en": (
                "* Mark each **paragraph** of a cable with its own level; the cable's overall level is at "
                "least the highest paragraph. Chancery refuses a paragraph marked above the cable.\n"
                "* Classify by **content**, not by habit: over-classifying slows partners and colleagues "
                "who need the information; under-classifying exposes it.\n"
                "* Do not copy classified text into an unclassified document, a chat, an e-mail or an "
                "outside translation or AI service. Summaries of classified text are classified too.\n"
                "* Downloads of Confidential and above ask for your second factor again. Download with a "
                "**watermark** (your name and the time) whenever a copy must leave the screen: printed or "
                "photographed copies can then be traced."
            ),
            "body_vi": (
                "* Đánh dấu độ mật cho từng **đoạn** của bức điện; độ mật chung của bức điện ít nhất bằng "
                "đoạn có độ mật cao nhất. Chancery từ chối đoạn có độ mật cao hơn bức điện.\n"
                "* Xác định độ mật theo **nội dung**, không theo thói quen: đánh độ mật quá cao làm chậm "
                "đối tác và đồng nghiệp cần thông tin; quá thấp khiến thông tin bị lộ.\n"
                "* Không sao chép nội dung mật vào tài liệu không mật, tin nhắn, thư điện tử hay dịch vụ "
                "dịch thuật, trí tuệ nhân tạo bên ngoài. Bản tóm tắt nội dung mật cũng là tài liệu mật.\n"
                "* Khi tải tài liệu từ độ Mật trở lên, hệ thống yêu cầu lại yếu tố xác thực thứ hai. Hãy tải "
                "kèm **hình mờ** (tên bạn và thời điểm tải) mỗi khi bản sao phải rời khỏi màn hình: bản in "
                "hay ảnh chụp khi đó đều có thể truy ra nguồn gốc."
            ),
        },
        {
            "title_en": "Outside Chancery",
            "title_vi": "Bên ngoài Chancery",
            "body_en": (
                "* Printed classified documents stay in approved containers and are destroyed as the "
                "regulations require, never in an ordinary bin.\n"
                "* Do not discuss classified matters on ordinary phones, in taxis, restaurants or hotel "
                "rooms, or near smart speakers.\n"
                "* Partners receive only what is shared with them deliberately. Threat intelligence "
                "marked **TLP:RED** is never sent to partners, whatever the collection.\n"
                "* If classified information may have been exposed, report it at once to your security "
                "officer; say what, when and to whom, not the content itself in an unprotected channel."
            ),
            "body_vi": (
                "* Tài liệu mật đã in phải được cất giữ trong tủ, két được phê duyệt và tiêu hủy theo đúng "
                "quy định, không bao giờ bỏ vào thùng rác thông thường.\n"
                "* Không trao đổi nội dung mật qua điện thoại thông thường, trên taxi, trong nhà hàng, "
                "phòng khách sạn hay gần loa thông minh.\n"
                "* Đối tác chỉ nhận những gì được chủ động chia sẻ. Thông tin về mối đe dọa được đánh dấu "
                "**TLP:RED** không bao giờ được gửi cho đối tác, dù thuộc bộ sưu tập nào.\n"
                "* Nếu thông tin mật có thể đã bị lộ, hãy báo cáo ngay cho cán bộ an ninh; nêu rõ cái gì, "
                "khi nào và cho ai, nhưng không nêu nội dung mật qua kênh không được bảo vệ."
            ),
        },
    ],
    "questions": [
        _q(
            "A colleague with Secret clearance from another department asks to read your Secret cable "
            "'out of interest'. May they?",
            "Một đồng nghiệp ở vụ khác có thẩm quyền Tối mật muốn đọc bức điện Tối mật của bạn 'cho biết'. "
            "Họ có được phép không?",
            [
                ("Yes, their clearance is high enough", "Có, thẩm quyền của họ đủ cao"),
                ("No, they also need a need to know", "Không, họ còn phải có nhu cầu cần biết"),
            ],
            1,
            "Clearance and need to know must both hold.",
            "Phải đồng thời có thẩm quyền tiếp cận và nhu cầu cần biết.",
        ),
        _q(
            "A cable is marked Confidential overall and one paragraph contains Secret information. What is wrong?",
            "Một bức điện có độ mật chung là Mật nhưng một đoạn chứa thông tin Tối mật. Sai ở đâu?",
            [
                (
                    "The cable must be at least Secret overall",
                    "Độ mật chung của bức điện phải ít nhất là Tối mật",
                ),
                ("Nothing, the overall level is an average", "Không sai, độ mật chung là mức trung bình"),
            ],
            0,
            "The overall level is at least the highest paragraph's; Chancery enforces it.",
            "Độ mật chung ít nhất bằng đoạn cao nhất; Chancery kiểm soát điều này.",
        ),
        _q(
            "May you paste a Confidential paragraph into a public online translator?",
            "Bạn có được dán một đoạn Mật vào công cụ dịch trực tuyến công cộng không?",
            [
                ("Yes, if I delete it afterwards", "Được, nếu sau đó tôi xóa đi"),
                (
                    "No, the text leaves the ministry's control",
                    "Không, nội dung sẽ ra khỏi sự kiểm soát của Bộ",
                ),
            ],
            1,
            "Outside services keep and may reuse what you send; classified text never goes there.",
            "Dịch vụ bên ngoài lưu giữ và có thể dùng lại nội dung bạn gửi; nội dung mật không bao giờ được "
            "đưa lên đó.",
        ),
        _q(
            "Why download a classified document with a watermark bearing your name?",
            "Vì sao nên tải tài liệu mật kèm hình mờ mang tên bạn?",
            [
                ("To trace copies back to whoever downloaded them", "Để truy ra người đã tải bản sao"),
                ("For decoration", "Để trang trí"),
            ],
            0,
            "Watermarks make leaks traceable and remind every reader of their responsibility.",
            "Hình mờ giúp truy vết khi bị lộ và nhắc mỗi người đọc về trách nhiệm của mình.",
        ),
    ],
}

SOCIAL_MEDIA: dict[str, Any] = {
    "course": {
        "slug": "social-media-hygiene",
        "title_en": "Social-media hygiene for diplomats",
        "title_vi": "Sử dụng mạng xã hội an toàn cho cán bộ ngoại giao",
        "summary_en": "What your profiles tell others, fake contacts, and posting from a mission.",
        "summary_vi": "Hồ sơ cá nhân tiết lộ gì với người khác, các liên hệ giả mạo và việc đăng bài khi công tác "
        "tại cơ quan đại diện.",
        "pass_mark": 75,
    },
    "lessons": [
        {
            "title_en": "Your profile is a source",
            "title_vi": "Hồ sơ của bạn là một nguồn tin",
            "body_en": (
                "Foreign services and criminals build detailed pictures of diplomats from public "
                "profiles: job title, postings, travel, family, colleagues and habits. That picture is "
                "then used to write convincing phishing or to approach you.\n\n"
                "* Keep personal accounts **private** and review who can see your friends list.\n"
                "* Do not post your **travel in advance**, your location in real time, boarding passes "
                "or photos showing badges, screens, documents or the inside of a mission.\n"
                "* Think before listing your exact position and unit; general wording is enough."
            ),
            "body_vi": (
                "Các cơ quan tình báo nước ngoài và tội phạm dựng nên bức tranh chi tiết về cán bộ ngoại "
                "giao từ hồ sơ công khai: chức danh, nơi công tác, lịch trình, gia đình, đồng nghiệp và "
                "thói quen. Bức tranh đó được dùng để viết thư lừa đảo thuyết phục hoặc để tiếp cận bạn.\n\n"
                "* Để tài khoản cá nhân ở chế độ **riêng tư** và kiểm tra ai xem được danh sách bạn bè.\n"
                "* Không đăng **lịch trình trước khi đi**, vị trí theo thời gian thực, thẻ lên máy bay hay "
                "ảnh có thẻ ra vào, màn hình, tài liệu hoặc bên trong trụ sở cơ quan đại diện.\n"
                "* Cân nhắc trước khi ghi chính xác chức vụ và đơn vị; cách diễn đạt chung là đủ."
            ),
        },
        {
            "title_en": "Fake contacts and official accounts",
            "title_vi": "Liên hệ giả mạo và tài khoản chính thức",
            "body_en": (
                "* Be wary of **flattering approaches**: recruiters, researchers or journalists who move "
                "quickly to private messaging, offer paid consultancy or ask for 'background' documents.\n"
                "* Profiles of colleagues and ambassadors are cloned. Check unexpected requests through a "
                "known channel before answering.\n"
                "* The mission's **official accounts** are run through Chancery's outreach tools, with "
                "approval before posting. Do not post on the mission's behalf from personal accounts.\n"
                "* Report approaches that feel wrong to your security officer; a pattern across several "
                "colleagues is valuable information."
            ),
            "body_vi": (
                "* Cảnh giác với **những lời tiếp cận tâng bốc**: nhà tuyển dụng, nhà nghiên cứu hay nhà báo "
                "nhanh chóng chuyển sang nhắn tin riêng, mời làm tư vấn có thù lao hoặc xin tài liệu 'tham "
                "khảo'.\n"
                "* Hồ sơ của đồng nghiệp và đại sứ có thể bị sao chép giả mạo. Hãy xác minh các yêu cầu bất "
                "ngờ qua một kênh đã biết trước khi trả lời.\n"
                "* **Tài khoản chính thức** của cơ quan đại diện được vận hành qua công cụ truyền thông của "
                "Chancery, có phê duyệt trước khi đăng. Không đăng bài thay mặt cơ quan từ tài khoản cá nhân.\n"
                "* Báo cáo cán bộ an ninh những lời tiếp cận có dấu hiệu bất thường; nếu nhiều đồng nghiệp "
                "cùng gặp, đó là thông tin rất có giá trị."
            ),
        },
    ],
    "questions": [
        _q(
            "Which post is safest while on an official trip?",
            "Bài đăng nào an toàn nhất khi đang đi công tác?",
            [
                ("A photo of my boarding pass", "Ảnh thẻ lên máy bay của tôi"),
                ("Live location from the hotel", "Vị trí trực tiếp từ khách sạn"),
                (
                    "A general photo of the city, posted after returning",
                    "Ảnh chung về thành phố, đăng sau khi đã về",
                ),
            ],
            2,
            "Post after the fact and without details that reveal schedules or places.",
            "Hãy đăng sau chuyến đi và không kèm chi tiết tiết lộ lịch trình hay địa điểm.",
        ),
        _q(
            "A 'researcher' you met online offers a paid report and asks for internal background papers.",
            "Một 'nhà nghiên cứu' quen trên mạng mời viết báo cáo có thù lao và xin tài liệu nội bộ tham khảo.",
            [
                ("Accept, research is public good", "Nhận lời, nghiên cứu là việc có ích"),
                ("Decline and report the approach", "Từ chối và báo cáo việc tiếp cận"),
            ],
            1,
            "Paid 'consultancy' requests for internal papers are a known recruitment pattern.",
            "Lời mời 'tư vấn' có thù lao kèm đề nghị xin tài liệu nội bộ là một kiểu tuyển mộ đã được biết đến.",
        ),
        _q(
            "How are posts on the mission's official account published?",
            "Bài đăng trên tài khoản chính thức của cơ quan đại diện được đăng như thế nào?",
            [
                (
                    "Through Chancery's outreach tools, after approval",
                    "Qua công cụ truyền thông của Chancery, sau khi phê duyệt",
                ),
                ("From any staff member's phone", "Từ điện thoại của bất kỳ cán bộ nào"),
            ],
            0,
            "Official voices go through the approved channel so every post is reviewed and recorded.",
            "Tiếng nói chính thức đi qua kênh được phê duyệt để mọi bài đăng đều được duyệt và lưu vết.",
        ),
    ],
}

ESSENTIALS: dict[str, Any] = {
    "course": {
        "slug": "chancery-essentials",
        "title_en": "Digital literacy 1: finding and sharing information in Chancery",
        "title_vi": "Kỹ năng số 1: tìm kiếm và chia sẻ thông tin trong Chancery",
        "summary_en": "For officials new to the platform: how search works, what it cannot show you, and how "
        "to share safely.",
        "summary_vi": "Dành cho cán bộ mới sử dụng hệ thống: tìm kiếm hoạt động ra sao, những gì không hiển thị "
        "và cách chia sẻ an toàn.",
        "pass_mark": 70,
    },
    "lessons": [
        {
            "title_en": "Searching",
            "title_vi": "Tìm kiếm",
            "body_en": (
                "* Search ignores **diacritics and case**: `hiep dinh` finds *hiệp định*, and English words "
                "match their plural (`agreements` finds *agreement*).\n"
                "* Every word you type must appear; add a word to narrow the results, remove one to "
                "widen them.\n"
                "* You only ever see results you may read. A colleague may find documents you do not, "
                "and the reverse; an empty result does not prove that nothing exists.\n"
                "* Document search shows titles and details, not extracts: the index holds no readable "
                "text, by design.\n"
                "* Save a cable search to be told when a new cable matches it."
            ),
            "body_vi": (
                "* Tìm kiếm không phân biệt **dấu và chữ hoa, chữ thường**: `hiep dinh` tìm được *hiệp "
                "định*, và từ tiếng Anh khớp cả dạng số nhiều (`agreements` tìm được *agreement*).\n"
                "* Mọi từ bạn nhập đều phải xuất hiện; thêm từ để thu hẹp kết quả, bớt từ để mở rộng.\n"
                "* Bạn chỉ thấy những kết quả mình được phép đọc. Đồng nghiệp có thể tìm thấy tài liệu mà "
                "bạn không thấy và ngược lại; không có kết quả không có nghĩa là không tồn tại tài liệu.\n"
                "* Tìm kiếm tài liệu chỉ hiển thị tiêu đề và thông tin mô tả, không trích đoạn: chỉ mục được "
                "thiết kế để không chứa văn bản đọc được.\n"
                "* Hãy lưu một tìm kiếm điện để được thông báo khi có bức điện mới phù hợp."
            ),
        },
        {
            "title_en": "Sharing",
            "title_vi": "Chia sẻ",
            "body_en": (
                "* Share a document **inside Chancery** with a unit or a person, with an end date when the "
                "need is temporary; you can revoke a share at any time.\n"
                "* Sharing never overrides classification: a colleague without the clearance or the "
                "compartments still cannot open the document.\n"
                "* Partners (other ministries, international organisations) can receive only documents "
                "up to *Internal* and never TLP:RED material; Chancery refuses anything else.\n"
                "* Do not download a document to send it as an e-mail attachment: the copy escapes the "
                "access rules, the audit trail and revocation.\n"
                "* Every view, download and share is recorded. That protects you as much as the "
                "information."
            ),
            "body_vi": (
                "* Chia sẻ tài liệu **ngay trong Chancery** cho một đơn vị hoặc một người, đặt ngày hết hạn "
                "khi nhu cầu chỉ là tạm thời; bạn có thể thu hồi việc chia sẻ bất cứ lúc nào.\n"
                "* Chia sẻ không bao giờ vượt qua độ mật: đồng nghiệp không có thẩm quyền tiếp cận hoặc không "
                "thuộc nhóm chuyên biệt vẫn không mở được tài liệu.\n"
                "* Đối tác (bộ khác, tổ chức quốc tế) chỉ nhận được tài liệu đến mức *Nội bộ* và không bao "
                "giờ nhận tài liệu TLP:RED; Chancery từ chối mọi trường hợp khác.\n"
                "* Không tải tài liệu về để gửi kèm thư điện tử: bản sao sẽ nằm ngoài quy tắc truy cập, nhật "
                "ký kiểm toán và khả năng thu hồi.\n"
                "* Mọi lần xem, tải về và chia sẻ đều được ghi lại. Điều đó bảo vệ bạn cũng như bảo vệ thông "
                "tin."
            ),
        },
    ],
    "questions": [
        _q(
            "You search for a treaty and find nothing. What can you conclude?",
            "Bạn tìm một điều ước và không thấy kết quả. Bạn có thể kết luận gì?",
            [
                ("The treaty is not in Chancery", "Điều ước không có trong Chancery"),
                (
                    "Only that nothing I may read matches all my words",
                    "Chỉ là không có tài liệu nào tôi được đọc khớp với mọi từ đã nhập",
                ),
            ],
            1,
            "Results are limited to what you may read and to documents holding every word.",
            "Kết quả chỉ gồm những gì bạn được đọc và những tài liệu chứa mọi từ đã nhập.",
        ),
        _q(
            "Does `bien dong` find documents that say 'Biển Đông'?",
            "Từ khóa `bien dong` có tìm được tài liệu ghi 'Biển Đông' không?",
            [("Yes", "Có"), ("No, I must type the diacritics", "Không, phải gõ đủ dấu")],
            0,
            "Search folds diacritics and case on both sides.",
            "Tìm kiếm bỏ dấu và không phân biệt chữ hoa ở cả từ khóa lẫn tài liệu.",
        ),
        _q(
            "A colleague in another unit needs your memo for two weeks. Best way?",
            "Đồng nghiệp ở đơn vị khác cần bản ghi nhớ của bạn trong hai tuần. Cách tốt nhất?",
            [
                ("E-mail them the downloaded file", "Gửi thư kèm tệp đã tải về"),
                (
                    "Share it in Chancery with an end date",
                    "Chia sẻ trong Chancery và đặt ngày hết hạn",
                ),
            ],
            1,
            "A share keeps the access rules, the trail and the possibility to revoke.",
            "Chia sẻ trong hệ thống giữ nguyên quy tắc truy cập, dấu vết và khả năng thu hồi.",
        ),
    ],
}

CABLES_AI: dict[str, Any] = {
    "course": {
        "slug": "cables-and-ai",
        "title_en": "Digital literacy 2: cables, and AI outputs and their limits",
        "title_vi": "Kỹ năng số 2: điện báo, kết quả của trí tuệ nhân tạo và giới hạn của chúng",
        "summary_en": "How a cable travels from draft to acknowledgement, and how to read the machine-made "
        "figures Chancery shows.",
        "summary_vi": "Hành trình của một bức điện từ dự thảo đến xác nhận, và cách đọc các số liệu do máy tạo ra "
        "trong Chancery.",
        "pass_mark": 70,
    },
    "lessons": [
        {
            "title_en": "The life of a cable",
            "title_vi": "Vòng đời của một bức điện",
            "body_en": (
                "1. **Draft**: subject, numbered paragraphs each with its marking, TAGS, precedence, "
                "action and information addressees, clearing offices.\n"
                "2. **Clearance**: each clearing office clears it or returns it with a comment; a returned "
                "cable goes back to the drafter.\n"
                "3. **Release**: an approver of the originating unit or the unit above (never the drafter) "
                "releases it. Release gives it its number and records it in the transparency log, so a "
                "released cable cannot be altered or removed unnoticed.\n"
                "4. **Delivery and acknowledgement**: action addressees must acknowledge; unacknowledged "
                "urgent cables are escalated.\n\n"
                "Choose precedence honestly: FLASH and NIACT IMMEDIATE wake people up at night."
            ),
            "body_vi": (
                "1. **Dự thảo**: trích yếu, các đoạn được đánh số và có độ mật riêng, mã chủ đề (TAGS), "
                "độ khẩn, nơi nhận để xử lý và nơi nhận để biết, các đơn vị cho ý kiến.\n"
                "2. **Cho ý kiến**: mỗi đơn vị cho ý kiến thông qua hoặc trả lại kèm nhận xét; bức điện bị "
                "trả lại sẽ quay về người soạn.\n"
                "3. **Phát hành**: người phê duyệt của đơn vị soạn hoặc đơn vị cấp trên (không bao giờ là "
                "người soạn) phát hành bức điện. Khi phát hành, bức điện được cấp số và ghi vào sổ minh "
                "bạch, nên không thể bị sửa hay xóa mà không bị phát hiện.\n"
                "4. **Chuyển và xác nhận**: nơi nhận để xử lý phải xác nhận; điện khẩn chưa được xác nhận "
                "sẽ được báo lên cấp trên.\n\n"
                "Hãy chọn độ khẩn trung thực: FLASH và NIACT IMMEDIATE sẽ đánh thức người nhận cả lúc nửa "
                "đêm."
            ),
        },
        {
            "title_en": "AI outputs and their limits",
            "title_vi": "Kết quả của trí tuệ nhân tạo và giới hạn",
            "body_en": (
                "Chancery uses models to tag news by country and topic, estimate tone, group similar "
                "stories, flag unusual spikes and forecast trends. These are **estimates**, not facts.\n\n"
                "* Each item shows **which model** produced each field. Open the original source before "
                "you quote it or base advice on it.\n"
                "* Models make **systematic errors**: irony, mixed languages, short texts and topics they "
                "were not trained on. Tone is the least reliable figure.\n"
                "* A spike alert says that volume or tone is unusual compared with the previous weeks; it "
                "does not say why. The reason is for you to establish.\n"
                "* Forecasts come with a range; the range is part of the answer.\n"
                "* Never paste classified or personal information into an outside AI service; Chancery's "
                "models run inside the ministry for that reason.\n"
                "* You remain responsible for what you sign: a machine's output is a lead to check."
            ),
            "body_vi": (
                "Chancery dùng các mô hình để gắn nhãn tin tức theo quốc gia và chủ đề, ước lượng sắc thái, "
                "nhóm các tin tương tự, cảnh báo biến động bất thường và dự báo xu hướng. Đó là những **ước "
                "lượng**, không phải sự thật.\n\n"
                "* Mỗi mục tin đều ghi rõ **mô hình nào** tạo ra từng trường thông tin. Hãy mở nguồn gốc "
                "trước khi trích dẫn hoặc dựa vào đó để tham mưu.\n"
                "* Mô hình có **sai số mang tính hệ thống**: lối nói mỉa mai, văn bản pha trộn ngôn ngữ, "
                "văn bản ngắn và những chủ đề chưa được huấn luyện. Sắc thái là số liệu kém tin cậy nhất.\n"
                "* Cảnh báo biến động chỉ cho biết khối lượng tin hay sắc thái khác thường so với các tuần "
                "trước; nó không giải thích nguyên nhân. Việc xác định nguyên nhân thuộc về bạn.\n"
                "* Dự báo luôn đi kèm một khoảng; khoảng đó là một phần của câu trả lời.\n"
                "* Không bao giờ dán thông tin mật hoặc thông tin cá nhân vào dịch vụ trí tuệ nhân tạo bên "
                "ngoài; vì lý do đó, các mô hình của Chancery chạy ngay trong hạ tầng của Bộ.\n"
                "* Bạn vẫn chịu trách nhiệm về những gì mình ký: kết quả của máy chỉ là đầu mối cần kiểm "
                "chứng."
            ),
        },
    ],
    "questions": [
        _q(
            "Who may release a cable you drafted?",
            "Ai được phát hành bức điện do bạn soạn?",
            [
                ("I may, once it is cleared", "Tôi, sau khi đã được cho ý kiến"),
                (
                    "An approver of my unit or the unit above, not me",
                    "Người phê duyệt của đơn vị tôi hoặc đơn vị cấp trên, không phải tôi",
                ),
            ],
            1,
            "The drafter never releases their own cable: a second person always approves.",
            "Người soạn không bao giờ tự phát hành điện của mình: luôn có người thứ hai phê duyệt.",
        ),
        _q(
            "The tone of coverage of a visit is shown as strongly negative. What do you do before reporting it?",
            "Sắc thái đưa tin về một chuyến thăm hiển thị rất tiêu cực. Bạn làm gì trước khi báo cáo?",
            [
                ("Report the figure as it is", "Báo cáo nguyên con số"),
                (
                    "Read a sample of the original stories to check it",
                    "Đọc một số bài gốc để kiểm chứng",
                ),
            ],
            1,
            "Tone is an estimate with known errors; the sources decide.",
            "Sắc thái là ước lượng có sai số đã biết; nguồn gốc mới là căn cứ.",
        ),
        _q(
            "A spike alert fires for a country. What does it tell you?",
            "Có cảnh báo biến động về một quốc gia. Cảnh báo đó cho bạn biết điều gì?",
            [
                (
                    "That volume or tone is unusual compared with recent weeks",
                    "Khối lượng tin hoặc sắc thái khác thường so với các tuần gần đây",
                ),
                ("The cause of the change", "Nguyên nhân của sự thay đổi"),
            ],
            0,
            "The alert measures; understanding the cause is the analyst's work.",
            "Cảnh báo chỉ đo lường; hiểu nguyên nhân là việc của người phân tích.",
        ),
        _q(
            "May you ask a public chatbot to summarise a Confidential cable?",
            "Bạn có được nhờ một chatbot công cộng tóm tắt bức điện Mật không?",
            [("Yes, if I remove names", "Được, nếu tôi bỏ tên người"), ("No", "Không")],
            1,
            "Classified text never goes to outside services, with or without names.",
            "Nội dung mật không bao giờ được đưa ra dịch vụ bên ngoài, dù đã bỏ tên hay chưa.",
        ),
    ],
}

LIBRARY: list[dict[str, Any]] = [SECURITY_BASICS, PASSWORDS_MFA, CLASSIFIED, SOCIAL_MEDIA, ESSENTIALS, CABLES_AI]
"""Every shipped course but the phishing one (see :mod:`chancery.awareness.demo`)."""


def course_install(definition: dict[str, Any]) -> Course:
    """Create or update one course with its lessons and questions (extra old ones are removed)."""
    with transaction.atomic():
        course, _created = Course.objects.update_or_create(
            slug=definition["course"]["slug"], defaults=definition["course"]
        )
        for position, lesson in enumerate(definition["lessons"], start=1):
            Lesson.objects.update_or_create(course=course, position=position, defaults=lesson)
        Lesson.objects.filter(course=course, position__gt=len(definition["lessons"])).delete()
        for position, question in enumerate(definition["questions"], start=1):
            Question.objects.update_or_create(course=course, position=position, defaults=question)
        Question.objects.filter(course=course, position__gt=len(definition["questions"])).delete()
    return course


def curriculum_install() -> list[Course]:
    """Install (or update) the course library; return the courses. Used by the demo and the command."""
    return [course_install(definition) for definition in LIBRARY]
