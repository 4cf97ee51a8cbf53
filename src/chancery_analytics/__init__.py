"""Pure-Python analytics (no Django): enrichment of news and posts in Vietnamese and English.

``chancery_analytics.pipeline.Pipeline`` is the default enrichment pipeline (language, countries, sentiment,
event class, political filter, topic) over the small linear models in ``models/``; ``nlp`` holds the batch
functions it is made of; ``training`` refits the models from the shared development data; ``cli`` adds
``chancery intel eval`` and ``chancery intel annotate``.
"""
