import json

import numpy as np
import pytest

from chancery_analytics.nlp.linear import MODELS_DIR, model_load

NAMES = ["langid", "sentiment_vi", "sentiment_en", "sentiment_multi", "event", "political"]


@pytest.mark.parametrize("name", NAMES)
def test_artefact_loads_without_pickle_and_names_its_version(name):
    with np.load(MODELS_DIR / f"{name}.npz", allow_pickle=False) as arrays:
        optional = {"idf", "word_keys", "word_weights"}
        assert {"rows", "weights", "bias"} <= set(arrays.files) <= {"rows", "weights", "bias"} | optional
        assert all(arrays[key].dtype != object for key in arrays.files)
    description = json.loads((MODELS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert description["name"] == name
    assert description["version"]
    model = model_load(name)
    assert model.weights.shape == (len(model.rows), len(model.labels))
    assert np.all(np.diff(model.rows) > 0)
    assert model.idf is None or len(model.idf) == len(model.rows)
    assert (model.idf is not None) == model.spec.idf
    if model.word_table is not None:
        assert model.word_table.weights.shape == (len(model.word_table.keys), len(model.labels))
        assert np.all(np.diff(model.word_table.keys) > 0)


def test_artefacts_are_small():
    sizes = [path.stat().st_size for path in MODELS_DIR.iterdir()]
    assert max(sizes) < 5 * 1024 * 1024
    assert sum(sizes) < 20 * 1024 * 1024


def test_no_pickle_files_are_committed():
    assert not [p for p in MODELS_DIR.iterdir() if p.suffix in {".pkl", ".pickle", ".joblib", ".npy"}]
