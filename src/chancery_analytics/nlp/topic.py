"""Topic from the foreign-affairs taxonomy by a bilingual seed lexicon (no public labelled set matches it).

Each topic has English and Vietnamese cue words and phrases; a text's topic is the one whose cues occur most
(headline/lead cues count double). With no cue at all the topic is ``diplomacy``, the desk's default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from chancery_analytics.nlp.features import TextCounts
from chancery_analytics.nlp.tokenise import word_tokens

MODEL_ID = "topic-lexicon@2026.11.1"
TOPICS = (
    "diplomacy",
    "security_defence",
    "maritime_east_sea",
    "trade_investment",
    "energy",
    "climate_environment",
    "health",
    "technology_cyber",
    "migration_consular",
    "culture_education",
    "disasters",
)
DEFAULT_TOPIC = "diplomacy"
LEAD_CHARS = 300

_CUES: dict[str, str] = {
    "diplomacy": "diplomatic|diplomacy|diplomat|diplomats|ambassador|embassy|summit|bilateral|foreign minister|"
    "foreign ministry|talks|treaty|visit|state visit|prime minister|president|united nations|un|asean|"
    "relations|envoy|ngoại giao|đại sứ|đại sứ quán|thượng đỉnh|song phương|hội đàm|chuyến thăm|thăm chính thức|"
    "bộ trưởng ngoại giao|quan hệ|liên hợp quốc|hiệp ước|tổng thống|thủ tướng|chủ tịch nước|đối tác",
    "security_defence": "military|army|troops|defence|defense|missile|missiles|war|attack|soldiers|nuclear|weapons|"
    "terrorist|terrorism|bomb|killed|security|armed|rebels|ceasefire|navy|quân sự|quân đội|quốc phòng|tên lửa|"
    "chiến tranh|tấn công|binh sĩ|hạt nhân|vũ khí|khủng bố|an ninh|xung đột|lực lượng vũ trang|ngừng bắn",
    "maritime_east_sea": "east sea|south china sea|maritime|sea|vessel|vessels|fishing|fishermen|coast guard|"
    "paracel|spratly|island|islands|unclos|ship|ships|biển đông|hàng hải|tàu|ngư dân|cảnh sát biển|hoàng sa|"
    "trường sa|biển|đảo|vùng biển|chủ quyền|ngư trường",
    "trade_investment": "trade|exports|export|imports|import|tariff|tariffs|investment|investors|fta|economy|"
    "economic|market|billion|dlrs|gdp|growth|bank|shares|company|prices|thương mại|xuất khẩu|nhập khẩu|thuế quan|"
    "đầu tư|nhà đầu tư|kinh tế|thị trường|tăng trưởng|doanh nghiệp|ngân hàng|cổ phiếu|tỷ đô la|hiệp định thương mại",
    "energy": "oil|gas|crude|opec|energy|electricity|power plant|coal|lng|petroleum|barrels|refinery|renewable|"
    "solar|wind power|dầu|khí đốt|dầu mỏ|năng lượng|điện|than|xăng|nhà máy điện|điện gió|điện mặt trời|thủy điện",
    "climate_environment": "climate|emissions|carbon|environment|environmental|pollution|warming|forest|"
    "biodiversity|cop|khí hậu|phát thải|môi trường|ô nhiễm|nóng lên|rừng|đa dạng sinh học|biến đổi khí hậu",
    "health": "health|hospital|disease|virus|pandemic|covid|vaccine|vaccines|outbreak|medical|patients|who|"
    "y tế|bệnh viện|dịch bệnh|vi rút|virus|đại dịch|vắc xin|vaccine|bệnh nhân|sức khỏe|dịch|bác sĩ|thuốc",
    "technology_cyber": "cyber|cyberattack|hackers|hacker|internet|software|technology|digital|data|computer|"
    "semiconductor|chips|ai|online|an ninh mạng|tin tặc|hacker|mạng|phần mềm|công nghệ|số hóa|dữ liệu|máy tính|"
    "bán dẫn|trực tuyến|điện thoại|trí tuệ nhân tạo",
    "migration_consular": "migrants|migrant|refugees|refugee|visa|visas|citizens|consular|consulate|deported|"
    "asylum|passport|nationals|repatriation|overseas|lao động|người di cư|di cư|tị nạn|thị thực|visa|công dân|"
    "lãnh sự|tổng lãnh sự quán|hộ chiếu|bảo hộ công dân|hồi hương|người việt nam ở nước ngoài|kiều bào",
    "culture_education": "culture|cultural|education|students|university|school|schools|festival|heritage|art|"
    "film|music|scholarship|tourism|văn hóa|giáo dục|sinh viên|học sinh|đại học|trường|lễ hội|di sản|nghệ thuật|"
    "phim|âm nhạc|học bổng|du lịch|giảng viên",
    "disasters": "earthquake|flood|floods|typhoon|storm|hurricane|tsunami|landslide|drought|disaster|wildfire|"
    "victims|rescue|động đất|lũ|lũ lụt|bão|sóng thần|sạt lở|hạn hán|thiên tai|cháy rừng|cứu hộ|nạn nhân",
}


@dataclass(frozen=True, slots=True)
class TopicResult:
    """The topic, a 0..1 share of the winning cues, and the model that chose it."""

    topic: str
    score: float
    model: str = MODEL_ID


@cache
def _lexicon() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for topic, joined in _CUES.items():
        for cue in joined.split("|"):
            table.setdefault(tuple(word_tokens(cue)), topic)
    return table


@cache
def _widths() -> dict[str, int]:
    widths: dict[str, int] = {}
    for cue in _lexicon():
        if cue:
            widths[cue[0]] = max(widths.get(cue[0], 0), len(cue))
    return widths


def _count(tokens: list[str], weight: float, scores: dict[str, float]) -> None:
    table = _lexicon()
    widths = _widths()
    done = 0
    # Only positions whose token can start a cue are tried (most tokens cannot); a match consumes its tokens.
    for i in [i for i, token in enumerate(tokens) if token in widths]:
        if i < done:
            continue
        for width in range(widths[tokens[i]], 0, -1):
            topic = table.get(tuple(tokens[i : i + width]))
            if topic is not None:
                scores[topic] = scores.get(topic, 0.0) + weight
                done = i + width
                break


def topic_classify(text: str, shared: TextCounts | None = None) -> TopicResult:
    """Return the taxonomy topic of ``text`` (normalised text in English or Vietnamese).

    ``shared``: optional :class:`TextCounts` of the same text, whose tokens the pipeline's models already read.
    """
    words = shared.words if shared is not None and shared.text == text else TextCounts(text).words
    scores: dict[str, float] = {}
    _count(words(0, LEAD_CHARS), 2.0, scores)
    _count(words(LEAD_CHARS, 5000), 1.0, scores)
    if not scores:
        return TopicResult(topic=DEFAULT_TOPIC, score=0.0)
    best = max(TOPICS, key=lambda topic: scores.get(topic, 0.0))
    return TopicResult(topic=best, score=round(scores[best] / sum(scores.values()), 4))
