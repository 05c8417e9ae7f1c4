"""Peer benchmark for `npm run bench`: Adam on Rosenbrock, N particles x STEPS steps, batched
tensors in NumPy and PyTorch (CPU), float32 and float64. Prints one JSON object per line.
Written independently of Gradscape's engine: the same torch.optim.Adam rule, vectorised.

`--record N1,N2 STEPS REPEATS`: the recording peer instead: float32, every step's position and
loss written into preallocated [N, STEPS + 1] arrays as it goes (what Gradscape's recorded path
produces). PyTorch where it is installed; otherwise NumPy, and the line says torch was unavailable."""
import json
import sys
import time

RECORD = sys.argv[1] == '--record'
ARGS = sys.argv[2:] if RECORD else sys.argv[1:]
N_LIST = [int(n) for n in ARGS[0].split(',')]
STEPS = int(ARGS[1])
# Best of REPEATS runs where a run is short (N <= 1e5): torch's timings here vary by 2x between
# runs, and the best one is the fair figure to compare against.
REPEATS = int(ARGS[2]) if len(ARGS) > 2 else 1
LR, B1, B2, EPS = 0.01, 0.9, 0.999, 1e-8


def starts(n, xp, dtype):
    i = xp.arange(n, dtype=dtype)
    return -2 + 4 * ((i * 0.6180339887) % 1), -1 + 4 * ((i * 0.7548776662) % 1)


def bench_numpy(n, dtype, record=False):
    """Final state, or with `record` every step's x, y and loss into preallocated [n, STEPS + 1] arrays."""
    import numpy as np
    x, y = starts(n, np, dtype)
    mx, my, vx, vy = (np.zeros(n, dtype) for _ in range(4))
    if record:
        X, Y, L = (np.empty((n, STEPS + 1), dtype) for _ in range(3))
        X[:, 0] = x; Y[:, 0] = y; L[:, 0] = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    t0 = time.perf_counter()
    for t in range(1, STEPS + 1):
        a = 1 - x
        b = y - x * x
        gx = -2 * a - 400 * x * b
        gy = 200 * b
        mx += (gx - mx) * (1 - B1); my += (gy - my) * (1 - B1)
        vx *= B2; vx += (1 - B2) * gx * gx
        vy *= B2; vy += (1 - B2) * gy * gy
        step = LR / (1 - B1 ** t)
        bc2 = (1 - B2 ** t) ** 0.5
        x -= step * mx / (np.sqrt(vx) / bc2 + EPS)
        y -= step * my / (np.sqrt(vy) / bc2 + EPS)
        if record:
            a = 1 - x
            b = y - x * x
            X[:, t] = x; Y[:, t] = y; L[:, t] = a * a + 100 * b * b
    return time.perf_counter() - t0


def bench_torch(n, dtype_name, record=False):
    """As bench_numpy, in PyTorch (2 threads); with `record`, into preallocated tensors."""
    import torch
    dtype = getattr(torch, dtype_name)
    torch.set_num_threads(2)
    torch.set_flush_denormal(True)  # fair to torch: decaying Adam moments reach float32 denormals
    x, y = starts(n, torch, dtype)
    mx, my, vx, vy = (torch.zeros(n, dtype=dtype) for _ in range(4))
    if record:
        X, Y, L = (torch.empty((n, STEPS + 1), dtype=dtype) for _ in range(3))
        X[:, 0] = x; Y[:, 0] = y; L[:, 0] = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    t0 = time.perf_counter()
    with torch.no_grad():
        for t in range(1, STEPS + 1):
            a = 1 - x
            b = y - x * x
            gx = -2 * a - 400 * x * b
            gy = 200 * b
            mx.lerp_(gx, 1 - B1); my.lerp_(gy, 1 - B1)
            vx.mul_(B2).addcmul_(gx, gx, value=1 - B2)
            vy.mul_(B2).addcmul_(gy, gy, value=1 - B2)
            step = LR / (1 - B1 ** t)
            bc2 = (1 - B2 ** t) ** 0.5
            x.addcdiv_(mx, vx.sqrt().div_(bc2).add_(EPS), value=-step)
            y.addcdiv_(my, vy.sqrt().div_(bc2).add_(EPS), value=-step)
            if record:
                a = 1 - x
                b = y - x * x
                X[:, t] = x; Y[:, t] = y; L[:, t] = a * a + 100 * b * b
    return time.perf_counter() - t0


def record_numpy(n):
    import numpy as np
    return bench_numpy(n, np.float32, record=True)


def record_torch(n):
    return bench_torch(n, 'float32', record=True)


if RECORD:
    try:
        import torch  # noqa: F401
        name, fn, note = 'torch float32, every step recorded', record_torch, None
    except ImportError:
        name, fn, note = 'numpy float32, every step recorded', record_numpy, 'torch unavailable: NumPy float32 instead'
    for n in N_LIST:
        sec = min(fn(n) for _ in range(REPEATS if n <= 100_000 else 1))
        line = {'peer': name, 'particles': n, 'steps': STEPS, 'seconds': sec, 'particleStepsPerSecond': n * STEPS / sec}
        if note:
            line['note'] = note
        print(json.dumps(line), flush=True)
    sys.exit(0)

for n in N_LIST:
    for name, fn, dtypes in (('numpy', bench_numpy, ('float32', 'float64')), ('torch', bench_torch, ('float32', 'float64'))):
        for dt in dtypes:
            try:
                import numpy as np
                sec = min(fn(n, getattr(np, dt) if name == 'numpy' else dt) for _ in range(REPEATS if n <= 100_000 else 1))
                print(json.dumps({'peer': f'{name} {dt}', 'particles': n, 'steps': STEPS, 'seconds': sec,
                                  'particleStepsPerSecond': n * STEPS / sec}), flush=True)
            except ImportError as e:
                print(json.dumps({'peer': f'{name} {dt}', 'particles': n, 'skipped': f'not installed ({e.name})'}), flush=True)
