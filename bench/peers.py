"""Peer benchmark for `npm run bench`: Adam on Rosenbrock, N particles x STEPS steps, batched
tensors in NumPy and PyTorch (CPU), float32 and float64. Prints one JSON object per line.
Written independently of Gradscape's engine: the same torch.optim.Adam rule, vectorised.

`--record N1,N2 STEPS REPEATS`: the recording peer instead: float32, every step's position and
loss written into preallocated [N, STEPS + 1] arrays as it goes (what Gradscape's recorded path
produces). PyTorch where it is installed; otherwise NumPy, and the line says torch was unavailable.

`--networks E1,E2 STEPS_LIST REPEATS`: the network-ensemble peers instead (`npm run bench -- --networks`):
E networks [8, 16, 16, 1], tanh, MSE on 128 shared examples, trained batched over the ensemble in
float32, full-batch GD (lr 0.05) and Adam (lr 0.01, torch's rule), one thread: NumPy (matmul over
the ensemble dimension, gradients written out) and PyTorch (bmm, autograd, torch.optim) where torch
is installed. STEPS_LIST gives the steps per ensemble size. One JSON object per line, with wall and CPU
time (process_time: the figure to compare on a loaded machine)."""
import json
import sys
import time


def _ensemble_init(xp, E, layers, dtype):
    """Data x ~ N(0, I), y ~ N(0, 1) (128 examples, shared); weights lecun-normal, biases 0, per network."""
    rng = __import__('numpy').random.default_rng(0)
    X = rng.standard_normal((128, layers[0])).astype('float32')
    Y = rng.standard_normal((128, layers[-1])).astype('float32')
    Ws, bs = [], []
    for fi, fo in zip(layers[:-1], layers[1:]):
        Ws.append((rng.standard_normal((E, fi, fo)) / fi ** 0.5).astype('float32'))
        bs.append(__import__('numpy').zeros((E, 1, fo), 'float32'))
    return X, Y, Ws, bs


def networks_numpy(E, steps, optimizer, layers=(8, 16, 16, 1)):
    """Forward, backward and update of E networks per step, batched over the ensemble. The shared data
    meet the first layer in one matmul over all networks ([n, in] @ [in, E·fan_out]); the later layers
    are stacked matmuls [E, n, fan_in] @ [E, fan_in, fan_out]."""
    import numpy as np
    X, Y, Ws, bs = _ensemble_init(np, E, layers, np.float32)
    n = X.shape[0]
    fo1 = layers[1]
    Ws[0] = np.ascontiguousarray(Ws[0].transpose(1, 0, 2))  # [in, E, fan_out]: one matmul with X
    params = Ws + bs
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr = np.float32(0.05 if optimizer == 'gd' else 0.01)
    t0, c0 = time.perf_counter(), time.process_time()
    for t in range(1, steps + 1):
        z = (X @ Ws[0].reshape(layers[0], E * fo1)).reshape(n, E, fo1).transpose(1, 0, 2) + bs[0]
        acts = [None, np.tanh(z)]
        for l in range(1, len(Ws)):
            z = np.matmul(acts[-1], Ws[l]) + bs[l]
            acts.append(np.tanh(z) if l + 1 < len(Ws) else z)
        r = acts[-1] - Y
        loss = (r * r).sum(axis=(1, 2)) / n  # per network (kept, as ours records it)
        delta = (2 / n) * r
        gW, gb = [None] * len(Ws), [None] * len(Ws)
        for l in range(len(Ws) - 1, -1, -1):
            gb[l] = delta.sum(axis=1, keepdims=True)
            if l == 0:
                gW[0] = (X.T @ delta.transpose(1, 0, 2).reshape(n, E * fo1)).reshape(layers[0], E, fo1)
                break
            gW[l] = np.matmul(acts[l].transpose(0, 2, 1), delta)
            a = acts[l]
            delta = np.matmul(delta, Ws[l].transpose(0, 2, 1)) * (1 - a * a)
        grads = gW + gb
        if optimizer == 'gd':
            for p, g in zip(params, grads):
                p -= lr * g
        else:
            step = lr / (1 - 0.9 ** t)
            bc2 = (1 - 0.999 ** t) ** 0.5
            for p, g, mm, vv in zip(params, grads, m, v):
                mm += (g - mm) * np.float32(0.1)
                vv *= np.float32(0.999)
                vv += np.float32(0.001) * g * g
                p -= np.float32(step) * (mm / (np.sqrt(vv) / np.float32(bc2) + np.float32(1e-8)))
    del loss
    return time.perf_counter() - t0, time.process_time() - c0


def networks_torch(E, steps, optimizer, layers=(8, 16, 16, 1)):
    """The same ensemble in PyTorch on the CPU: bmm over the ensemble, autograd, torch.optim on the batched tensors."""
    import torch
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    X, Y, Ws, bs = _ensemble_init(None, E, layers, None)
    X = torch.from_numpy(X).expand(E, -1, -1)
    Y = torch.from_numpy(Y)
    params = [torch.from_numpy(p).requires_grad_() for p in Ws + bs]
    L = len(Ws)
    opt = torch.optim.SGD(params, lr=0.05) if optimizer == 'gd' else torch.optim.Adam(params, lr=0.01)
    n = X.shape[1]
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        a = X
        for l in range(L):
            z = torch.baddbmm(params[L + l], a, params[l])
            a = torch.tanh(z) if l + 1 < L else z
        # Σ over networks of each network's mean loss: each network's gradient is its own.
        loss = ((a - Y) ** 2).sum(dim=(1, 2)) / n
        opt.zero_grad(set_to_none=False)
        loss.sum().backward()
        opt.step()
    return time.perf_counter() - t0, time.process_time() - c0


def networks_main(args):
    sizes = [int(e) for e in args[0].split(',')]
    steps_list = [int(s) for s in args[1].split(',')]
    repeats = int(args[2]) if len(args) > 2 else 1
    for optimizer in ('gd', 'adam'):
        for E, steps in zip(sizes, steps_list):
            for name, fn in (('numpy float32 batched', networks_numpy), ('torch float32 batched (bmm)', networks_torch)):
                try:
                    fn(E, 2, optimizer)  # warm-up (imports, allocator)
                    times = [fn(E, steps, optimizer) for _ in range(repeats)]
                    sec = min(w for w, _ in times)
                    cpu = min(c for _, c in times)
                    print(json.dumps({'peer': name, 'optimizer': optimizer, 'ensemble': E, 'steps': steps, 'seconds': sec,
                                      'cpuSeconds': cpu, 'networkStepsPerSecond': E * steps / sec,
                                      'networkStepsPerCpuSecond': E * steps / cpu}), flush=True)
                except ImportError as e:
                    print(json.dumps({'peer': name, 'optimizer': optimizer, 'ensemble': E,
                                      'skipped': f'{e.name} not installed'}), flush=True)


if len(sys.argv) > 1 and sys.argv[1] == '--networks':
    networks_main(sys.argv[2:])
    sys.exit(0)


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
