"""mesa.batch_run and Mesa-style data access work on CoalitionModel, from its own records."""

import mesa
import pandas as pd

import abm


def test_mesa_batch_run_gives_each_run_its_last_step_per_nation_reproducibly():
    def batch():
        return pd.DataFrame(mesa.batch_run(
            abm.CoalitionModel, parameters={"n_nations": [6, 9], "monitoring": [0.1, 0.9]},
            rng=[1, 2], max_steps=5, number_processes=1, data_collection_period=-1,
            display_progress=False))

    runs = batch()
    assert len(runs) == 2 * (6 + 9) * 2  # 2 seeds x (6 + 9 nations) x 2 monitoring levels
    assert (runs["Step"] == 5).all()
    one = runs[(runs["n_nations"] == 6) & (runs["monitoring"] == 0.9) & (runs["rng"] == 2)]
    model = abm.CoalitionModel(rng=2, n_nations=6, monitoring=0.9)
    model.run_for(5)
    last = model.model_frame().iloc[-1]
    assert (one["effectiveness"] == last["effectiveness"]).all()
    nations = model.nation_frame().query("step == 5")
    assert one["payoff"].tolist() == nations["payoff"].tolist()
    pd.testing.assert_frame_equal(runs, batch())


def test_every_step_through_batch_run_and_the_datacollector_frames():
    runs = pd.DataFrame(mesa.batch_run(abm.CoalitionModel, parameters={"n_nations": 5},
                                       rng=[3], max_steps=4, data_collection_period=1,
                                       display_progress=False))
    assert sorted(runs["Step"].unique()) == [1, 2, 3, 4] and len(runs) == 4 * 5
    model = abm.CoalitionModel(rng=3, n_nations=5)
    model.run_for(4)
    collected = model.datacollector
    assert model.datacollector is collected  # kept until the next cycle
    frame = collected.get_model_vars_dataframe()
    assert frame.index.name == "Step" and frame.index.tolist() == [1, 2, 3, 4]
    assert frame["effectiveness"].tolist() == model.model_frame()["effectiveness"].tolist()
    agents = collected.get_agent_vars_dataframe()
    assert agents.index.names == ["Step", "AgentID"] and len(agents) == 20
    assert set(agents.index.get_level_values("AgentID")) == {n.unique_id for n in model.agents}
    model.run_for(1)
    assert len(model.datacollector.get_model_vars_dataframe()) == 5


class WithItsOwnCollector(abm.CoalitionModel):
    """Mesa's idiom: a subclass that collects with a DataCollector of its own."""

    def __init__(self, rng=None, **params):
        super().__init__(rng=rng, **params)
        self.datacollector = mesa.DataCollector(
            model_reporters={"members": lambda m: m.metrics["members"]})

    def step(self):
        super().step()
        self.datacollector.collect(self)


def test_a_subclass_may_bring_its_own_datacollector():
    model = WithItsOwnCollector(rng=1, n_nations=5)
    model.run_for(3)
    assert isinstance(model.datacollector, mesa.DataCollector)
    assert model.datacollector.get_model_vars_dataframe()["members"].tolist() == [5, 5, 5]
    rows = mesa.batch_run(WithItsOwnCollector, parameters={"n_nations": 5}, rng=[1],
                          max_steps=3, display_progress=False)
    assert [row["members"] for row in rows] == [5]
