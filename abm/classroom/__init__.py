"""The classroom: the single-player app (``app.py``: lessons in the browser, live charts,
rules a teacher changes while the model runs, a student playing a nation) and the shared game
(``server.py``: the whole class in one coalition, with a teacher's dashboard, a projector page
and a debrief).

Builds on ``abm.model`` and ``abm.scenarios``; Solara, matplotlib and Starlette load only here.
"""
