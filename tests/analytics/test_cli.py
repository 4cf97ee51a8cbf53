import json

import pytest

from chancery.cli import main


def test_annotate_writes_one_line_per_good_record_and_reports_skips(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "text": "Russia and Ukraine agreed a ceasefire."}\nnot json\n{"id": "b", "text": "Hàn Quốc"}\n',
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"
    assert main(["intel", "annotate", str(source), "-o", str(target)]) == 1
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in rows] == ["a", "b"]
    assert rows[0]["countries"] == ["RUS", "UKR"]
    assert rows[1]["countries"] == ["KOR"]
    err = capsys.readouterr().err
    assert "Skipped line 2" in err
    assert "2 record(s) annotated, 1 skipped" in err


def test_annotate_clean_input_exits_zero_and_prints_to_stdout(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "Hello world"}\n', encoding="utf-8")
    assert main(["intel", "annotate", str(source)]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["id"] == 1


def test_annotate_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["intel", "annotate", str(tmp_path / "absent.jsonl")]) == 2
    assert "Cannot read" in capsys.readouterr().err


def test_eval_without_data_is_a_clear_error(tmp_path, capsys):
    assert main(["intel", "eval", "--data", str(tmp_path / "none")]) == 2
    assert "No development data" in capsys.readouterr().err


def test_annotate_with_analyst_entities_and_one_worker(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Ambassador Jane Roe met Wang Yi at the UN."}\n', encoding="utf-8")
    entities = tmp_path / "entities.jsonl"
    entities.write_text(
        '{"id": "Jane Roe", "kind": "person", "aliases": ["Jane Roe"], "country": "FRA"}\n{"id": 3}\n',
        encoding="utf-8",
    )
    assert main(["intel", "annotate", str(source), "--workers", "1", "--entities", str(entities)]) == 0
    captured = capsys.readouterr()
    [row] = [json.loads(line) for line in captured.out.splitlines()]
    assert row["people"] == ["Jane Roe", "Wang Yi"]
    assert row["organisations"] == ["UN"]
    assert row["models"]["entities"].endswith("+1")
    assert "Entities line 2 skipped" in captured.err


def test_annotate_unknown_engine_is_refused_by_the_parser(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "x"}\n', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["intel", "annotate", str(source), "--engine", "spark"])
    assert exit_.value.code == 2
