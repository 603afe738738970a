import sys, numpy as np, pandas as pd
from abm.model import CoalitionModel
D = "/work/main/../shared/data/"
htg = pd.read_csv(D + "public_goods_htg2008.csv")
htg = htg.groupby(["treatment", "period"]).mean_contribution_tokens_of_20.mean().unstack(0)
fg = pd.read_csv(D + "public_goods_fg2010.csv").set_index("period")

def series(seeds=8, n=400, **kw):
    out = []
    for s in range(seeds):
        m = CoalitionModel.from_preset("public_goods_lab", rng=s, n_nations=n, **kw)
        m.run_for(10)
        out.append(m.model_frame()["mean_contribution_pct"].to_numpy())
    return np.mean(out, axis=0) / 5  # tokens of 20

def report(**kw):
    a = series(rematch=False, peer_punishment=False, **kw)
    b = series(rematch=False, peer_punishment=True, **kw)
    c = series(rematch=True, **kw)
    r = lambda x, y: float(np.sqrt(np.mean((x - y) ** 2)))
    print(kw)
    print(" partners    ", np.round(a, 1), "rmse %.2f" % r(a, htg.no_punishment.values))
    print(" partners pun", np.round(b, 1), "rmse %.2f" % r(b, htg.punishment.values))
    print(" strangers % ", np.round(c * 5, 1), "rmse %.2f pp" % r(c * 5, fg.mean_contribution_pct_endowment.values))
    print(" strangers pun", np.round(series(rematch=True, peer_punishment=True, **kw)*5, 1))

if __name__ == "__main__":
    kw = eval("dict(" + (sys.argv[1] if len(sys.argv) > 1 else "") + ")")
    report(**kw)
