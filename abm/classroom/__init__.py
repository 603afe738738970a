"""The classroom app: lessons (the presets) in the browser, with live charts, rules a teacher
changes while the model runs, and a student playing a nation.

Builds on ``abm.model`` and ``abm.scenarios``; Solara and matplotlib load only here.
"""
