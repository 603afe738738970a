"""The shared game's room and debrief, without the web: seats, choices, cycles, rules, the
record of every decision and its replay."""

import gc
import json
import weakref

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.classroom import debrief
from abm.classroom.room import Room, RoomError
from abm.model import CoalitionModel
from abm.scenarios.kinds import CAPABILITIES


def _room(**kwargs) -> Room:
    return Room(**{"lesson": "default", "n_nations": 6, "seed": 3, **kwargs})


def _outcomes(model: CoalitionModel) -> pd.DataFrame:
    return model.nation_frame()


# --- seats ---------------------------------------------------------------------------------------
def test_students_get_distinct_nations_and_distinct_names():
    room = _room()
    seats = [room.join("Ana"), room.join("ana"), room.join(" Ana  "), room.join("Ben")]
    assert [s.name for s in seats] == ["Ana", "ana (2)", "Ana (3)", "Ben"]
    assert len({s.nation for s in seats}) == 4
    assert len({s.token for s in seats}) == 4
    assert sorted(room.free_nations()) == sorted(set(range(6)) - {s.nation for s in seats})


def test_a_student_may_pick_a_free_nation_but_not_a_taken_one():
    room = _room()
    assert room.join("Ana", nation=4).nation == 4
    with pytest.raises(RoomError, match="nation: N4 is taken"):
        room.join("Ben", nation=4)
    with pytest.raises(RoomError, match=r"nation: got 9, expected an integer in \[0, 5\]"):
        room.join("Ben", nation=9)


def test_a_full_room_refuses_one_more_student():
    room = _room(n_nations=2)
    room.join("Ana")
    room.join("Ben")
    with pytest.raises(RoomError, match="all 2 nations are taken"):
        room.join("Chloe")


@pytest.mark.parametrize("name", ["", "   ", "x" * 25, "\n\t", ["Ana"], None, 7])
def test_a_name_must_be_a_text_of_one_to_24_printable_characters(name):
    with pytest.raises(RoomError, match="name: got .* 1 to 24"):
        _room().join(name)


@pytest.mark.parametrize("name", ["=HYPERLINK(1)", "+1", "-x", "@me"])
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_refused(name):
    with pytest.raises(RoomError, match="name: starts with"):
        _room().join(name)


@pytest.mark.parametrize(("field", "value"), [("funds", True), ("funds", 10**400),
                                               ("punish_share", 10**400)])
def test_a_choice_of_the_wrong_type_is_refused_in_one_line(field, value):
    room = _room()
    seat = room.join("Ana")
    with pytest.raises(RoomError, match=f"{field}: got .{{1,40}}, expected a share"):
        room.submit(seat.token, **{field: value})


@pytest.mark.parametrize(("field", "value"), [("funds", 1.5), ("troops", -0.1),
                                               ("enablers", "nan"), ("funds", "lots"),
                                               ("punish_share", 2)])
def test_a_choice_outside_its_range_is_refused_in_one_line(field, value):
    room = _room()
    seat = room.join("Ana")
    with pytest.raises(RoomError) as error:
        room.submit(seat.token, **{field: value})
    assert str(error.value).startswith(f"{field}: got")
    assert "[0, 1]" in str(error.value) and "\n" not in str(error.value)
    assert seat.decision is None


def test_an_unknown_token_cannot_submit():
    with pytest.raises(RoomError, match="token: not a student of this room"):
        _room().submit("guess", funds=0.5)


# --- cycles --------------------------------------------------------------------------------------
def test_a_submitted_pledge_is_what_the_nation_offers():
    """The offer stands for the nation; a mission accepts offers up to its requirement (all
    of them cut in proportion when it is oversubscribed), so the pledge is the offer unless
    the mission was full."""
    for seed in range(6):
        room = _room(seed=seed)
        seat = room.join("Ana")
        shares = (0.4, 0.25, 0.0)
        room.submit(seat.token, *shares)
        room.advance()
        row = room.model.nation_frame().iloc[seat.nation]
        coalition = room.model.model_frame().iloc[0]
        assert room.decisions[-1]["submitted"] and room.decisions[-1]["share_funds"] == 0.4
        if not row["participating"]:
            continue
        for share, capacity, c in zip(shares, room.capacity[seat.nation], CAPABILITIES):
            offered = share * capacity
            if coalition[f"pledged_{c}"] < coalition[f"required_{c}"] * (1 - 1e-9):
                assert row[f"pledge_{c}"] == pytest.approx(offered, rel=1e-12)
            else:
                assert row[f"pledge_{c}"] <= offered * (1 + 1e-12)


def test_a_student_who_does_not_submit_is_played_by_the_model():
    """Students who never submit leave the run exactly as the model plays it alone: joining
    draws no number from the model's stream."""
    room = _room(seed=8)
    for name in ("Ana", "Ben", "Chloe"):
        room.join(name)
    for _ in range(4):
        room.advance()
    alone = CoalitionModel(rng=8, **room.params)
    alone.run_for(4)
    pd.testing.assert_frame_equal(_outcomes(room.model), _outcomes(alone))
    assert {d["submitted"] for d in room.decisions} == {False}


def test_a_submission_holds_for_one_cycle_only():
    room = _room()
    seat = room.join("Ana")
    room.submit(seat.token, funds=1.0)
    room.advance()
    assert seat.decision is None
    room.advance()
    assert [d["submitted"] for d in room.decisions] == [True, False]


def test_what_students_choose_changes_the_outcome():
    """The same rooms with three students giving all or nothing: the coalition's
    contributions follow their choices (averaged over six seeds)."""
    given = {}
    for share in (0.0, 1.0):
        ratios = []
        for seed in range(6):
            room = _room(n_nations=6, seed=seed)
            seats = [room.join(name) for name in ("Ana", "Ben", "Chloe")]
            for _ in range(3):
                for seat in seats:
                    room.submit(seat.token, funds=share, troops=share, enablers=share)
                room.advance()
            ratios.append(room.model.model_frame()["mean_contribution_ratio"].mean())
        given[share] = np.mean(ratios)
    assert given[1.0] > given[0.0] + 0.2


def test_peer_punishment_by_a_student_costs_the_punisher_and_hurts_the_target():
    payoffs = {}
    for punish in (False, True):
        room = _room(n_nations=4, seed=2)
        room.change(peer_punishment=True, monitoring=1.0)
        seat = room.join("Ana", nation=0)
        targets = [1, 2, 3] if punish else []
        room.submit(seat.token, funds=0.5, troops=0.5, enablers=0.5, punish=targets,
                    punish_share=1.0)
        room.advance()
        payoffs[punish] = room.model.nation_frame()["payoff"].to_numpy()
        spent = room.model.state.spent[0]
        assert (spent[1:] > 0).any() == punish
    assert payoffs[True][0] < payoffs[False][0]  # punishing costs Ana
    assert payoffs[True][1:].sum() < payoffs[False][1:].sum()  # and hurts the others more


def test_a_lesson_gives_its_number_of_nations_when_none_is_asked():
    assert Room("default", n_nations=None, seed=1).n == 30


def test_nobody_punished_records_no_punishment_share():
    room = _room()
    seat = room.join("Ana")
    room.submit(seat.token, funds=0.5, punish=[], punish_share=0.7)
    assert seat.decision.punish_share == 0.0


def test_a_student_cannot_punish_their_own_nation():
    room = _room()
    seat = room.join("Ana")
    room.submit(seat.token, punish=[seat.nation], punish_share=1.0)
    assert seat.decision.punish == ()


def test_rules_change_from_the_next_cycle_and_are_recorded():
    room = _room()
    room.advance()
    room.change(monitoring=0.9, burden_rule="assessed")
    room.change(monitoring=0.95)  # (the same cycle: one entry)
    room.advance()
    assert room.changes == [{"cycle": 2, "monitoring": 0.95, "burden_rule": "assessed"}]
    assert room.model.p["monitoring"] == 0.95
    with pytest.raises(RoomError, match=r"monitoring: got 2(.0)?, expected a number in \[0, 1\]"):
        room.change(monitoring=2)
    with pytest.raises(RoomError, match="n_nations: not a rule of the dashboard"):
        room.change(n_nations=40)
    with pytest.raises(RoomError, match=r"monitoring: got 10+\.\.\., out of range"):
        room.change(monitoring=10**400)


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr("abm.classroom.room.time.monotonic", clock)
    return clock


def test_the_clock_starts_with_the_first_student(clock):
    room = _room(time_limit=60)
    assert room.seconds_left() is None  # (nobody yet: the room does not play itself)
    clock.now += 500
    room.join("Ana")
    assert room.seconds_left() == 60
    clock.now += 20
    assert room.seconds_left() == 40


def test_pause_stops_the_clock_and_the_game_and_resume_restarts_them(clock):
    room = _room(time_limit=60)
    seat = room.join("Ana")
    clock.now += 15
    room.pause()
    left = room.seconds_left()
    clock.now += 100
    assert left == room.seconds_left() == 45
    with pytest.raises(RoomError, match="paused"):
        room.submit(seat.token, funds=0.5)
    with pytest.raises(RoomError, match="paused"):
        room.advance()
    room.resume()
    assert room.seconds_left() == 45
    room.advance()
    assert room.cycles == 1 and room.seconds_left() == 60


def test_an_absent_student_does_not_hold_up_the_class():
    room = _room()
    ana, ben = room.join("Ana"), room.join("Ben")
    ana.connected = 1  # Ana's page is open; Ben's is closed
    assert not room.all_submitted()
    room.submit(ana.token, funds=0.5)
    assert room.all_submitted()
    ben.connected = 1  # Ben is back: the class waits for him
    assert not room.all_submitted()


def test_a_student_is_told_when_the_rules_change_after_they_chose():
    from abm.classroom import views

    room = _room()
    seat = room.join("Ana")
    room.submit(seat.token, funds=0.5)
    assert not views.student(room, seat)["decision"]["rules_changed"]
    room.change(monitoring=0.9)
    assert views.student(room, seat)["decision"]["rules_changed"]
    room.submit(seat.token, funds=0.6)
    assert not views.student(room, seat)["decision"]["rules_changed"]


def test_every_change_bumps_the_version_and_tells_the_listener():
    told = []
    room = _room(on_change=lambda r: told.append(r.version))
    seat = room.join("Ana")
    room.submit(seat.token, funds=0.1)
    room.advance()
    room.change(monitoring=0.7)
    room.pause()
    assert told == [1, 2, 3, 4, 5] and room.version == 5


@pytest.mark.parametrize(("options", "message"), [
    ({"lesson": "poker"}, "lesson: got 'poker', expected one of"),
    ({"n_nations": 1}, r"nations: got 1, expected an integer in \[2, 200\]"),
    ({"n_nations": 2.5}, "nations: got 2.5"),
    ({"seed": -1}, r"seed: got -1, expected an integer in \[0, 999999\]"),
    ({"time_limit": 601}, r"time_limit: got 601, expected an integer in \[0, 600\]"),
    ({"auto_advance": "false"}, "auto_advance: got 'false', expected true or false"),
    ({"lesson": []}, r"lesson: got \[\], expected one of"),
    ({"seed": True}, "seed: got True"),
    ({"lesson": "public_goods_lab", "n_nations": 3}, "group_size"),
])
def test_a_bad_room_is_refused_in_one_line(options, message):
    with pytest.raises(RoomError, match=message):
        _room(**options)


def test_a_lesson_with_a_nations_file_takes_its_nations_from_it():
    room = Room("nato_2014", n_nations=6, seed=1)
    assert room.n == 31 and "United States" in room.names


# --- the end, the debrief and the record ----------------------------------------------------------
def _played_room(seed=5, cycles=3) -> Room:
    room = _room(seed=seed)
    ana, ben = room.join("Ana"), room.join("Ben")
    room.join("Chloe")  # never submits
    for cycle in range(1, cycles + 1):
        if cycle == 2:
            room.change(peer_punishment=True, sanction_rate=0.5)
        room.submit(ana.token, funds=0.9, troops=0.5, enablers=0.2, punish=[ben.nation],
                    punish_share=0.5)
        room.submit(ben.token, funds=0.1, troops=0.0, enablers=0.0)
        room.advance()
    return room


def test_ending_keeps_the_debrief_and_frees_the_model():
    room = _played_room()
    model = weakref.ref(room.model)
    room.end()
    result = debrief.finish(room, classes=10)
    gc.collect()
    assert model() is None and room.model is None
    assert room.debrief is result and room.cycles == 3
    with pytest.raises(RoomError, match="the game has ended"):
        room.advance()
    with pytest.raises(RoomError, match="the game has ended"):
        room.join("Dan")


def test_the_simulated_classes_share_the_rooms_nations_and_differ_in_their_draws():
    room = _played_room()
    one = debrief.simulated_class(room.params, room.changes, 3, room.seed,
                                  draws=room.class_seeds[0])
    two = debrief.simulated_class(room.params, room.changes, 3, room.seed,
                                  draws=room.class_seeds[1])
    np.testing.assert_array_equal(one.gdp, room.model.gdp)
    np.testing.assert_array_equal(one.strategy, two.strategy)
    assert not one.nation_frame()["payoff"].equals(two.nation_frame()["payoff"])


def test_the_class_without_students_is_the_model_alone_with_the_rooms_seed():
    room = _played_room()
    room.end()
    band = debrief.finish(room, classes=20).band
    assert set(band["measure"]) == {name for name, _ in debrief.TRAJECTORY}
    assert len(band) == 3 * len(debrief.TRAJECTORY)
    alone = debrief.simulated_class(room.debrief.setup["parameters"], room.changes, 3, 5)
    np.testing.assert_array_equal(band[band["measure"] == "mean_trust"]["without_students"],
                                  alone.recorder.model_columns()["mean_trust"])


def test_the_simulated_classes_come_from_the_rooms_seed():
    first, second = _played_room(seed=5), _played_room(seed=5)
    assert first.class_seeds == second.class_seeds
    assert first.class_seeds != _played_room(seed=6).class_seeds
    assert len(set(first.class_seeds)) == len(first.class_seeds) == 100


def test_the_export_holds_every_decision_with_the_rules_and_the_seed():
    room = _played_room()
    table = debrief.decisions(room)
    assert len(table) == 3 * room.n
    assert set(table["seed"]) == {5} and set(table["lesson"]) == {"default"}
    chloe = table[table["student"] == "Chloe"]
    assert list(chloe["decided_by"]) == ["model"] * 3
    assert list(table[table["student"] == "Ana"]["decided_by"]) == ["student"] * 3
    model_seats = table[table["student"] == ""]
    assert len(model_seats) == 3 * (room.n - 3) and set(model_seats["decided_by"]) == {"model"}
    by_cycle = table.groupby("cycle")[["peer_punishment", "sanction_rate"]].first()
    assert by_cycle["peer_punishment"].tolist() == [False, True, True]
    assert by_cycle["sanction_rate"].tolist() == [0.0, 0.5, 0.5]
    ana = table[table["student"] == "Ana"]
    ben = room.names[room.seat(_token(room, "Ben")).nation]
    assert list(ana["punished"]) == ["", ben, ben]  # (punishment allowed from cycle 2)


def _token(room: Room, name: str) -> str:
    return next(s.token for s in room.seats.values() if s.name == name)


def test_the_saved_record_replays_the_class_bit_for_bit(tmp_path):
    room = _played_room()
    live = room.model.nation_frame()
    room.end()
    folder = debrief.save(debrief.finish(room, classes=5), tmp_path)
    record = json.loads((folder / "room.json").read_text())
    for table in (pd.read_csv(folder / "decisions.csv"),
                  pd.read_parquet(folder / "decisions.parquet")):
        table = table.sample(frac=1.0, random_state=1)  # (any row order)
        replayed = debrief.replay(record, table).nation_frame()
        np.testing.assert_array_equal(replayed["payoff"], live["payoff"])
        np.testing.assert_array_equal(replayed["trust_received"], live["trust_received"])
    metadata = pq.read_schema(folder / "decisions.parquet").metadata
    assert json.loads(metadata[b"coalition.room"])["seed"] == 5
    assert {p.name for p in folder.iterdir()} == {"decisions.csv", "decisions.parquet",
                                                  "students.csv", "band.csv", "room.json"}


def test_saving_never_replaces_another_games_record(tmp_path):
    room = _played_room()
    room.end()
    result = debrief.finish(room, classes=2)
    first, second = debrief.save(result, tmp_path), debrief.save(result, tmp_path)
    assert first != second and first.exists() and second.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".writing")]


def test_a_game_ended_before_its_first_cycle_has_a_debrief_without_rows():
    room = _room()
    seat = room.join("Ana")
    room.end()
    result = debrief.finish(room, classes=3)
    assert result.students.empty and list(result.students.columns) == list(
        debrief.STUDENT_COLUMNS)
    assert result.band.empty and result.decisions.empty
    from abm.classroom import views
    assert views.student(room, seat)["summary"] is None


def test_per_student_summaries():
    room = _played_room()
    room.end()
    students = debrief.finish(room, classes=2).students.set_index("student")
    assert students.loc["Ana", "cycles_submitted"] == 3
    assert students.loc["Chloe", "cycles_submitted"] == 0
    assert students.loc["Ana", "contribution_ratio"] > students.loc["Ben", "contribution_ratio"]
    assert 1 <= students.loc["Ana", "payoff_rank"] <= room.n


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.booleans()), min_size=1,
                max_size=4),
       st.integers(0, 999_999), st.booleans())
def test_any_game_replays_from_its_record(choices, seed, punishment):
    """Whatever the students choose, the record rebuilds the run exactly."""
    room = Room("default", n_nations=5, seed=seed)
    room.change(peer_punishment=punishment)
    ana, ben = room.join("Ana"), room.join("Ben")
    for funds, troops, ben_submits in choices:
        room.submit(ana.token, funds=funds, troops=troops, enablers=funds * troops,
                    punish=[ben.nation] if funds > 0.5 else [], punish_share=troops,
                    punish_below=funds)
        if ben_submits:
            room.submit(ben.token, funds=troops)
        room.advance()
    replayed = debrief.replay(debrief.setup(room), debrief.decisions(room))
    pd.testing.assert_frame_equal(replayed.nation_frame(), room.model.nation_frame())


def test_the_debrief_waits_for_the_end_and_a_game_has_a_last_cycle(monkeypatch):
    room = _room()
    with pytest.raises(RoomError, match="end the game before its debrief"):
        debrief.finish(room)
    monkeypatch.setattr("abm.classroom.room.CYCLES_MAX", 2)
    room.set_timing(time_limit=30)
    room.join("Ana")
    room.advance()
    assert room.seconds_left() is not None
    room.advance()
    assert room.seconds_left() is None  # (the clock stops at the last cycle)
    with pytest.raises(RoomError, match="2 cycles is the longest game"):
        room.advance()


def test_a_student_whose_nation_left_is_told_and_does_not_hold_up_the_class():
    room = Room("trust_collapse", n_nations=10, seed=13)
    ana, ben = room.join("Ana", nation=0), room.join("Ben", nation=5)
    for _ in range(3):
        for seat in (ana, ben):
            room.submit(seat.token, funds=0.05, troops=0.05, enablers=0.05)
        room.advance()
    assert not room.model.member[5] and room.model.member[0]  # Ben's nation has left
    with pytest.raises(RoomError, match="nation: N5 has left the coalition"):
        room.submit(ben.token, funds=1.0)
    room.submit(ana.token, funds=0.5)
    assert room.all_submitted()  # (the class does not wait for Ben)
    room.advance()
    room.end()
    students = debrief.finish(room, classes=2).students.set_index("student")
    assert students.loc["Ben", "left_in_cycle"] == 4
    assert pd.isna(students.loc["Ana", "left_in_cycle"])


def test_a_payoff_rank_compares_totals_over_the_students_own_cycles():
    table = pd.DataFrame({
        "cycle": [1, 1, 1, 2, 2, 2], "nation": ["A", "B", "C"] * 2,
        "student": ["", "", "", "", "Bo", ""], "submitted": [False] * 4 + [True, False],
        "payoff": [9.0, 0.0, 0.0, 1.0, 3.0, 2.0], "member": [True] * 6,
        "contribution_ratio": [1.0] * 6, "burden": [0.01] * 6, "trust_received": [0.5] * 6,
        "sanction": [0.0] * 6})
    bo = debrief.students(table).iloc[0]
    assert bo["cycles"] == 1 and bo["payoff_total"] == 3.0
    assert bo["payoff_rank"] == 1  # (A's 9 came before Bo joined)


def test_punishment_chosen_while_the_rules_forbid_it_is_not_recorded():
    room = _room()
    ana, ben = room.join("Ana"), room.join("Ben")
    room.submit(ana.token, funds=0.5, punish=[ben.nation], punish_share=1.0, punish_below=0.5)
    room.advance()  # (peer punishment is off in this lesson)
    row = room.decisions[[d["student"] for d in room.decisions].index("Ana")]
    assert (row["punished"], row["punish_share"], row["punish_below"]) == ("", 0.0, 0.0)


def test_the_punishment_switch_takes_only_true_or_false():
    with pytest.raises(RoomError, match="peer_punishment: got 1, expected true or false"):
        _room().change(peer_punishment=1)
