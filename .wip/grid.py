import itertools, sys, numpy as np
sys.path.insert(0, "/tmp/cal")
from lab import series, htg, fg
from concurrent.futures import ProcessPoolExecutor
r = lambda x, y: float(np.sqrt(np.mean((x - y) ** 2)))
def one(kw):
    a = series(seeds=4, rematch=False, **kw); c = series(seeds=4, rematch=True, **kw) * 5
    return kw, r(a, htg.no_punishment.values), r(c, fg.mean_contribution_pct_endowment.values), a.round(1), c.round(1)
grid = [dict(horizon=10, **eval("dict(%s)" % g)) for g in sys.argv[1:]]
with ProcessPoolExecutor(2) as ex:
    for kw, ra, rc, a, c in ex.map(one, grid):
        print(kw, "htg %.2f fg %.2f" % (ra, rc)); print("   ", a); print("   ", c)
