"""The shape of every array in one training step, as small Markdown tables.

Shapes are where a student's first implementation goes wrong, and the tables follow the
network on screen: one row per layer, for a batch of ``n`` images.
"""

from __future__ import annotations

from collections.abc import Sequence


def markdown_table(rows: Sequence[dict[str, str]]) -> str:
    """``rows`` as a Markdown table. A table this small needs no data grid: ``st.table``
    would make the browser load Arrow's 0.7 MB of script before the page is complete."""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += [
        "| " + " | ".join(f"`{row[k]}`" if "(" in row[k] else row[k] for k in head) + " |"
        for row in rows
    ]
    return "\n".join(lines)


def forward_shapes(sizes: Sequence[int], n: int) -> list[dict[str, str]]:
    """For a batch of ``n`` images: the shape of every array in the forward pass."""
    rows = []
    last = len(sizes) - 1
    for i in range(1, len(sizes)):
        k_in, k_out = sizes[i - 1], sizes[i]
        rows.append(
            {
                "layer": f"{i} ({'output' if i == last else 'hidden'})",
                "input": f"{'X' if i == 1 else f'A{i - 1}'}: ({n}, {k_in})",
                "W": f"({k_in}, {k_out})",
                "b": f"({k_out},)",
                "Z = input·W + b": f"({n}, {k_out})",
                "A = f(Z)": f"P = softmax(Z): ({n}, {k_out})" if i == last else f"({n}, {k_out})",
            }
        )
    return rows


def backward_shapes(sizes: Sequence[int], n: int) -> list[dict[str, str]]:
    """For a batch of ``n``: every gradient, last layer first, each the shape of its array."""
    rows = []
    last = len(sizes) - 1
    for i in range(last, 0, -1):
        k_in, k_out = sizes[i - 1], sizes[i]
        prev = "X" if i == 1 else f"A{i - 1}"
        rows.append(
            {
                "layer": str(i),
                "dZ": ("(P − Y) / n" if i == last else f"dA{i} ⊙ f′(Z{i})") + f": ({n}, {k_out})",
                "dW = inputᵀ·dZ": f"{prev}ᵀ·dZ{i}: ({k_in}, {k_out})",
                "db = Σ rows of dZ": f"({k_out},)",
                "dA below = dZ·Wᵀ": "not needed" if i == 1 else f"dA{i - 1}: ({n}, {k_in})",
            }
        )
    return rows
