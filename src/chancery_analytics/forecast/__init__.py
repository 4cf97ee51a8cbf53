"""Risk forecasting (no Django): conflict country-month, economic crises country-year, Viet Nam's trade.

``data`` reads a directory laid out like ``../shared/data`` (a table may be split over several files that
differ only in the years they cover); ``metrics`` holds CRPS, AUROC, AUPR, Brier and MALE; ``conflict``,
``crises`` and ``trade`` hold the models (each with ``fit`` / ``predict`` / ``explain``) and their
baselines; ``backtest`` runs the rolling-origin comparison printed by ``chancery forecast backtest``.
"""
