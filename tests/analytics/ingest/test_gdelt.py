"""GDELT 2.0 event export and GKG 2.1 files: real column layouts, zipped or not, bad lines rejected alone."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from chancery_analytics.ingest import connector_for
from chancery_analytics.ingest.base import RawItem, Rejected
from chancery_analytics.ingest.gdelt import EVENT_COLUMNS, GKG_COLUMNS, GdeltEventsConnector, GdeltGkgConnector

# One event as GDELT 2.0 writes it, positionally (61 fields).
EVENT = [
    "1217480788", "20250101", "202501", "2025", "2025.0027",  # id, day, month, year, fraction
    "VNMGOV", "VIETNAM", "VNM", "", "", "", "", "GOV", "", "",  # actor 1
    "CHN", "CHINA", "CHN", "", "", "", "", "", "", "",  # actor 2
    "1", "042", "042", "04", "1",  # root event, event code, base, root, quad class
    "1.9", "10", "2", "10", "-1.23456",  # Goldstein, mentions, sources, articles, tone
    "1", "Vietnam", "VM", "VM", "", "16.1667", "107.833", "VM",  # actor 1 geo
    "1", "China", "CH", "CH", "", "35", "105", "CH",  # actor 2 geo
    "4", "Hanoi, Ha Noi, Vietnam", "VM", "VM44", "", "21.0333", "105.85", "-3715035",  # action geo
    "20250101121500", "https://example.org/vn-cn-talks",  # date added, source URL
]  # fmt: skip

GKG = [
    "20250101121500-42", "20250101121500", "1", "example.org", "https://example.org/vn-cn-talks",
    "", "", "TAX_FNCACT;MARITIME;", "MARITIME,120;",
    "1#Vietnam#VM#VM#16.1667#107.833#VM;4#Beijing#CH#CH22#39.93#116.39#-1898541",
    "", "nguyen van a;li wei", "", "united nations;asean", "",
    "-1.5,2.1,3.6,5.7,20.1,0.5,312", "", "wc:312", "", "",
    "", "", "", "", "",
    "srclc:vie;eng:GT-VIE 1.0",
    "<PAGE_TITLE>Vietnam &amp; China hold talks</PAGE_TITLE><PAGE_AUTHORS>Tran B</PAGE_AUTHORS>",
]  # fmt: skip


def test_the_layouts_have_the_documented_widths() -> None:
    assert len(EVENT_COLUMNS) == 61 == len(EVENT)
    assert len(GKG_COLUMNS) == 27 == len(GKG)
    assert EVENT_COLUMNS[26] == "EventCode"
    assert EVENT_COLUMNS[53] == "ActionGeo_CountryCode"
    assert EVENT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_event_lines_become_event_items(tmp_path: Path) -> None:
    path = _write(tmp_path / "20250101121500.export.CSV", ["\t".join(EVENT)])
    (item,) = list(GdeltEventsConnector(path).read())
    assert isinstance(item, RawItem)
    assert (item.source, item.kind, item.external_id) == ("gdelt:events", "event", "1217480788")
    assert item.url == "https://example.org/vn-cn-talks"
    assert item.title == "VIETNAM — consult — CHINA"
    assert item.published == datetime(2025, 1, 1, 12, 15, tzinfo=UTC)
    extra = item.extra
    assert extra["quad_class"] == "verbal_cooperation"
    assert extra["goldstein"] == 1.9
    assert extra["avg_tone"] == -1.23456
    assert extra["actor1"]["country"] == "VNM"
    assert extra["actor2"]["country"] == "CHN"
    assert extra["action_country"] == "VNM"  # FIPS VM -> ISO VNM
    assert extra["event_date"] == "2025-01-01"


def test_zipped_event_files_are_read_and_bad_lines_are_rejected_alone(tmp_path: Path) -> None:
    bad_quad = list(EVENT)
    bad_quad[0], bad_quad[29] = "2", "9"
    bad_id = list(EVENT)
    bad_id[0] = "abc"
    second = list(EVENT)
    second[0] = "3"
    lines = ["\t".join(EVENT), "only\tthree\tcolumns", "\t".join(bad_quad), "\t".join(bad_id), "\t".join(second)]
    path = tmp_path / "20250101121500.export.CSV.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("20250101121500.export.CSV", "\n".join(lines) + "\n")
    connector = connector_for(str(path))
    assert isinstance(connector, GdeltEventsConnector)
    results = list(connector.read())
    assert [r.external_id for r in results if isinstance(r, RawItem)] == ["1217480788", "3"]
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert [(r.position, r.reason) for r in rejected] == [
        ("line 2", "expected 61 tab-separated columns, found 3"),
        ("line 3", "QuadClass is not 1-4"),
        ("line 4", "GLOBALEVENTID is not a number"),
    ]


def test_gkg_lines_become_article_items(tmp_path: Path) -> None:
    path = _write(tmp_path / "20250101121500.translation.gkg.csv", ["\t".join(GKG)])
    connector = connector_for(str(path))
    assert isinstance(connector, GdeltGkgConnector)
    (item,) = list(connector.read())
    assert isinstance(item, RawItem)
    assert (item.source, item.kind, item.external_id) == ("gdelt:gkg", "article", "20250101121500-42")
    assert item.title == "Vietnam & China hold talks"
    assert item.author == "Tran B"
    assert item.lang == "vi"
    assert item.extra["countries"] == ["VNM", "CHN"]
    assert item.extra["themes"] == ["TAX_FNCACT", "MARITIME"]
    assert item.extra["persons"] == ["nguyen van a", "li wei"]
    assert item.extra["organisations"] == ["united nations", "asean"]
    assert item.extra["tone"] == -1.5
    assert item.extra["word_count"] == 312


def test_gkg_bad_record_ids_and_dates_are_rejected(tmp_path: Path) -> None:
    bad_id = list(GKG)
    bad_id[0] = "nope"
    bad_date = list(GKG)
    bad_date[1] = "2025"
    path = _write(tmp_path / "x.gkg.csv", ["\t".join(bad_id), "\t".join(bad_date)])
    reasons = [r.reason for r in GdeltGkgConnector(path).read() if isinstance(r, Rejected)]
    assert reasons == ["GKGRECORDID is not in the form YYYYMMDDHHMMSS-N", "unreadable V2.1DATE"]


def test_an_event_file_in_a_wrong_encoding_rejects_only_the_bad_line(tmp_path: Path) -> None:
    broken = list(EVENT)
    broken[0], broken[6] = "5", "S\xe3O TOM\xc9"
    path = tmp_path / "20250101121500.export.CSV"
    path.write_bytes(("\t".join(EVENT) + "\n").encode() + "\t".join(broken).encode("latin-1") + b"\n")
    results = list(GdeltEventsConnector(path).read())
    assert isinstance(results[0], RawItem)
    assert results[1] == Rejected("gdelt:events", "line 2", "not valid utf-8 text")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Co"), blacklist_characters="\t\n\r"), max_size=12),
        min_size=61,
        max_size=61,
    )
)
def test_any_61_column_line_is_an_item_or_a_reasoned_rejection(cells: list[str]) -> None:
    results = list(GdeltEventsConnector("\t".join(cells).encode()).read())
    assert len(results) <= 1
    for result in results:
        if isinstance(result, Rejected):
            assert result.reason
        else:
            assert result.external_id.isdigit()
            assert result.published is not None
            assert result.published.tzinfo is UTC


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**12),
    st.sampled_from(["1", "2", "3", "4"]),
    st.floats(min_value=-10, max_value=10, allow_nan=False),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
)
def test_generated_events_round_trip(event_id: int, quad: str, goldstein: float, name: str) -> None:
    cells = list(EVENT)
    cells[0], cells[29], cells[30], cells[6] = str(event_id), quad, repr(goldstein), name.replace("\t", " ")
    (item,) = list(GdeltEventsConnector("\t".join(cells).encode()).read())
    assert isinstance(item, RawItem)
    assert item.external_id == str(event_id)
    assert item.extra["goldstein"] == goldstein
    assert (
        item.extra["quad_class"]
        == ["verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"][int(quad) - 1]
    )
