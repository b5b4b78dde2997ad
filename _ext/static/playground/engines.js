/*
 * The closed loops of nee_lite, in JavaScript, around the exported engines (nee-lite export) run by ONNX Runtime Web.
 *
 * Each function here is a line-by-line port of the Python loop named beside it. The networks do every comparison,
 * every addition and every selection: JavaScript only encodes numbers as bits, decodes the value logits (a bit is
 * 1 where its logit is positive), reads the pointer (argmax, or for the graph algorithms the lowest position within
 * POINTER_TOLERANCE of the largest), gathers rows, keeps the bookkeeping and stops at END. The only classical
 * arithmetic is in validateGraph's refusal of Dijkstra graphs whose sums leave the adder's range, which, as in
 * nee_lite.graphs.tentative_overflow, only decides whether to refuse an input (and, at 16 bits, as in
 * nee_lite.graphs.wide.needs_wide, which engines run it), and the total of a Prim tree's emitted weights, summed
 * for the report as nee_lite.graph_algorithms.prim_trees does.
 *
 * One input runs at a time (the command line batches several); merge sort batches the merges of a level, as
 * MergeNEE.merge_sort does.
 *
 * Dijkstra and Prim also run at 16 bits, as nee-lite run --bits 16 does (nee_lite.graphs.wide, nee_lite.cli.registry
 * run_graphs): a graph that fits the 8-bit engines runs on them (needs_wide), any other on the 8-bit engines
 * composed limb by limb (wideAdd, wideForwardVisible). Cutting numbers into limbs and joining a result's limbs only
 * moves bits; every sum, carry, comparison and tie is still read from a network's output.
 *
 * Exposes window.NEEEngines = {load, validate, run, BITS, END, WIDE_BITS, WIDE_END}.
 */
(function () {
  "use strict";

  const BITS = 8;
  const WIDTH = BITS + 1; // the infinity flag, then 8 data bits (nee_lite.encoding.NumberCodec)
  const END = 2 ** BITS; // the end token, infinity
  const MAX = END - 1;
  const MAX_NODES = 500; // nee_lite.graphs.MAX_NODES
  const MAX_LIST = 10000; // nee_lite.tasks.parse_number_lists' limit
  const WIDE_BITS = 16; // nee_lite.graphs.wide
  const WIDE_END = 2 ** WIDE_BITS; // infinity, the 16-bit end token
  const WIDE_MAX = WIDE_END - 1; // 65,535
  const WIDE_MAX_NODES = 1000;
  const ADD_LIMB = 7; // bits per limb of the composed adder: two limbs and a carry stay within 0..255

  // ------------------------------------------------------------------------------------------------ codec
  function encodeInto(out, offset, x) {
    for (let i = 0; i <= BITS; i++) out[offset + i] = Math.floor(x / 2 ** (BITS - i)) % 2;
  }

  function decodeLogits(logits, offset) {
    if (logits[offset] > 0) return END; // the infinity flag wins whatever the data bits say
    let x = 0;
    for (let i = 1; i <= BITS; i++) x = 2 * x + (logits[offset + i] > 0 ? 1 : 0);
    return x;
  }

  // ---------------------------------------------------------------------------------------------- sessions
  let ortLib = null;
  let sessions = null;
  let manifest = null;

  async function load(staticBase) {
    ortLib = window.ort;
    ortLib.env.wasm.numThreads = 1; // single-threaded: no cross-origin isolation needed
    ortLib.env.wasm.proxy = false;
    ortLib.env.wasm.wasmPaths = new URL("onnxruntime-web/", staticBase).href;
    const models = new URL("playground/models/", staticBase);
    manifest = await (await fetch(new URL("manifest.json", models))).json();
    const names = ["selection-sort.engine", "selection-sort.mask", "merge-sort.engine", "merge-sort.mask", "add"];
    const created = await Promise.all(names.map(name => ortLib.InferenceSession.create(
      new URL(manifest.models[name].file, models).href, {executionProviders: ["wasm"]})));
    sessions = Object.fromEntries(names.map((name, i) => [name, created[i]]));
    return manifest;
  }

  function tensor(data, dims) {
    return new ortLib.Tensor("float32", data, dims);
  }

  // NEE.forward on (batch, positions) numbers under hide (true = hidden): value logits and pointer log-probs.
  async function engineForward(name, numbers, hide, batch, positions) {
    const bits = new Float32Array(batch * positions * WIDTH);
    const hidden = new Float32Array(batch * positions);
    for (let k = 0; k < batch * positions; k++) {
      encodeInto(bits, k * WIDTH, numbers[k]);
      hidden[k] = hide[k] ? 1 : 0;
    }
    const result = await sessions[name + ".engine"].run(
      {bits: tensor(bits, [batch, positions, WIDTH]), hide: tensor(hidden, [batch, positions])});
    return {value: result.value_logits.data, pointer: result.log_pointer.data};
  }

  // NEE.forward_visible: each row cut down to its visible positions (in order; the batch's widest row sets the
  // width, shorter rows keep hidden positions after theirs), the engine run on that, the pointer put back (-inf
  // where a position was left out). The same result as the full rows, faster.
  async function forwardVisible(name, numbers, hide, batch, positions) {
    let width = 0;
    const keep = [];
    for (let r = 0; r < batch; r++) {
      const visible = [], hidden = [];
      for (let p = 0; p < positions; p++) (hide[r * positions + p] ? hidden : visible).push(p);
      width = Math.max(width, visible.length);
      keep.push(visible.concat(hidden));
    }
    const cutNumbers = new Array(batch * width), cutHide = new Array(batch * width);
    for (let r = 0; r < batch; r++) {
      for (let c = 0; c < width; c++) {
        cutNumbers[r * width + c] = numbers[r * positions + keep[r][c]];
        cutHide[r * width + c] = hide[r * positions + keep[r][c]];
      }
    }
    const out = await engineForward(name, cutNumbers, cutHide, batch, width);
    const pointer = new Float32Array(batch * positions).fill(-Infinity);
    for (let r = 0; r < batch; r++) {
      for (let c = 0; c < width; c++) pointer[r * positions + keep[r][c]] = out.pointer[r * width + c];
    }
    const values = [];
    for (let r = 0; r < batch; r++) values.push(decodeLogits(out.value, r * WIDTH));
    return {values, pointer, logits: out.value};
  }

  // MaskNetwork: the next mask (true = hidden) from the current mask and the one-hot pointer.
  async function maskNetwork(name, hide, chosen, batch, positions) {
    const pointed = new Array(batch * positions).fill(false);
    for (let r = 0; r < batch; r++) pointed[r * positions + chosen[r]] = true;
    return maskNetworkSets(name, hide, pointed, batch, positions);
  }

  // MaskNetwork with a pointer that names a set of positions (true = pointed at; nee_lite.graphs.wide hides all but
  // the copies of the smallest high limb this way, in one call).
  async function maskNetworkSets(name, hide, pointed, batch, positions) {
    const mask = new Float32Array(batch * positions), pointer = new Float32Array(batch * positions);
    for (let k = 0; k < batch * positions; k++) {
      mask[k] = hide[k] ? 1 : 0;
      pointer[k] = pointed[k] ? 1 : 0;
    }
    const result = await sessions[name + ".mask"].run(
      {mask: tensor(mask, [batch, positions]), pointer: tensor(pointer, [batch, positions])});
    return Array.from(result.mask_logits.data, logit => logit > 0);
  }

  function argmax(pointer, row, positions) { // torch.argmax: the first largest
    let best = 0;
    for (let p = 1; p < positions; p++) if (pointer[row * positions + p] > pointer[row * positions + best]) best = p;
    return best;
  }

  // The positions within POINTER_TOLERANCE of the largest log-probability of a row (true = near).
  function nearTop(pointer, row, positions) {
    let top = -Infinity;
    for (let p = 0; p < positions; p++) top = Math.max(top, pointer[row * positions + p]);
    const near = [];
    for (let p = 0; p < positions; p++) near.push(pointer[row * positions + p] >= top - manifest.pointer_tolerance);
    return near;
  }

  // nee_lite.graph_algorithms.first_pointer: the lowest position within the tolerance of the largest.
  function firstPointer(pointer, row, positions) {
    const first = nearTop(pointer, row, positions).indexOf(true);
    return first < 0 ? 0 : first;
  }

  function probabilities(pointer, row, positions) {
    return Array.from(pointer.slice(row * positions, (row + 1) * positions), Math.exp);
  }

  // ------------------------------------------------------------------------------------------ selection sort
  // nee_lite.nee.SelectionSortNEE.execute, one list.
  async function selectionSort(list) {
    const n = list.length, positions = n + 1;
    const numbers = list.concat([END]);
    let mask = new Array(positions).fill(false);
    const output = [], steps = [];
    for (let step = 0; step < positions; step++) {
      const {values, pointer} = await forwardVisible("selection-sort", numbers, mask, 1, positions);
      const value = values[0];
      const record = {mask: mask.slice(), pointer: probabilities(pointer, 0, positions), value};
      if (value === END) {
        steps.push({...record, output: output.slice(), done: true});
        break;
      }
      output.push(value);
      const chosen = argmax(pointer, 0, positions);
      steps.push({...record, chosen, output: output.slice()});
      mask = await maskNetwork("selection-sort", mask, [chosen], 1, positions);
    }
    return {answer: output, steps, numbers};
  }

  // ----------------------------------------------------------------------------------------------- merge
  // nee_lite.merge.MergeNEE.merge: every pair of one level in one batch.
  async function merge(pairs, level, steps) {
    const width = Math.max(...pairs.map(([a, b]) => a.length + b.length)) + 2;
    const batch = pairs.length;
    const numbers = new Array(batch * width).fill(END);
    let mask = new Array(batch * width).fill(true);
    pairs.forEach(([a, b], r) => {
      a.concat([END], b, [END]).forEach((x, p) => { numbers[r * width + p] = x; });
      mask[r * width] = false; // the two heads
      mask[r * width + a.length + 1] = false;
    });
    const outputs = pairs.map(() => []);
    const running = new Array(batch).fill(true);
    for (let step = 0; step < width - 1; step++) {
      const {values, pointer} = await forwardVisible("merge-sort", numbers, mask, batch, width);
      const chosen = [];
      for (let r = 0; r < batch; r++) {
        const wasRunning = running[r];
        running[r] = running[r] && values[r] !== END;
        if (running[r]) outputs[r].push(values[r]);
        chosen.push(argmax(pointer, r, width));
        if (wasRunning) {
          steps.push({level, merge: r, numbers: numbers.slice(r * width, r * width + pairs[r][0].length + pairs[r][1].length + 2),
            split: pairs[r][0].length, mask: mask.slice(r * width, (r + 1) * width), pointer: probabilities(pointer, r, width),
            value: values[r], chosen: running[r] ? chosen[r] : null, output: outputs[r].slice(), done: !running[r]});
        }
      }
      if (!running.some(Boolean)) break;
      const next = await maskNetwork("merge-sort", mask, chosen, batch, width);
      for (let r = 0; r < batch; r++) {
        if (running[r]) for (let p = 0; p < width; p++) mask[r * width + p] = next[r * width + p];
      }
    }
    return outputs;
  }

  // nee_lite.merge.MergeNEE.merge_sort, one list: runs of one number, neighbouring runs merged level by level.
  async function mergeSort(list) {
    let runs = list.map(x => [x]);
    const steps = [], levels = [runs.map(run => run.slice())];
    let level = 0;
    while (runs.length > 1) {
      const pairs = [], starts = [];
      for (let start = 0; start + 1 < runs.length; start += 2) {
        pairs.push([runs[start], runs[start + 1]]);
        starts.push(start);
      }
      const merged = await merge(pairs, level, steps);
      const next = [];
      starts.forEach((start, k) => {
        next.push(merged[k]);
        if (start + 3 === runs.length) next.push(runs[runs.length - 1]); // odd run out, carried up unchanged
      });
      runs = next;
      levels.push(runs.map(run => run.slice()));
      level++;
    }
    return {answer: runs.length ? runs[0] : [], steps, levels};
  }

  // ------------------------------------------------------------------------------------------- addition
  // nee_lite.graph_algorithms.add / ArithmeticNEE.predict: decoded sums of a batch of pairs.
  async function addPairs(a, b) {
    if (!a.length) return {sums: [], logits: []};
    const bits = new Float32Array(a.length * 2 * WIDTH);
    a.forEach((x, i) => { encodeInto(bits, 2 * i * WIDTH, x); encodeInto(bits, (2 * i + 1) * WIDTH, b[i]); });
    const result = await sessions.add.run({bits: tensor(bits, [a.length, 2, WIDTH])});
    const logits = result.value_logits.data;
    return {sums: a.map((_, i) => decodeLogits(logits, i * WIDTH)),
            logits: a.map((_, i) => Array.from(logits.slice(i * WIDTH, (i + 1) * WIDTH)))};
  }

  async function add(pairs) {
    const {sums, logits} = await addPairs(pairs.map(p => p[0]), pairs.map(p => p[1]));
    return {answer: sums.map(s => (s === END ? "inf" : s)), steps: pairs.map((p, i) => ({pair: p, sum: sums[i], logits: logits[i]}))};
  }

  // ------------------------------------------------------------------------------ 16 bits from 8-bit engines
  // nee_lite.graphs.wide._limbs: x cut into 7-bit limbs, least significant first; infinity is END in every limb.
  function addLimbs(x) {
    const limbs = [];
    for (let shift = 0; shift < WIDE_BITS; shift += ADD_LIMB) {
      limbs.push(x === WIDE_END ? END : Math.floor(x / 2 ** shift) % 2 ** ADD_LIMB);
    }
    return limbs;
  }

  function bit(x, k) { // bit k of a non-negative integer
    return Math.floor(x / 2 ** k) % 2;
  }

  // nee_lite.graphs.wide.wide_add: a + b for 16-bit numbers (WIDE_END = infinity), every sum and carry made by the
  // 8-bit adder on 7-bit limbs: one call for every a_i + b_i, then one per limb above the lowest for + carry, the
  // carry being bit 7 of the adder's own output. A sum above 65,535 (bit 16 of the adder's outputs) is refused.
  async function wideAdd(a, b) {
    if (!a.length) return [];
    const left = a.map(addLimbs), right = b.map(addLimbs), count = left[0].length;
    const flat = limbs => Array.from({length: count}, (_, k) => limbs.map(l => l[k])).flat(); // limb by limb
    const {sums} = await addPairs(flat(left), flat(right)); // every a_i + b_i in one call
    const digits = [];
    let carry = a.map(() => 0), infinite = null;
    for (let index = 0; index < count; index++) {
      let limbSum = sums.slice(index * a.length, (index + 1) * a.length);
      if (index) limbSum = (await addPairs(limbSum, carry)).sums; // a_i + b_i + carry <= 127 + 127 + 1 = 255
      if (index === 0) infinite = limbSum.map(s => bit(s, BITS) === 1); // the adder's flag: inf + x = inf
      carry = limbSum.map(s => bit(s, ADD_LIMB)); // the eighth output bit of the adder
      digits.push(limbSum.map(s => s % 2 ** ADD_LIMB));
    }
    const top = Math.floor((WIDE_BITS - 1) / ADD_LIMB) * ADD_LIMB; // where the top limb starts (14)
    const last = digits[count - 1];
    const over = a.findIndex((_, i) => !infinite[i] && (bit(last[i], WIDE_BITS - top) | carry[i]) === 1);
    if (over >= 0) {
      throw new Error(`${a[over]} + ${b[over]} is out of range: the composed ${WIDE_BITS}-bit adder gives sums ` +
        `from 0 to ${WIDE_MAX}`);
    }
    return a.map((_, i) => (infinite[i] ? WIDE_END
      : digits.reduce((total, digit, index) => total + digit[i] * 2 ** (ADD_LIMB * index), 0))); // joining bits
  }

  // nee_lite.graphs.wide._LimbEngine.forward_visible: the smallest visible 16-bit number, in two rounds of the
  // 8-bit find-min engine on 8-bit limbs, most significant first. Round one finds the smallest high limb; the
  // positions within the tolerance of its pointer's largest log-probability hold it, and the mask network, pointed
  // at every other position (END stays visible), hides them all in one call. Round two runs on the low limbs of
  // what is left: its value gives the low bits, its pointer the minimum's position.
  async function wideForwardVisible(numbers, hide, batch, positions) {
    const limb = high => numbers.map(x => (x === WIDE_END ? END : high ? Math.floor(x / 2 ** BITS) : x % 2 ** BITS));
    const first = await forwardVisible("selection-sort", limb(true), hide, batch, positions);
    const others = [];
    for (let r = 0; r < batch; r++) {
      const near = nearTop(first.pointer, r, positions);
      near.forEach((isNear, p) => others.push(!isNear && p < positions - 1)); // END stays visible
    }
    const hidden = await maskNetworkSets("selection-sort", hide, others, batch, positions);
    const second = await forwardVisible("selection-sort", limb(false), hidden, batch, positions);
    const values = [];
    for (let r = 0; r < batch; r++) { // the flag and high bits of round one, the low bits of round two
      if (first.logits[r * WIDTH] > 0) {
        values.push(WIDE_END);
        continue;
      }
      let x = 0;
      for (let i = 1; i <= BITS; i++) x = 2 * x + (first.logits[r * WIDTH + i] > 0 ? 1 : 0);
      for (let i = 1; i <= BITS; i++) x = 2 * x + (second.logits[r * WIDTH + i] > 0 ? 1 : 0);
      values.push(x);
    }
    return {values, pointer: second.pointer};
  }

  // The engines a graph runs on: the 8-bit ones, or the same composed into 16-bit ones (WideFinder, WideAdder).
  const NARROW = {
    end: END,
    findMin: (numbers, hide, batch, positions) => forwardVisible("selection-sort", numbers, hide, batch, positions),
    add: async (a, b) => (await addPairs(a, b)).sums,
  };
  const WIDE = {end: WIDE_END, findMin: wideForwardVisible, add: wideAdd};

  // ------------------------------------------------------------------------------------ Dijkstra and Prim
  // nee_lite.graph_algorithms.min_of_two: the find-min engine on every [a_i, b_i, END].
  async function minOfTwo(engines, a, b) {
    if (!a.length) return {values: [], second: []};
    const numbers = [], hide = [];
    a.forEach((x, i) => { numbers.push(x, b[i], engines.end); hide.push(false, false, false); });
    const {values, pointer} = await engines.findMin(numbers, hide, a.length, 3);
    return {values, second: a.map((_, i) => firstPointer(pointer, i, 3) === 1)};
  }

  // nee_lite.graph_algorithms._run (and _relax), one graph, on the 8-bit engines or (graph.wide) the composed ones.
  async function graphRun(graph, algorithm) {
    const engines = graph.wide ? WIDE : NARROW, end = engines.end;
    const n = graph.n, positions = n + 1;
    const weights = graph.matrix;
    const entries = new Array(n).fill(end);
    entries[graph.source] = 0;
    let mask = new Array(positions).fill(false);
    const parents = new Array(n).fill(-1);
    const order = [], selected = [], steps = [];
    for (let step = 0; step < positions; step++) {
      const {values, pointer} = await engines.findMin(entries.concat([end]), mask, 1, positions);
      const value = values[0], u = firstPointer(pointer, 0, positions);
      const running = value !== end && u < n; // the graph stops on its own end token
      const record = {entries: entries.slice(), mask: mask.slice(), pointer: probabilities(pointer, 0, positions),
                      value, chosen: u, running};
      if (!running) {
        steps.push({...record, parents: parents.slice(), order: order.slice()});
        break;
      }
      order.push(u);
      selected.push(value);
      mask = await maskNetwork("selection-sort", mask, [u], 1, positions);
      // _relax: u's row, the neighbours the mask still shows, their candidates, the engine's minima
      const row = weights[Math.min(u, n - 1)];
      const nodes = [];
      for (let v = 0; v < n; v++) if (row[v] >= 0 && !mask[v]) nodes.push(v);
      const offered = nodes.map(v => row[v]);
      const candidates = algorithm === "dijkstra" ? await engines.add(nodes.map(() => value), offered) : offered;
      const {values: fresh, second: won} = await minOfTwo(engines, nodes.map(v => entries[v]), candidates);
      nodes.forEach((v, i) => {
        entries[v] = fresh[i];
        if (won[i]) parents[v] = u;
      });
      steps.push({...record, nodes, candidates, won, after: entries.slice(), parents: parents.slice(),
                  order: order.slice()});
    }
    let answer;
    if (algorithm === "dijkstra") { // dijkstra_answers: the distances, null where the engine left infinity
      answer = entries.map(d => (d === end ? null : d));
    } else { // prim_trees
      const edges = [];
      order.forEach((v, i) => { if (parents[v] >= 0) edges.push([parents[v], v, selected[i]]); });
      answer = {edges, weight: edges.reduce((total, e) => total + e[2], 0)};
    }
    return {answer, steps, parents, graph, end, bits: graph.wide ? WIDE_BITS : BITS};
  }

  // ---------------------------------------------------------------------------------------- checking input
  // The rules of nee-lite run (nee_lite.tasks.parse_number_lists / parse_number_pairs, nee_lite.graphs.parse_graphs):
  // returns {input} or {error}, with the command line's messages.
  function isInteger(x) {
    return typeof x === "number" && Number.isInteger(x);
  }

  function numberTokens(text) {
    const trimmed = text.trim();
    if (trimmed.startsWith("[")) {
      let data;
      try { data = JSON.parse(trimmed); } catch (e) { return {error: "input is not valid JSON: " + e.message}; }
      if (!Array.isArray(data)) return {error: "expected a list of numbers"};
      return {tokens: data};
    }
    if (!trimmed) return {tokens: []};
    return {tokens: trimmed.split(/[\s,;]+/).map(t => (/^-?\d+$/.test(t) ? Number(t) : t))};
  }

  function checkNumber(value, where) {
    if (value === "inf") return {error: `${where}: "inf" cannot be sorted; use integers from 0 to ${MAX}`};
    if (!isInteger(value)) return {error: `${where}: ${JSON.stringify(value)} is not a number: expected integers from 0 to ${MAX}`};
    if (value < 0) return {error: `${where}: negative number ${value}: the ${BITS}-bit codec holds integers from 0 to ${MAX}`};
    if (value > MAX) return {error: `${where}: number ${value} is out of range: the ${BITS}-bit codec holds integers from 0 to ${MAX}`};
    return {};
  }

  function validateList(text, limit) {
    const {tokens, error} = numberTokens(text);
    if (error) return {error};
    if (!tokens.length) return {error: "the list is empty; lists need at least one number"};
    if (tokens.length > limit) return {error: `${tokens.length} numbers is more than the limit of ${limit}`};
    for (let i = 0; i < tokens.length; i++) {
      const checked = checkNumber(tokens[i], `position ${i}`);
      if (checked.error) return checked;
    }
    return {input: tokens};
  }

  function validatePairs(text) {
    const trimmed = text.trim();
    let pairs;
    if (trimmed.startsWith("[")) {
      try { pairs = JSON.parse(trimmed); } catch (e) { return {error: "input is not valid JSON: " + e.message}; }
      if (!Array.isArray(pairs)) return {error: "expected a list of [a, b] pairs"};
    } else {
      pairs = trimmed ? trimmed.split(/[\n,;]+/).map(t => t.trim()).filter(Boolean).map(t => {
        const m = /^(\S+)\s*\+\s*(\S+)$/.exec(t) || /^(\S+)\s+(\S+)$/.exec(t);
        const read = s => (/^-?\d+$/.test(s) ? Number(s) : s);
        return m ? [read(m[1]), read(m[2])] : t;
      }) : [];
    }
    if (!pairs.length) return {error: "no pairs: write one pair a + b per line (integers from 0 to 255, or inf)"};
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i];
      if (!Array.isArray(pair) || pair.length !== 2) return {error: `item ${i}: expected a pair a + b, got ${JSON.stringify(pair)}`};
      for (const x of pair) {
        if (x === "inf") continue;
        if (!isInteger(x)) return {error: `item ${i}: ${JSON.stringify(x)} is not a number: expected integers from 0 to ${MAX}, or ${END} for the end token (infinity) or "inf"`};
        if (x < 0) return {error: `item ${i}: negative number ${x}: the ${BITS}-bit codec holds integers from 0 to ${MAX}`};
        if (x > MAX) return {error: `item ${i}: number ${x} is out of range: the ${BITS}-bit codec holds integers from 0 to ${MAX}`};
      }
      const [a, b] = pair;
      if (a !== "inf" && b !== "inf" && a + b > MAX) {
        return {error: `item ${i}: ${a} + ${b} = ${a + b} is out of range: the ${BITS}-bit add model only gives results from 0 to ${MAX}`};
      }
    }
    return {input: pairs.map(p => p.map(x => (x === "inf" ? END : x)))};
  }

  function classicalDistances(n, matrix, source) { // only to refuse a graph (tentative_overflow)
    const dist = new Array(n).fill(Infinity), done = new Array(n).fill(false);
    dist[source] = 0;
    for (let k = 0; k < n; k++) {
      let u = -1;
      for (let v = 0; v < n; v++) if (!done[v] && (u < 0 || dist[v] < dist[u])) u = v;
      if (u < 0 || dist[u] === Infinity) break;
      done[u] = true;
      for (let v = 0; v < n; v++) if (matrix[u][v] >= 0) dist[v] = Math.min(dist[v], dist[u] + matrix[u][v]);
    }
    return dist;
  }

  // A JSON number written with a fraction or exponent (3.0, 1e2): Python reads it as a float, which the graph
  // parser refuses where it wants an integer. JSON.parse alone cannot tell 3.0 from 3; its reviver's source can.
  class WrittenAsFloat {
    constructor(source) { this.source = source; }
  }

  function describe(value) {
    return value instanceof WrittenAsFloat ? value.source : JSON.stringify(value);
  }

  // The first sum Dijkstra would ask the adder for above limit, as [u, v, dist_u, w], or null (classical: only to
  // refuse an input, or to choose the engines' width): nee_lite.graphs.data.tentative_overflow, in its order
  // (every edge as (u, v), then every edge as (v, u)).
  function tentativeOverflow(n, matrix, source, edges, limit) {
    const dist = classicalDistances(n, matrix, source);
    for (const [from, to] of [[0, 1], [1, 0]]) {
      for (const edge of edges) {
        const u = edge[from], v = edge[to], w = edge[2];
        if (dist[u] !== Infinity && dist[u] <= dist[v] && dist[u] + w > limit) return [u, v, dist[u], w];
      }
    }
    return null;
  }

  // bits: 8, or 16 for nee-lite run --bits 16 (nee_lite.inputs._limits: weights and sums up to 65,535, 1,000 nodes).
  function validateGraph(text, algorithm, bits) {
    const wide = bits === WIDE_BITS;
    const top = wide ? WIDE_MAX : MAX, most = wide ? WIDE_MAX_NODES : MAX_NODES;
    const engineName = wide ? "the composed 16-bit engines" : "the 8-bit engines";
    let item;
    try {
      item = JSON.parse(text, (key, value, context) =>
        (typeof value === "number" && context && /[.eE]/.test(context.source) ? new WrittenAsFloat(context.source) : value));
    } catch (e) { return {error: "input is not valid JSON: " + e.message}; }
    const form = 'expected an object {"n": N, "edges": [[u, v, w], ...], "source": s}';
    if (item === null || typeof item !== "object" || Array.isArray(item)) return {error: form};
    const fields = ["edges", "n", "source"];
    const missing = fields.filter(f => !(f in item)), unknown = Object.keys(item).filter(f => !fields.includes(f)).sort();
    if (missing.length) return {error: `missing field '${missing[0]}'`};
    if (unknown.length) return {error: `unknown field '${unknown[0]}'`};
    const {n, source, edges} = item;
    if (!isInteger(n)) return {error: `n must be an integer, got ${describe(n)}`};
    if (n < 1 || n > most) {
      return {error: `n = ${n} is out of range: graphs have 1 to ${most} nodes` + (wide ? " on the 16-bit engines" : "")};
    }
    if (!isInteger(source)) return {error: `source must be an integer, got ${describe(source)}`};
    if (source < 0 || source >= n) return {error: `source ${source} is out of range: nodes are 0 to ${n - 1}`};
    if (!Array.isArray(edges)) return {error: `edges must be a list of [u, v, w], got ${JSON.stringify(edges)}`};
    const matrix = Array.from({length: n}, () => new Array(n).fill(-1));
    const seen = new Map(), kept = [];
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i];
      if (!Array.isArray(edge) || edge.length !== 3) return {error: `edge ${i}: expected [u, v, w], got ${JSON.stringify(edge)}`};
      const [u, v, w] = edge;
      if (!isInteger(u) || !isInteger(v)) return {error: `edge ${i}: node id must be an integer, got ${describe(isInteger(u) ? v : u)}`};
      if (!isInteger(w)) return {error: `edge ${i}: weight must be an integer, got ${describe(w)}`};
      for (const node of [u, v]) if (node < 0 || node >= n) return {error: `edge ${i}: node id ${node} is out of range: nodes are 0 to ${n - 1}`};
      if (u === v) return {error: `edge ${i}: self-loop on node ${u}`};
      if (w < 0) return {error: `edge ${i}: negative weight ${w}; weights are integers from 0 to ${top}`};
      if (w > top) return {error: `edge ${i}: weight ${w} is out of range: ${engineName} take weights from 0 to ${top}`};
      const key = `${Math.min(u, v)}-${Math.max(u, v)}`;
      if (seen.has(key) && seen.get(key) !== w) return {error: `edge ${i}: duplicate edge ${u}-${v} with a different weight (${w}; before: ${seen.get(key)})`};
      if (!seen.has(key)) kept.push([Math.min(u, v), Math.max(u, v), w]);
      seen.set(key, w);
      matrix[u][v] = matrix[v][u] = w;
    }
    const overflow = algorithm === "dijkstra" ? tentativeOverflow(n, matrix, source, kept, top) : null;
    if (overflow) {
      const [u, v, d, w] = overflow;
      return {error: `dist[${u}] + w(${u}, ${v}) = ${d} + ${w} = ${d + w} is out of range: ` +
        (wide ? `the composed 16-bit adder` : `the addition engine`) + ` gives sums from 0 to ${top}, so every ` +
        `shortest distance and every sum dist[u] + w(u, v) that Dijkstra computes must be at most ${top}`};
    }
    // nee_lite.graphs.wide.needs_wide: at 16 bits, a graph the 8-bit engines take runs on them
    const needsWide = wide && (n > MAX_NODES || kept.some(e => e[2] > MAX) ||
      (algorithm === "dijkstra" && tentativeOverflow(n, matrix, source, kept, MAX) !== null));
    return {input: {n, source, edges: kept, matrix, wide: needsWide}};
  }

  // bits: the graph tasks' width, 8 (default) or 16, as nee-lite run --bits.
  function validate(mode, text, listLimit, bits = BITS) {
    if (mode === "sort" || mode === "merge-sort") return validateList(text, Math.min(listLimit || MAX_LIST, MAX_LIST));
    if (mode === "add") return validatePairs(text);
    if (mode === "dijkstra" || mode === "prim") return validateGraph(text, mode, bits);
    return {error: `unknown mode ${mode}`};
  }

  async function run(mode, input) {
    if (mode === "sort") return selectionSort(input);
    if (mode === "merge-sort") return mergeSort(input);
    if (mode === "add") return add(input);
    return graphRun(input, mode);
  }

  window.NEEEngines = {load, validate, run, BITS, END, WIDE_BITS, WIDE_END};
})();
