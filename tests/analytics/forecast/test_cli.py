import json
from pathlib import Path

import pytest

from chancery.cli import main


def test_backtest_json_has_the_exact_keys(trade_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "forecast",
                "backtest",
                "trade",
                "--data",
                str(trade_dir),
                "--test-from",
                "2012-01",
                "--test-to",
                "2017-12",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert {"task", "train_to", "test_from", "test_to", "rows", "subsets"} <= set(data)
    assert data["task"] == "trade"
    assert data["test_from"] == "2012-01"
    assert data["test_to"] == "2017-12"
    for row in data["rows"]:
        assert set(row) >= {"name", "baseline", "metrics"}
        assert isinstance(row["baseline"], bool)
    assert "male" in data["rows"][0]["metrics"]


def test_backtest_table_names_model_and_baselines(trade_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "forecast",
                "backtest",
                "trade",
                "--data",
                str(trade_dir),
                "--test-from",
                "2014-01",
                "--test-to",
                "2017-12",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "random_walk" in out
    assert "model" in out


def test_bad_arguments_and_missing_data_are_clear_errors(
    tmp_path: Path, trade_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forecast", "backtest", "trade", "--data", str(tmp_path / "none")]) == 2
    assert "no data directory" in capsys.readouterr().err
    assert main(["forecast", "backtest", "trade", "--data", str(trade_dir), "--test-from", "2017/01"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert (
        main(
            [
                "forecast",
                "backtest",
                "trade",
                "--data",
                str(trade_dir),
                "--test-from",
                "2016-01",
                "--test-to",
                "2030-12",
            ]
        )
        == 2
    )
    assert "end in 2017" in capsys.readouterr().err


def test_scenario_warning_exits_one(trade_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", "scenario", "Japan", "--currency", "-90", "--data", str(trade_dir), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["outside_data"] is True
