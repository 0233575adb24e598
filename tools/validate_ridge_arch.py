#!/usr/bin/env python3
# Validation of SourceRidge.nb201ArchFeatures (issue #13): does a ridge with the cell op counts (all and live
# edges) appended to the source-device features, picked per device by LOO, help? Run: python3 tools/validate_ridge_arch.py
# Validation only: leave-one-SOURCE-device-out on HELP's meta-train devices (meta-test devices never read).
import json, os, sys, numpy as np
sys.path.insert(0, "/work/main/tools")
from helpprof_predictor import nb201_live_edges, nb201_ops_from_index
d="/work/main/profiles/datasets"
idx=json.load(open(f"{d}/index.json"))["nb201"]; devs=idx["devices"]
lat=np.fromfile(f"{d}/{idx['latency']}","<f4").reshape(15625,len(devs)).astype(np.float64)
test=set(idx["splits"]["meta_test_devices"])
src=[i for i,n in enumerate(devs) if n not in test]
L=np.log(lat)
refs=[1462,14418,14314,9550,9574,12172,4002,3138,13078,4939]
# arch features: counts of each op over 6 edges, and over live edges
ops=[nb201_ops_from_index(i) for i in range(15625)]
O=np.array(ops)
live=np.array([nb201_live_edges(o)[0] for o in ops])
A=np.concatenate([np.stack([(O==k).sum(1) for k in (1,2,3,4)],1), np.stack([((O==k)&live).sum(1) for k in (1,2,3,4)],1)],1).astype(float)
from scipy.stats import spearmanr
def ridge_fit(X,y,lam=1.0):
    mx=X.mean(0); my=y.mean(); Xc=X-mx
    w=np.linalg.solve(Xc.T@Xc+lam*np.eye(X.shape[1]), Xc.T@(y-my))
    return lambda Z: my+(Z-mx)@w
def loo(X,y,lam=1.0):
    e=[]
    for i in range(len(y)):
        m=np.ones(len(y),bool); m[i]=False
        e.append(ridge_fit(X[m],y[m],lam)(X[i:i+1])[0]-y[i])
    return np.square(e)
rng=np.random.default_rng(0)
evalset=rng.choice(15625,2000,replace=False)
res={k:[] for k in ["src","src+arch","arch","loo-pick"]}
picks=[]
for t in src:
    others=[s for s in src if s!=t]
    for seed in range(3):
        r=np.random.default_rng(100+seed)
        shots=list(refs)+list(r.choice([i for i in range(15625) if i not in refs],10,replace=False))
        y=L[shots,t]
        Xs=L[:,others]; Xa=A; Xsa=np.concatenate([Xs,A],1)
        preds={}
        for name,X in [("src",Xs),("src+arch",Xsa),("arch",Xa)]:
            f=ridge_fit(X[shots],y); preds[name]=f(X[evalset])
            res[name].append(spearmanr(preds[name],L[evalset,t])[0])
        l1=loo(Xs[shots],y); l2=loo(Xsa[shots],y)
        d=l1-l2  # one-standard-error rule: the richer ridge only when it wins by more than the SE of the difference
        pk="src+arch" if d.mean()>d.std(ddof=1)/np.sqrt(len(d)) else "src"; picks.append(pk)
        res["loo-pick"].append(res[pk][-1])
    print(devs[t], {k:round(np.mean(v[-3:]),4) for k,v in res.items()})
print("MEAN", {k:round(np.mean(v),4) for k,v in res.items()}, "worst", {k:round(np.min(v),4) for k,v in res.items()}, "picked src+arch", picks.count("src+arch"), "/", len(picks))
