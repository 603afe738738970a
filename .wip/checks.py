import numpy as np, time
from abm.model import CoalitionModel
def sd_trust(preset, seeds=10, steps=40, **kw):
    out = []
    for s in range(seeds):
        m = CoalitionModel.from_preset(preset, rng=s, **kw); m.run_for(steps)
        t = m.trust.copy(); n = len(t); np.fill_diagonal(t, np.nan)
        out.append(np.nanmean(np.nanstd(t, axis=0)))
    return np.mean(out)
print("trust sd default", sd_trust("default"), "peacekeeping", sd_trust("peacekeeping"), "collapse", sd_trust("trust_collapse"))
sp = []
for s in range(12):
    m = CoalitionModel.from_preset("peacekeeping", rng=s); m.run_for(100)
    f = m.model_frame(); sp.append((f.filter(like="side").iloc[:, 0] > 0).any())
print("side payments in peacekeeping runs:", sum(sp), "/", len(sp), list(m.model_frame().columns))
for rj in (False, True):
    ends, rej, maxexit = [], 0, 0
    for s in range(12):
        m = CoalitionModel.from_preset("trust_collapse", rng=s, rejoin=rj); m.run_for(100)
        f = m.model_frame(); ends.append(int(f["members"].iloc[-1])); rej += f["rejoins"].sum(); maxexit = max(maxexit, f["exits"].max())
    print("collapse rejoin", rj, "ends", ends, "rejoins", rej, "max exits/cycle", maxexit)
t = time.perf_counter(); 
for s in range(20): CoalitionModel(rng=s).run_for(100)
print("default run ms", (time.perf_counter() - t) / 20 * 1000)
