"""PyTorch CPU peer of bench workloads A, B and C: same shapes as the TypeScript side, timed here.

Reads a JSON spec on stdin ({"threads": [1, 2], "sizes": [...], "attention": {...}, "vit": {...},
"min_samples": 5, "max_time": 2}) and prints one JSON object: {"rows": [...], "blas": "..."}. Rows use the
bench's row format (workload, impl, unit, median, min, max, samples). Values are drawn by torch's own
generator (same shapes and distributions as ours, not the same numbers: speed does not depend on them).
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


def timed(work, min_samples, max_time):
    """Seconds per call: each sample times enough calls to last >= 5 ms; median, min, max over samples."""
    work()  # warm-up
    t0 = time.perf_counter()
    work()
    one = max(time.perf_counter() - t0, 1e-7)
    calls = max(1, math.ceil(0.005 / one))
    samples = []
    start = time.perf_counter()
    while len(samples) < min_samples or time.perf_counter() - start < max_time:
        t0 = time.perf_counter()
        for _ in range(calls):
            work()
        samples.append((time.perf_counter() - t0) / calls)
        if len(samples) >= 200:
            break
    samples.sort()
    return samples[len(samples) // 2], samples[0], samples[-1], len(samples)


def rate_row(workload, impl, unit, per_call, t):
    med, lo, hi, n = t
    return dict(workload=workload, impl=impl, unit=unit, median=per_call / med, min=per_call / hi,
                max=per_call / lo, samples=n)


def ms_row(workload, impl, t, **extra):
    med, lo, hi, n = t
    return dict(workload=workload, impl=impl, unit="ms", median=med * 1e3, min=lo * 1e3, max=hi * 1e3,
                samples=n, **extra)


def attention_block(s):
    """Workload B: x (B, T, C) -> q, k, v Linear -> softmax(q k^T / sqrt(D)) v -> output Linear."""
    B, T, C, H = s["batch"], s["tokens"], s["channels"], s["heads"]
    D = C // H
    bound = 1 / math.sqrt(C)
    x = (torch.rand(B, T, C) * 2 - 1).requires_grad_()
    params = []
    for _ in range(4):
        params.append(((torch.rand(C, C) * 2 - 1) * bound).requires_grad_())
        params.append(((torch.rand(C) * 2 - 1) * bound).requires_grad_())

    def heads(t):
        return t.reshape(B, T, H, D).permute(0, 2, 1, 3)

    def forward():
        q = heads(F.linear(x, params[0], params[1]))
        k = heads(F.linear(x, params[2], params[3]))
        v = heads(F.linear(x, params[4], params[5]))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D), dim=-1) @ v
        y = att.permute(0, 2, 1, 3).reshape(B, T, C)
        return F.linear(y, params[6], params[7])

    def fwd():
        with torch.no_grad():
            forward()

    def fwd_bwd():
        x.grad = None
        for p in params:
            p.grad = None
        forward().sum().backward()

    return fwd, fwd_bwd


class Block(torch.nn.Module):
    def __init__(self, s):
        super().__init__()
        self.s = s
        self.norm1 = torch.nn.LayerNorm(s["dim"])
        self.qkv = torch.nn.Linear(s["dim"], 3 * s["dim"])
        self.proj = torch.nn.Linear(s["dim"], s["dim"])
        self.norm2 = torch.nn.LayerNorm(s["dim"])
        self.fc1 = torch.nn.Linear(s["dim"], s["mlp"])
        self.fc2 = torch.nn.Linear(s["mlp"], s["dim"])

    def forward(self, x):
        B, N, C = x.shape
        H = self.s["heads"]
        D = C // H
        qkv = self.qkv(self.norm1(x)).reshape(B, N, 3, H, D).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D), dim=-1) @ v
        h = x + self.proj(att.permute(0, 2, 1, 3).reshape(B, N, C))
        return h + self.fc2(F.gelu(self.fc1(self.norm2(h))))


class TinyVit(torch.nn.Module):
    """Workload C's model: patch embedding, cls token, learned positions, pre-norm blocks, linear head."""

    def __init__(self, s):
        super().__init__()
        self.s = s
        tokens = (s["image"] // s["patch"]) ** 2 + 1
        self.embed = torch.nn.Linear(s["patch"] ** 2, s["dim"])
        self.cls = torch.nn.Parameter(torch.randn(1, 1, s["dim"]) * 0.02)
        self.pos = torch.nn.Parameter(torch.randn(1, tokens, s["dim"]) * 0.02)
        self.blocks = torch.nn.ModuleList([Block(s) for _ in range(s["depth"])])
        self.norm = torch.nn.LayerNorm(s["dim"])
        self.head = torch.nn.Linear(s["dim"], s["classes"])

    def forward(self, images):
        s = self.s
        B, S, P, C = images.shape[0], s["image"], s["patch"], s["dim"]
        g = S // P
        patches = images.reshape(B, g, P, g, P).permute(0, 1, 3, 2, 4).reshape(B, g * g, P * P)
        x = torch.cat([self.cls.expand(B, 1, C), self.embed(patches)], 1) + self.pos
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x)[:, 0])


def vit_step(s):
    model = TinyVit(s)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    images = torch.rand(s["batch"], 1, s["image"], s["image"])
    labels = torch.arange(s["batch"]) % s["classes"]

    def step():
        opt.zero_grad()
        F.cross_entropy(model(images), labels).backward()
        opt.step()

    return step


def blas_info():
    try:
        from threadpoolctl import threadpool_info

        infos = threadpool_info()
        return "; ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('filepath')})" for i in infos) or "none found"
    except ImportError:
        return "threadpoolctl not installed: BLAS unknown"


def main():
    spec = json.load(sys.stdin)
    torch.manual_seed(1)
    rows = []
    opts = (spec["min_samples"], spec["max_time"])
    slow = (spec["slow_min_samples"], spec["slow_max_time"])
    for threads in spec["threads"]:
        torch.set_num_threads(threads)
        impl = f"torch {threads}t"
        for n in spec["sizes"]:
            a, b = torch.rand(n, n) * 2 - 1, torch.rand(n, n) * 2 - 1
            rows.append(rate_row(f"A matmul {n}", impl, "GFLOP/s", 2 * n**3 / 1e9, timed(lambda: a @ b, *opts)))
        if spec.get("attention"):
            fwd, fwd_bwd = attention_block(spec["attention"])
            rows.append(ms_row("B attention fwd", impl, timed(fwd, *opts)))
            rows.append(ms_row("B attention fwd+bwd", impl, timed(fwd_bwd, *opts)))
        if spec.get("vit"):
            t = timed(vit_step(spec["vit"]), *slow)
            rows.append(ms_row("C ViT train step", impl, t, imagesPerS=spec["vit"]["batch"] / t[0]))
    print(json.dumps({"rows": rows, "blas": blas_info(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
