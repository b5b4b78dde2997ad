"""A tiny notebook that does what the Dijkstra chapter's first cells do for the kernel-client traffic, without the
compute: imports torch, nee_lite's plotting style, an ipywidgets.interactive (its Output widget makes nbclient send
comm messages on the shell channel while the cell runs), a figure, many short cells."""
import nbformat

cells = [nbformat.v4.new_code_cell("import sys\nimport matplotlib.pyplot as plt\nimport ipywidgets as widgets\n"
                                   "import torch\nfrom IPython.display import display\n"
                                   "from nee_lite.device import tune_cpu\nfrom nee_lite.plotting import use_book_style\n"
                                   "use_book_style()\ntune_cpu(threads=1)")]
for i in range(30):
    cells.append(nbformat.v4.new_code_cell(
        "def show(step):\n    fig, ax = plt.subplots(figsize=(3, 2))\n    ax.plot(range(step + 2))\n    plt.show()\n"
        f"display(widgets.interactive(show, step=widgets.IntSlider(value={i % 5}, min=0, max=5)))\n"
        f"print('cell {i}')"))
    cells.append(nbformat.v4.new_code_cell(f"x = torch.randn(200, 200) @ torch.randn(200, 200)\nprint({i}, float(x.sum()) != 0)"))
nb = nbformat.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbformat.write(nb, "widget_probe.ipynb")
