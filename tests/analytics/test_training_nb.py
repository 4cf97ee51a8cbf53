import numpy as np

from chancery_analytics.nlp.features import FeatureSpec
from chancery_analytics.nlp.linear import model_from_sklearn
from chancery_analytics.training.common import Featuriser
from chancery_analytics.training.nb import NBLogisticRegression

TEXTS = [
    "i love it, great day 😍",
    "what a wonderful result, so happy",
    "this is terrible, i hate it 😡",
    "awful service, never again",
    "the meeting is at noon",
    "the report was published today",
] * 3
LABELS = ["positive", "positive", "negative", "negative", "neutral", "neutral"] * 3


def test_nb_lr_folds_into_the_plain_linear_model_used_at_inference():
    spec = FeatureSpec(n_features=1 << 12, word_ngrams=2, char_min=2, char_max=4, idf=True, social=True)
    featuriser = Featuriser(spec).fit(TEXTS)
    classifier = NBLogisticRegression(c=10.0).fit(featuriser.transform(TEXTS), LABELS)
    assert list(classifier.classes_) == ["negative", "neutral", "positive"]
    model = model_from_sklearn(
        name="t",
        version="0",
        spec=spec,
        classes=[str(c) for c in classifier.classes_],
        coef=classifier.coef_,
        intercept=classifier.intercept_,
        meta={},
        idf=featuriser.idf,
        idf_default=featuriser.idf_default,
    )
    probes = ["so happy, love it", "i hate this, terrible", "published at noon"]
    sklearn_labels = classifier.predict(featuriser.transform(probes))
    assert [model.predict(p).label for p in probes] == list(sklearn_labels) == ["positive", "negative", "neutral"]
    scores = classifier.decision_function(featuriser.transform(probes))
    assert np.all(np.isfinite(scores))
