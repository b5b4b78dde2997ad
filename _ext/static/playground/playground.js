/*
 * The page "Try the engines" (book/playground.md): reads the reader's input, checks it as nee-lite run does, runs
 * the closed loop of engines.js on the exported engines and shows it step by step.
 *
 * The container #nee-playground says where it stands in data-state (loading, ready, failed), counts finished runs
 * in data-runs and keeps the last run's milliseconds in data-ms and, for a graph, the width of the engines it ran
 * on in data-bits (8, or 16 for the composed ones; the browser test reads them).
 *
 * The checkbox "16-bit numbers" is the graph tasks' --bits 16 of nee-lite run: it widens what the page accepts
 * (weights and Dijkstra's sums up to 65,535, up to 1,000 nodes); a graph the 8-bit engines take still runs on them.
 */
(function () {
  "use strict";

  const LIST_LIMIT = 500; // the page's own limit (nee-lite run takes up to 10,000 numbers): keeps a run under seconds
  const EXAMPLES = {
    "sort": "5, 3, 9, 3, 0, 255, 17, 128",
    "merge-sort": "200, 7, 7, 31, 0, 255, 64, 12, 99",
    "add": "3 + 4\n100 + 155\ninf + 7\n0 + 0",
    "dijkstra": JSON.stringify({n: 6, edges: [[0, 1, 7], [0, 2, 9], [0, 5, 14], [1, 2, 10], [1, 3, 15], [2, 3, 11],
      [2, 5, 2], [3, 4, 6], [4, 5, 9]], source: 0}),
    "prim": JSON.stringify({n: 6, edges: [[0, 1, 4], [0, 2, 3], [1, 2, 1], [1, 3, 2], [2, 3, 4], [3, 4, 2],
      [4, 5, 6], [3, 5, 5]], source: 0}),
  };
  const WIDE_EXAMPLES = { // with "16-bit numbers" checked: the examples above, weights times 1,000
    "dijkstra": JSON.stringify({n: 6, edges: [[0, 1, 7000], [0, 2, 9000], [0, 5, 14000], [1, 2, 10000],
      [1, 3, 15000], [2, 3, 11000], [2, 5, 2000], [3, 4, 6000], [4, 5, 9000]], source: 0}),
    "prim": JSON.stringify({n: 6, edges: [[0, 1, 4000], [0, 2, 3000], [1, 2, 1000], [1, 3, 2000], [2, 3, 4000],
      [3, 4, 2000], [4, 5, 6000], [3, 5, 5000]], source: 0}),
  };
  const HELP = {
    "sort": "Numbers from 0 to 255, separated by commas or spaces (or a JSON list), up to " + LIST_LIMIT + ".",
    "merge-sort": "Numbers from 0 to 255, separated by commas or spaces (or a JSON list), up to " + LIST_LIMIT + ".",
    "add": "One pair a + b per line; numbers from 0 to 255 or inf, with a + b at most 255.",
    "dijkstra": 'One graph as JSON: {"n": N, "edges": [[u, v, w], ...], "source": s}; weights 0 to 255, every distance and dist[u] + w at most 255.',
    "prim": 'One graph as JSON: {"n": N, "edges": [[u, v, w], ...], "source": s}; weights 0 to 255.',
  };
  const WIDE_HELP = { // with "16-bit numbers" checked
    "dijkstra": 'One graph as JSON: {"n": N, "edges": [[u, v, w], ...], "source": s}, up to 1000 nodes; weights 0 ' +
      "to 65535, every distance and dist[u] + w at most 65535 (the 8-bit engines composed).",
    "prim": 'One graph as JSON: {"n": N, "edges": [[u, v, w], ...], "source": s}, up to 1000 nodes; weights 0 to ' +
      "65535 (the 8-bit engines composed).",
  };
  const GRAPHS = ["dijkstra", "prim"];

  const root = document.getElementById("nee-playground");
  if (!root) return;
  const $ = id => document.getElementById(id);
  const modeBox = $("nee-pg-mode"), input = $("nee-pg-input"), runButton = $("nee-pg-run"),
    message = $("nee-pg-message"), status = $("nee-pg-status"), answerBox = $("nee-pg-answer"),
    slider = $("nee-pg-step"), stepLabel = $("nee-pg-step-label"), view = $("nee-pg-view"),
    help = $("nee-pg-help"), wideBox = $("nee-pg-wide"), wideLabel = $("nee-pg-wide-label");
  let current = null; // {mode, result}
  let playing = null;

  const staticBase = new URL("../", document.currentScript.src); // this file is _static/playground/playground.js
  const started = performance.now();

  function escape(text) {
    return String(text).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
  }

  let shownEnd = null; // the end token of the run on show: 256, or 65536 for a graph on the composed engines

  function show(x) {
    return x === (shownEnd || window.NEEEngines.END) ? "∞" : String(x);
  }

  function bits(mode) { // the width the input is checked for: --bits 16 for a graph with the box checked
    return GRAPHS.includes(mode) && wideBox.checked ? window.NEEEngines.WIDE_BITS : window.NEEEngines.BITS;
  }

  function setMode(mode, fill) {
    wideLabel.hidden = !GRAPHS.includes(mode);
    help.textContent = (bits(mode) === 16 && WIDE_HELP[mode]) || HELP[mode];
    if (fill) input.value = (bits(mode) === 16 && WIDE_EXAMPLES[mode]) || EXAMPLES[mode];
    message.textContent = "";
  }

  // ------------------------------------------------------------------------------------------- the views
  function cells(numbers, {mask = [], pointer = [], chosen = null, marks = {}} = {}) {
    return '<div class="nee-pg-cells">' + numbers.map((x, p) => {
      const probability = pointer[p] || 0;
      const classes = ["nee-pg-cell", mask[p] ? "nee-pg-hidden" : "nee-pg-visible", p === chosen ? "nee-pg-chosen" : "",
        marks[p] || ""].join(" ");
      return `<div class="${classes}" title="position ${p}: ${show(x)}${mask[p] ? " (masked)" : ""}, attention ${probability.toFixed(3)}">` +
        `<span class="nee-pg-number">${show(x)}</span>` +
        `<span class="nee-pg-bar"><span style="height:${(100 * probability).toFixed(1)}%"></span></span></div>`;
    }).join("") + "</div>";
  }

  function outputRow(label, values) {
    return `<p class="nee-pg-output"><strong>${label}</strong> ${values.length ? values.map(show).join(", ") : "(nothing yet)"}</p>`;
  }

  function sortView(result, k) {
    const step = result.steps[k];
    const what = step.done
      ? `The engine emits <strong>END</strong>: every number is masked, the list is sorted.`
      : `The engine emits <strong>${show(step.value)}</strong> and points at position ${step.chosen} ` +
        `(attention ${step.pointer[step.chosen].toFixed(3)}); the mask network then hides that position.`;
    return `<p>Step ${k + 1}: ${what}</p>` +
      cells(result.numbers, {mask: step.mask, pointer: step.pointer, chosen: step.done ? null : step.chosen}) +
      outputRow("Output so far:", step.output);
  }

  function mergeView(result, k) {
    if (!result.steps.length) return "<p>A list of one number is already sorted: nothing to merge.</p>" + outputRow("Output:", result.answer);
    const step = result.steps[k];
    const levels = result.levels.map((runs, i) => `<li>level ${i}: ${runs.map(r => "[" + r.join(", ") + "]").join(" ")}</li>`).join("");
    const marks = {[step.split]: "nee-pg-end", [step.numbers.length - 1]: "nee-pg-end"};
    const what = step.done
      ? "Both heads are END: this merge is done."
      : `The engine emits <strong>${show(step.value)}</strong>, the smaller head, and points at position ${step.chosen}; ` +
        "the mask network hides it and shows the next number of that run.";
    return `<p>Level ${step.level + 1}, merge ${step.merge + 1}, reading <code>[run a, END, run b, END]</code> ` +
      `with only the two heads unmasked. ${what}</p>` +
      cells(step.numbers, {mask: step.mask, pointer: step.pointer, chosen: step.chosen, marks}) +
      outputRow("Merged so far:", step.output) + `<details><summary>Runs, level by level</summary><ul>${levels}</ul></details>`;
  }

  function addView(result, k) {
    const step = result.steps[k];
    const bits = step.logits.map((logit, i) => `<span class="nee-pg-bit ${logit > 0 ? "nee-pg-one" : ""}" ` +
      `title="logit ${logit.toFixed(2)}">${i === 0 ? "∞" : logit > 0 ? 1 : 0}</span>`).join("");
    const rows = result.steps.map((s, i) => `<tr class="${i === k ? "nee-pg-current" : ""}"><td>${show(s.pair[0])}</td>` +
      `<td>${show(s.pair[1])}</td><td>${show(s.sum)}</td></tr>`).join("");
    return `<p>Pair ${k + 1}: ${show(step.pair[0])} + ${show(step.pair[1])}. The addition engine reads both numbers ` +
      `as bits and writes the sum's bits (infinity flag first); their value is <strong>${show(step.sum)}</strong>.</p>` +
      `<div class="nee-pg-bits">${bits}</div><table class="nee-pg-table"><tr><th>a</th><th>b</th><th>engine's a + b</th></tr>${rows}</table>`;
  }

  function graphSvg(graph, step, algorithm) {
    const n = graph.n, size = 320, radius = n > 1 ? 130 : 0;
    const at = v => [size / 2 + radius * Math.cos(2 * Math.PI * v / n - Math.PI / 2),
      size / 2 + radius * Math.sin(2 * Math.PI * v / n - Math.PI / 2)];
    const tree = new Set(step.parents.map((p, v) => (p >= 0 ? `${Math.min(p, v)}-${Math.max(p, v)}` : null)));
    const offered = new Set((step.nodes || []).map(v => `${Math.min(step.chosen, v)}-${Math.max(step.chosen, v)}`));
    const edges = graph.edges.map(([u, v, w]) => {
      const [x1, y1] = at(u), [x2, y2] = at(v), key = `${u}-${v}`;
      const cls = tree.has(key) ? "nee-pg-tree" : offered.has(key) ? "nee-pg-offered" : "";
      return `<line class="${cls}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>` +
        `<text class="nee-pg-weight" x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2}">${w}</text>`;
    }).join("");
    const nodes = Array.from({length: n}, (_, v) => {
      const [x, y] = at(v);
      const cls = [v === step.chosen && step.running ? "nee-pg-selected" : "", step.mask[v] && !(v === step.chosen && step.running) ? "nee-pg-done" : ""].join(" ");
      return `<g class="nee-pg-node ${cls}"><circle cx="${x}" cy="${y}" r="15"/><text x="${x}" y="${y + 4}">${v}</text>` +
        `<text class="nee-pg-entry" x="${x}" y="${y - 20}">${show((step.after || step.entries)[v])}</text></g>`;
    }).join("");
    return `<svg class="nee-pg-graph" viewBox="0 0 ${size} ${size}" role="img" aria-label="the graph">${edges}${nodes}</svg>`;
  }

  function graphView(result, k, algorithm) {
    const step = result.steps[k], graph = result.graph;
    const entryName = algorithm === "dijkstra" ? "dist" : "key";
    const what = !step.running
      ? "The smallest visible value is END (infinity): nothing is left to select, so the algorithm stops."
      : `The find-min engine emits <strong>${show(step.value)}</strong> and points at node <strong>${step.chosen}</strong>; ` +
        "the mask network marks it visited. " + (step.nodes.length
          ? (algorithm === "dijkstra" ? "The adder computes dist[u] + w for its unvisited neighbours, " : "Its edge weights are offered to its unvisited neighbours, ") +
            "and the find-min engine compares each with the neighbour's current " + entryName + "."
          : "It has no unvisited neighbours.");
    const rows = Array.from({length: graph.n}, (_, v) => {
      const i = step.nodes ? step.nodes.indexOf(v) : -1;
      return `<tr class="${v === step.chosen && step.running ? "nee-pg-current" : ""}"><td>${v}</td><td>${show(step.entries[v])}</td>` +
        `<td>${step.mask[v] ? "yes" : ""}</td><td>${step.pointer[v].toFixed(3)}</td>` +
        `<td>${i >= 0 ? show(step.candidates[i]) : ""}</td><td>${i >= 0 ? (step.won[i] ? "won" : "kept") : ""}</td>` +
        `<td>${show((step.after || step.entries)[v])}</td><td>${step.parents[v] >= 0 ? step.parents[v] : ""}</td></tr>`;
    }).join("");
    const tree = algorithm === "prim" ? outputRow("Tree so far:", step.order.filter(v => step.parents[v] >= 0)
      .map(v => `${step.parents[v]}–${v}`)) : outputRow("Visited so far:", step.order);
    const wide = result.bits === 16 ? "<p>16-bit numbers: each find-min is two rounds of the 8-bit engine (the high " +
      "bytes, then the low bytes of the positions that tie at the smallest high byte; the mask network hides the " +
      "others in one call)" + (algorithm === "dijkstra" ? "; the sums take three calls of the 8-bit adder on 7-bit " +
      "limbs, the carry read from bit 7 of its own output" : "") + ".</p>" : "";
    return `${wide}<p>Step ${k + 1}: ${what}</p><div class="nee-pg-graph-row">${graphSvg(graph, step, algorithm)}` +
      `<table class="nee-pg-table"><tr><th>node</th><th>${entryName} before</th><th>masked</th><th>attention</th>` +
      `<th>offered</th><th></th><th>${entryName} after</th><th>${algorithm === "dijkstra" ? "predecessor" : "parent"}</th></tr>${rows}</table></div>` + tree;
  }

  function render() {
    if (!current) return;
    const k = Number(slider.value), {mode, result} = current;
    shownEnd = result.end || null;
    const total = Math.max(result.steps.length, 1);
    stepLabel.textContent = `step ${Math.min(k + 1, total)} of ${total}`;
    view.innerHTML = mode === "sort" ? sortView(result, k) : mode === "merge-sort" ? mergeView(result, k)
      : mode === "add" ? addView(result, k) : graphView(result, k, mode);
  }

  // ---------------------------------------------------------------------------------------------- running
  async function run() {
    const mode = modeBox.value;
    const checked = window.NEEEngines.validate(mode, input.value, LIST_LIMIT, bits(mode));
    if (checked.error) { // a clear message beside the box; the last run stays as it was
      message.textContent = checked.error;
      root.dataset.invalid = String(Number(root.dataset.invalid || 0) + 1);
      return;
    }
    message.textContent = "";
    runButton.disabled = true;
    try {
      const t0 = performance.now();
      const result = await window.NEEEngines.run(mode, checked.input);
      const ms = performance.now() - t0;
      stop();
      current = {mode, result};
      answerBox.textContent = JSON.stringify(result.answer);
      slider.max = String(Math.max(result.steps.length - 1, 0));
      slider.value = "0";
      status.textContent = `Ran in ${ms.toFixed(0)} ms (${result.steps.length} steps` +
        (result.bits === 16 ? ", on the 8-bit engines composed into 16-bit ones)." : ").");
      root.dataset.ms = ms.toFixed(1);
      if (result.bits) root.dataset.bits = String(result.bits);
      else delete root.dataset.bits;
      render();
      root.dataset.runs = String(Number(root.dataset.runs || 0) + 1);
    } finally {
      runButton.disabled = false;
    }
  }

  function stop() {
    if (playing) clearInterval(playing);
    playing = null;
    $("nee-pg-play").textContent = "Play";
  }

  function move(delta) {
    if (!current) return;
    slider.value = String(Math.min(Math.max(Number(slider.value) + delta, 0), Number(slider.max)));
    render();
  }

  modeBox.addEventListener("change", () => setMode(modeBox.value, true));
  wideBox.addEventListener("change", () => setMode(modeBox.value, false));
  runButton.addEventListener("click", () => run().catch(error => {
    message.textContent = "The engines failed: " + error.message;
    console.error(error);
  }));
  $("nee-pg-example").addEventListener("click", () => setMode(modeBox.value, true));
  slider.addEventListener("input", () => { stop(); render(); });
  $("nee-pg-prev").addEventListener("click", () => { stop(); move(-1); });
  $("nee-pg-next").addEventListener("click", () => { stop(); move(1); });
  $("nee-pg-play").addEventListener("click", () => {
    if (playing) return stop();
    if (Number(slider.value) >= Number(slider.max)) slider.value = "0";
    $("nee-pg-play").textContent = "Pause";
    render();
    playing = setInterval(() => (Number(slider.value) >= Number(slider.max) ? stop() : move(1)), 600);
  });

  setMode(modeBox.value, !input.value);
  root.dataset.state = "loading";
  window.NEEEngines.load(staticBase).then(() => {
    const ms = performance.now() - started;
    root.dataset.loadMs = ms.toFixed(0); // from this script's start
    root.dataset.readyAt = performance.now().toFixed(0); // from the start of the navigation
    root.dataset.state = "ready";
    status.textContent = `The engines are loaded (${ms.toFixed(0)} ms). Press Run.`;
    runButton.disabled = false;
  }).catch(error => {
    root.dataset.state = "failed";
    status.textContent = "The engines could not be loaded: " + error.message + (location.protocol === "file:"
      ? " (a browser loads them only over HTTP: serve the book, e.g. python -m http.server -d _build/html)" : "");
    console.error(error);
  });
})();
