import itertools, sys, numpy as np
sys.path.insert(0, "/tmp/cal")
from lab import series, htg, fg
from concurrent.futures import ProcessPoolExecutor
r = lambda x, y: float(np.sqrt(np.mean((x - y) ** 2)))
base = dict(horizon=10, unconditional_level=0.25, novice_noise=0.9, reputation_weight=1.0, peer_punishment=True)
def one(kw):
    a = series(seeds=4, rematch=False, **{**base, **kw}); c = series(seeds=4, rematch=True, **{**base, **kw}) * 5
    return kw, r(a, htg.punishment.values), a.round(1), c.round(1)
grid = [eval("dict(%s)" % g) for g in sys.argv[1:]]
with ProcessPoolExecutor(2) as ex:
    for kw, ra, a, c in ex.map(one, grid):
        print(kw, "htg pun %.2f" % ra); print("   ", a); print("    strangers", c)
