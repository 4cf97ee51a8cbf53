"""Intelligence's item of ``chancery check``: the plugged ONNX sentiment model, when a deployment has one."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from chancery.platform.deployment import CheckItem, register_check

NAME = "ONNX sentiment model"


def check_onnx_sentiment() -> CheckItem:
    """Passes when no model is plugged in (said plainly), or when the plugged one loads and its languages read.

    Loads the model as the enrichment pipeline would (files, labels, onnxruntime, the graph's inputs and
    output); a failure names the setting and what is wrong. Emits nothing.
    """
    from chancery_analytics.nlp.onnx_model import OnnxModelError, onnx_classifier_load, onnx_sentiment_parse

    try:
        plugged = onnx_sentiment_parse(
            directory=settings.INTEL_ONNX_SENTIMENT_DIR, langs=settings.INTEL_ONNX_SENTIMENT_LANGS
        )
        if plugged is None:
            return CheckItem(
                NAME, passed=True, detail="Not configured: the built-in linear models serve every language."
            )
        model = onnx_classifier_load(Path(plugged.directory))
    except OnnxModelError as error:
        return CheckItem(NAME, passed=False, detail=f"CHANCERY_INTEL_ONNX_SENTIMENT_DIR: {error}")
    return CheckItem(NAME, passed=True, detail=f"{model.model_id} for {', '.join(plugged.langs)}.")


register_check(NAME, check_onnx_sentiment)
