"""Monitor a PyTorch model (CPU): the paper's Fig. 1 target (sin x + sin 3x + sin 5x on 201 points of [-π, π)), a
tanh MLP of widths 64, 64, full-batch Adam, and fptheory's FrequencyMonitor fed the outputs (tensors are accepted
as they are, gradients and all).

Run: ``python examples/torch_monitor.py`` (needs PyTorch: ``pip install torch --index-url
https://download.pytorch.org/whl/cpu``, about 190 MB to download and 750 MB installed).
"""

from __future__ import annotations

import numpy as np
import torch

from fptheory.monitor import FrequencyMonitor, FrequencyReport


def run(*, steps: int = 3000, record_every: int = 20, seed: int = 0) -> FrequencyReport:
    x = -np.pi + 2 * np.pi * np.arange(201) / 201
    y = np.sin(x) + np.sin(3 * x) + np.sin(5 * x)

    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(1, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(),
                                torch.nn.Linear(64, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    xs = torch.tensor(x[:, None], dtype=torch.float32)
    ys = torch.tensor(y[:, None], dtype=torch.float32)

    monitor = FrequencyMonitor(x, y, frequencies=[1, 3, 5])
    for step in range(steps + 1):
        outputs = model(xs)
        if step % record_every == 0:
            monitor.record(step, outputs)  # shape (201, 1): one output component
        if step < steps:
            optimizer.zero_grad()
            (0.5 * torch.mean((outputs - ys) ** 2)).backward()
            optimizer.step()
    return monitor.report()


if __name__ == "__main__":
    print(run().explain())
