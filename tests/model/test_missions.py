"""Missions: requirements, groups, ageing and who may take part."""

from dataclasses import replace

import numpy as np
import pytest

from abm.model.missions import aged, form_groups, pools, regroup_due

from ..property import hand_built


def test_coalition_missions_require_a_share_of_everyones_capacity():
    p, world, _, state = hand_built(n_missions=2, req_funds=0.3, req_troops=0.0,
                                    req_enablers=0.5)
    missions = state.missions
    assert len(missions) == 2 and missions.groups is None
    np.testing.assert_allclose(missions.requirement[0], [0.3, 0.0, 0.5]
                               * world.capacity.sum(axis=0))
    assert missions.weight.tolist() == [[0.5, 0.0, 0.5]] * 2
    assert missions.required_total == pytest.approx(missions.requirement.sum(axis=0).tolist())
    pool, beneficiaries = pools(missions, np.array([True, False, True, True]))
    assert pool.tolist() == [[True, False, True, True]] * 2 and beneficiaries.all()


def test_groups_split_the_members_and_only_they_benefit():
    p, world, _, _ = hand_built(gdp=[10.0] * 7, region=[0] * 7, strategy=[0] * 7, group_size=3)
    member = np.array([True] * 6 + [False])
    missions = form_groups(member, world.capacity, world.troop_cost, p,
                           np.random.default_rng(3))
    assert len(missions) == 2 and missions.groups.sum(axis=1).tolist() == [3, 3]
    assert (missions.groups.sum(axis=0) == member).all()  # each member in exactly one group
    pool, beneficiaries = pools(missions, member)
    assert (pool == missions.groups).all() and (beneficiaries == pool).all()
    assert regroup_due(missions, step=1, rematch=False)
    assert not regroup_due(missions, step=2, rematch=False)
    assert regroup_due(missions, step=2, rematch=True)


def test_a_mission_that_has_run_its_course_is_replaced():
    p, _, _, state = hand_built(n_missions=2, mission_duration=2)
    missions = state.missions
    once, ended = aged(missions, 2, p["n_regions"], np.random.default_rng(0))
    assert not ended and once.age.tolist() == [1, 1] and once.region is missions.region
    once = replace(once, experience=np.array([0.5, 0.5]))
    twice, ended = aged(once, 2, p["n_regions"], np.random.default_rng(0))
    assert ended and twice.age.tolist() == [0, 0] and twice.experience.tolist() == [0.0, 0.0]
    assert once.age.tolist() == [1, 1]  # the older missions are left as they were
    assert aged(missions, 0, p["n_regions"], np.random.default_rng(0)) == (missions, False)
