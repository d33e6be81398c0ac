// fairdeid annotation page: load notes (JSONL), correct the detections, export canonical JSONL.
// Everything stays in this tab's memory: the server only runs /v1/detect for pre-annotations,
// and the export is a download made here. No framework, no external asset, no HTML parsing (the
// notes are untrusted input). Offsets are Python code-point indices, as in the canonical format:
// text is handled as arrays of code points (Array.from), never sliced as UTF-16.
"use strict";

const COARSE_OF = new Map();          // fine or coarse label -> coarse category (from /v1/info)
const QUICK = ["PATIENT", "DOCTOR", "DATE", "AGE", "HOSPITAL", "CITY", "PHONE",
               "MEDICALRECORD", "IDNUM"];   // keys 1-9
const $ = (id) => document.getElementById(id);

const state = {
  info: null,
  source: "notes",   // loaded file's name without extension, for the export's name
  notes: [],         // {id, cps, meta, spans, reviewed, warning, line}
  current: -1,
  focused: -1,       // index into the current note's spans
  caret: null,       // code-point offset of the last click inside the note
  dirty: false,      // changes since the last export
};

// -- small helpers ----------------------------------------------------------------------------

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

function coarseOf(label) { return COARSE_OF.get(label) || "OTHER"; }

function note() { return state.notes[state.current] || null; }

function sortSpans(spans) { spans.sort((a, b) => a.start - b.start || a.end - b.end); }

function headers() {
  const h = { "Content-Type": "application/json" };
  const token = $("token").value.trim();
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") {
      const failed = Array.isArray(body.failed)
        ? " (" + body.failed.map((f) => (f.errors || []).join("; ")).join("; ") + ")" : "";
      return body.detail + failed;
    }
    if (Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join("; ");
  } catch (e) { /* not JSON */ }
  return response.statusText || "request failed";
}

// -- loading ----------------------------------------------------------------------------------

// Check one parsed line against the canonical format. Returns a reason, or null. Reasons name
// fields and numbers only, never note text.
function invalidRecord(data, cps) {
  if (data.meta !== undefined && data.meta !== null &&
      (typeof data.meta !== "object" || Array.isArray(data.meta))) return "'meta' must be an object";
  if (data.spans === undefined || data.spans === null) return null;
  if (!Array.isArray(data.spans)) return "'spans' must be a list";
  const spans = [];
  for (const [i, s] of data.spans.entries()) {
    if (typeof s !== "object" || s === null) return `span ${i} is not an object`;
    if (!Number.isInteger(s.start) || !Number.isInteger(s.end)) {
      return `span ${i}: start and end must be integers`;
    }
    if (s.start < 0 || s.end > cps.length || s.start >= s.end) {
      return `span ${i}: offsets ${s.start}-${s.end} outside the text (${cps.length} character${cps.length === 1 ? "" : "s"})`;
    }
    if (!COARSE_OF.has(String(s.label))) return `span ${i}: unknown label`;
    spans.push(s);
  }
  sortSpans(spans);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].start < spans[i - 1].end) return "spans overlap (annotate them as one span)";
  }
  return null;
}

function toSpan(s) {
  const source = typeof s.source === "string" ? s.source : "gold";
  return {
    start: s.start, end: s.end, label: String(s.label), source,
    score: typeof s.score === "number" ? s.score : 1.0,
    // Spans someone already annotated count as accepted; a detector's are to be reviewed.
    status: source === "gold" ? "accepted" : "pending",
  };
}

// Parse a JSONL text. Bad lines are reported by line number and reason, never dropped silently.
function parseJsonl(text, stem) {
  const notes = [];
  const errors = [];
  text.split("\n").forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let data;
    try { data = JSON.parse(raw); } catch (e) { errors.push({ line, reason: "malformed JSON" }); return; }
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      errors.push({ line, reason: "record is not a JSON object" }); return;
    }
    if (typeof data.text !== "string") {
      errors.push({ line, reason: "record has no 'text' string" }); return;
    }
    const cps = Array.from(data.text);
    const reason = invalidRecord(data, cps);
    if (reason) { errors.push({ line, reason }); return; }
    const meta = data.meta && typeof data.meta === "object" ? { ...data.meta } : {};
    const reviewed = meta.review === "done";
    const spans = (data.spans || []).map(toSpan);
    sortSpans(spans);
    notes.push({
      id: data.id === undefined || data.id === null ? `${stem}-${line}` : String(data.id),
      cps, meta, spans, reviewed, warning: null, line,
      // Notes nobody annotated yet get the detectors' spans as a starting point.
      needsDetection: spans.length === 0 && !reviewed,
      undo: [],
    });
  });
  return { notes, errors };
}

function showLoadErrors(errors) {
  const list = $("load-errors");
  list.replaceChildren();
  for (const e of errors) {
    const li = document.createElement("li");
    li.textContent = `line ${e.line}: ${e.reason} (not loaded)`;
    list.append(li);
  }
  list.hidden = errors.length === 0;
}

// Batches for /v1/detect within the server's limits (documents per request, characters).
function detectionBatches(notes) {
  const info = state.info;
  const maxChars = Math.min(info.max_request_chars, Math.floor(info.max_body_bytes / 8));
  const batches = [];
  let batch = [];
  let size = 0;
  for (const n of notes) {
    if (n.cps.length > info.max_chars) {
      n.warning = `No pre-annotations: the note has ${n.cps.length} characters, over this ` +
        `server's limit of ${info.max_chars}. Annotate it by hand.`;
      continue;
    }
    if (batch.length && (batch.length >= info.max_batch || size + n.cps.length > maxChars)) {
      batches.push(batch); batch = []; size = 0;
    }
    batch.push(n); size += n.cps.length;
  }
  if (batch.length) batches.push(batch);
  return batches;
}

async function preannotate(notes) {
  const todo = notes.filter((n) => n.needsDetection);
  let done = 0;
  for (const batch of detectionBatches(todo)) {
    setStatus(`Pre-annotating… ${done}/${todo.length} notes`);
    const documents = batch.map((n, i) => ({ id: `n${i}`, text: n.cps.join("") }));
    let failure = null;
    try {
      const response = await fetch("/v1/detect", {
        method: "POST", headers: headers(), body: JSON.stringify({ documents }),
        cache: "no-store", credentials: "same-origin",
      });
      if (response.ok) {
        const body = await response.json();
        body.documents.forEach((d, i) => {
          batch[i].spans = d.spans.map((s) => ({
            start: s.start, end: s.end, label: s.label, source: s.source, score: s.score,
            status: "pending",
          }));
          sortSpans(batch[i].spans);
        });
      } else {
        failure = `Error ${response.status}: ${await errorMessage(response)}`;
      }
    } catch (e) {
      failure = "could not reach the server";
    }
    for (const n of batch) {
      n.needsDetection = false;
      if (failure) n.warning = `No pre-annotations (${failure}). Annotate it by hand.`;
    }
    done += batch.length;
  }
  return todo.length;
}

async function loadFile(file) {
  if (!state.info || !state.info.ready) { setStatus("The server is not ready yet.", true); return; }
  if (state.dirty && !window.confirm("Replace the notes loaded now? Unexported changes are lost.")) {
    return;
  }
  const text = await file.text();
  const stem = file.name.replace(/\.[^.]*$/, "") || "notes";
  const { notes, errors } = parseJsonl(text, stem);
  showLoadErrors(errors);
  state.source = stem;
  state.notes = notes;
  state.current = -1;
  state.dirty = false;
  if (!notes.length) {
    $("workspace").hidden = true;
    setStatus(`No note loaded from ${file.name}` + (errors.length ? ` (${errors.length} bad lines)` : "."), true);
    return;
  }
  const detected = await preannotate(notes);
  $("workspace").hidden = false;
  $("export").disabled = false;
  goTo(0);
  document.body.dataset.loaded = String(notes.length);
  setStatus(`Loaded ${notes.length} note${notes.length === 1 ? "" : "s"}` +
    (detected ? `, ${detected} pre-annotated` : "") +
    (errors.length ? `; ${errors.length} line${errors.length === 1 ? "" : "s"} not loaded (see below)` : "") + ".",
    errors.length > 0);
}

// -- rendering --------------------------------------------------------------------------------

function textOf(n, s) { return n.cps.slice(s.start, s.end).join(""); }

// Every piece of the note is an element carrying its code-point start, so a selection inside
// it maps back to offsets without measuring strings.
function renderDoc() {
  const n = note();
  const doc = $("doc");
  doc.replaceChildren();
  let cursor = 0;
  const plain = (start, end) => {
    const seg = document.createElement("span");
    seg.className = "seg";
    seg.dataset.start = String(start);
    seg.dataset.end = String(end);
    seg.append(document.createTextNode(n.cps.slice(start, end).join("")));
    doc.append(seg);
  };
  n.spans.forEach((s, i) => {
    if (s.start > cursor) plain(cursor, s.start);
    const mark = document.createElement("mark");
    mark.className = `phi c-${coarseOf(s.label)} st-${s.status}` + (i === state.focused ? " focused" : "");
    mark.dataset.start = String(s.start);
    mark.dataset.end = String(s.end);
    mark.dataset.index = String(i);
    mark.dataset.label = s.label;
    mark.title = `${s.label} · ${s.status}` + (s.source !== "gold" ? ` · ${s.source}` : "");
    mark.append(document.createTextNode(textOf(n, s)));
    doc.append(mark);
    cursor = s.end;
  });
  if (cursor < n.cps.length) plain(cursor, n.cps.length);
}

function renderList() {
  const n = note();
  const list = $("span-list");
  list.replaceChildren();
  n.spans.forEach((s, i) => {
    const li = document.createElement("li");
    li.className = `st-${s.status}` + (i === state.focused ? " focused" : "");
    li.dataset.index = String(i);
    const label = document.createElement("b");
    label.className = `chip-label c-${coarseOf(s.label)}`;
    label.textContent = s.label;
    const text = document.createElement("span");
    text.className = "mono";
    text.textContent = textOf(n, s);
    const status = document.createElement("span");
    status.className = "muted";
    status.textContent = s.status === "pending" ? `pending · ${s.source}` : s.status;
    li.append(label, text, status);
    li.addEventListener("click", () => focusSpan(i));
    list.append(li);
  });
  const pending = n.spans.filter((s) => s.status === "pending").length;
  $("span-count").textContent = `(${n.spans.length}, ${pending} pending)`;
}

function renderEditor() {
  const n = note();
  const s = n && n.spans[state.focused];
  for (const id of ["span-label", "accept", "reject", "split"]) $(id).disabled = !s;
  if (!s) {
    $("editor-text").textContent = "Click a span, or press ] for the next one.";
    return;
  }
  $("editor-text").textContent = `“${textOf(n, s)}” · ${s.start}–${s.end} · ${s.status}`;
  $("span-label").value = s.label;
}

function renderNav() {
  const reviewed = state.notes.filter((n) => n.reviewed).length;
  $("progress").textContent = `${state.current + 1} of ${state.notes.length} · ${reviewed} reviewed`;
  const picker = $("picker");
  Array.from(picker.options).forEach((opt, i) => {
    opt.textContent = `${state.notes[i].reviewed ? "✓" : "·"} ${state.notes[i].id}`;
  });
  picker.value = String(state.current);
  $("prev").disabled = state.current <= 0;
  $("next").disabled = state.current >= state.notes.length - 1;
  const n = note();
  $("done").textContent = n.reviewed ? "Reviewed ✓" : "Mark reviewed";
  $("done").classList.toggle("is-done", n.reviewed);
  $("note-warning").hidden = !n.warning;
  $("note-warning").textContent = n.warning || "";
  $("export").textContent = `Export reviewed (${reviewed})`;
}

function render() {
  if (!note()) return;
  renderDoc();
  renderList();
  renderEditor();
  renderNav();
}

// -- editing ----------------------------------------------------------------------------------

function snapshot(n) {
  n.undo.push(n.spans.map((s) => ({ ...s })));
  if (n.undo.length > 200) n.undo.shift();
  state.dirty = true;
}

function undo() {
  const n = note();
  if (!n || !n.undo.length) { setStatus("Nothing to undo."); return; }
  n.spans = n.undo.pop();
  state.focused = Math.min(state.focused, n.spans.length - 1);
  render();
  setStatus("Undone.");
}

function focusSpan(i) {
  const n = note();
  if (!n) return;
  state.focused = i >= 0 && i < n.spans.length ? i : -1;
  render();
  const mark = $("doc").querySelector(`mark[data-index="${state.focused}"]`);
  if (mark) mark.scrollIntoView({ block: "nearest" });
}

function moveFocus(step) {
  const n = note();
  if (!n || !n.spans.length) return;
  let i = state.focused < 0 ? (step > 0 ? 0 : n.spans.length - 1) : state.focused + step;
  i = Math.max(0, Math.min(n.spans.length - 1, i));
  focusSpan(i);
}

function nextPendingAfter(i) {
  const n = note();
  for (let j = i; j < n.spans.length; j++) if (n.spans[j].status === "pending") return j;
  return Math.min(i, n.spans.length - 1);
}

function accept() {
  const n = note();
  const s = n && n.spans[state.focused];
  if (!s) return;
  snapshot(n);
  s.status = "accepted";
  state.focused = nextPendingAfter(state.focused + 1);
  render();
}

function reject() {
  const n = note();
  if (!n || !n.spans[state.focused]) return;
  snapshot(n);
  n.spans.splice(state.focused, 1);
  state.focused = n.spans.length ? nextPendingAfter(Math.min(state.focused, n.spans.length - 1)) : -1;
  render();
}

function relabel(label) {
  const n = note();
  const s = n && n.spans[state.focused];
  if (!s || !COARSE_OF.has(label)) return;
  snapshot(n);
  s.label = label;
  s.status = "accepted";
  render();
}

function isSpace(ch) { return /\s/u.test(ch); }

// Add [start, end) (trimmed of whitespace) with the label for new spans; spans it overlaps
// go, so dragging over a span that was too short corrects it.
function addSpan(start, end) {
  const n = note();
  while (start < end && isSpace(n.cps[start])) start++;
  while (end > start && isSpace(n.cps[end - 1])) end--;
  if (end <= start) return;
  snapshot(n);
  const label = $("new-label").value;
  n.spans = n.spans.filter((s) => s.end <= start || s.start >= end);
  n.spans.push({ start, end, label, source: "gold", score: 1.0, status: "accepted" });
  sortSpans(n.spans);
  state.focused = n.spans.findIndex((s) => s.start === start && s.end === end);
  render();
  setStatus(`Added ${label} at ${start}–${end}.`);
}

function split() {
  const n = note();
  const s = n && n.spans[state.focused];
  if (!s) return;
  const at = state.caret;
  if (at === null || at <= s.start || at >= s.end) {
    setStatus("Click inside the span where it should be split, then press S.", true);
    return;
  }
  let leftEnd = at;
  let rightStart = at;
  while (leftEnd > s.start && isSpace(n.cps[leftEnd - 1])) leftEnd--;
  while (rightStart < s.end && isSpace(n.cps[rightStart])) rightStart++;
  snapshot(n);
  const parts = [];
  if (leftEnd > s.start) parts.push({ ...s, end: leftEnd, source: "gold", score: 1.0, status: "accepted" });
  if (s.end > rightStart) parts.push({ ...s, start: rightStart, source: "gold", score: 1.0, status: "accepted" });
  n.spans.splice(state.focused, 1, ...parts);
  state.caret = null;
  render();
  setStatus(`Split into ${parts.length} span${parts.length === 1 ? "" : "s"}.`);
}

function markReviewed() {
  const n = note();
  if (!n) return;
  snapshot(n);
  for (const s of n.spans) if (s.status === "pending") s.status = "accepted";
  n.reviewed = true;
  if (state.current < state.notes.length - 1) goTo(state.current + 1);
  else { render(); setStatus("Last note reviewed. Export when ready."); }
}

function goTo(i) {
  if (i < 0 || i >= state.notes.length) return;
  if ($("picker").options.length !== state.notes.length) {
    const picker = $("picker");
    picker.replaceChildren();
    state.notes.forEach((n, j) => {
      const opt = document.createElement("option");
      opt.value = String(j);
      picker.append(opt);
    });
  }
  state.current = i;
  state.caret = null;
  state.focused = note().spans.length ? nextPendingAfter(0) : -1;
  render();
}

// -- selection -> offsets ---------------------------------------------------------------------

// Code-point offset of a DOM selection boundary inside #doc, or null outside it.
function cpOffset(node, offset) {
  const doc = $("doc");
  if (!doc.contains(node)) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const host = node.parentElement.closest("[data-start]");
    if (!host) return null;
    return Number(host.dataset.start) + Array.from(node.data.slice(0, offset)).length;
  }
  if (node === doc) {
    const child = doc.childNodes[offset];
    return child ? Number(child.dataset.start) : note().cps.length;
  }
  const host = node.closest("[data-start]");
  if (!host) return null;
  return offset === 0 ? Number(host.dataset.start) : Number(host.dataset.end);
}

function onMouseUp(event) {
  const selection = window.getSelection();
  if (!selection.rangeCount) return;
  const range = selection.getRangeAt(0);
  const a = cpOffset(range.startContainer, range.startOffset);
  const b = cpOffset(range.endContainer, range.endOffset);
  if (a === null || b === null) return;
  if (range.collapsed) {
    state.caret = a;
    const mark = event.target.closest && event.target.closest("mark[data-index]");
    if (mark) focusSpan(Number(mark.dataset.index));
    return;
  }
  selection.removeAllRanges();
  addSpan(Math.min(a, b), Math.max(a, b));
}

// -- export -----------------------------------------------------------------------------------

// One canonical record (Document.to_dict): gold spans carry start, end and label only; a
// detector's span not yet reviewed keeps its source and score, so it never passes for gold.
function record(n) {
  const out = { id: n.id, text: n.cps.join("") };
  const meta = { ...n.meta, review: n.reviewed ? "done" : "todo" };
  out.meta = meta;
  out.spans = n.spans.map((s) => {
    const span = { start: s.start, end: s.end, label: s.label };
    if (s.status === "pending") {
      span.source = s.source;
      if (s.score !== 1.0) span.score = s.score;
    }
    return span;
  });
  return out;
}

function exportNotes() {
  const includeTodo = $("include-todo").checked;
  const chosen = state.notes.filter((n) => n.reviewed || includeTodo);
  if (!chosen.length) { setStatus("No reviewed note yet: mark notes reviewed (D) first.", true); return; }
  const lines = chosen.map((n) => JSON.stringify(record(n)));
  const blob = new Blob([lines.join("\n") + "\n"], { type: "application/x-ndjson" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `${state.source}.corrected.jsonl`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  state.dirty = false;
  const left = state.notes.length - chosen.length;
  setStatus(`Exported ${chosen.length} note${chosen.length === 1 ? "" : "s"}` +
    (left ? `; ${left} not yet reviewed left out` : "") + ".");
}

// -- keys -------------------------------------------------------------------------------------

function onKey(event) {
  const tag = event.target.tagName;
  if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") {
    // Arrow keys step through a label list (each step relabels); Enter or Esc go back to keys.
    if (event.key === "Escape" || (tag === "SELECT" && event.key === "Enter")) event.target.blur();
    return;
  }
  if (!note() || event.altKey || event.metaKey) return;
  if (event.ctrlKey) {
    if (event.key === "z") { event.preventDefault(); undo(); }
    return;
  }
  const key = event.key;
  const actions = {
    "]": () => moveFocus(1), "[": () => moveFocus(-1),
    a: accept, Enter: accept, x: reject, Delete: reject, Backspace: reject,
    s: split, d: markReviewed, n: () => goTo(state.current + 1), p: () => goTo(state.current - 1),
    z: undo, l: () => { if (!$("span-label").disabled) $("span-label").focus(); },
    Escape: () => focusSpan(-1),
  };
  let action = actions[key] || actions[key.toLowerCase()];
  if (!action && /^[1-9]$/.test(key)) {
    const label = QUICK[Number(key) - 1];
    action = () => {
      $("new-label").value = label;
      if (state.focused >= 0) relabel(label);
      else setStatus(`New spans: ${label}.`);
    };
  }
  if (action) { event.preventDefault(); action(); }
}

// -- setup ------------------------------------------------------------------------------------

function fillLabels(labels) {
  for (const select of [$("new-label"), $("span-label")]) {
    select.replaceChildren();
    for (const [coarse, fines] of Object.entries(labels)) {
      const group = document.createElement("optgroup");
      group.label = coarse;
      for (const fine of fines) {
        const opt = document.createElement("option");
        opt.value = fine;
        const quick = QUICK.indexOf(fine);
        opt.textContent = quick >= 0 ? `${fine} (${quick + 1})` : fine;
        group.append(opt);
      }
      select.append(group);
    }
  }
  $("new-label").value = "PATIENT";
}

async function loadInfo() {
  try {
    const response = await fetch("/v1/info", { cache: "no-store" });
    const info = await response.json();
    state.info = info;
    COARSE_OF.clear();
    for (const [coarse, fines] of Object.entries(info.labels)) {
      COARSE_OF.set(coarse, coarse);
      for (const fine of fines) COARSE_OF.set(fine, coarse);
    }
    if (!$("new-label").options.length) fillLabels(info.labels);
    $("token-field").hidden = !info.auth;
    const pill = $("ready");
    if (info.ready) {
      pill.className = "pill pill-ok";
      pill.textContent = "ready · " + Object.keys(info.detectors).join(", ");
    } else {
      pill.className = "pill pill-wait";
      pill.textContent = "loading models…";
      setTimeout(loadInfo, 1000);
    }
  } catch (e) {
    $("ready").className = "pill pill-bad";
    $("ready").textContent = "server unreachable";
    setTimeout(loadInfo, 3000);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("file").addEventListener("change", (e) => {
    const file = e.target.files && e.target.files[0];
    if (file) loadFile(file).finally(() => { e.target.value = ""; });
  });
  $("doc").addEventListener("mouseup", onMouseUp);
  $("prev").addEventListener("click", () => goTo(state.current - 1));
  $("next").addEventListener("click", () => goTo(state.current + 1));
  $("picker").addEventListener("change", (e) => goTo(Number(e.target.value)));
  $("done").addEventListener("click", markReviewed);
  $("undo").addEventListener("click", undo);
  $("accept").addEventListener("click", accept);
  $("reject").addEventListener("click", reject);
  $("split").addEventListener("click", split);
  $("span-label").addEventListener("change", (e) => relabel(e.target.value));
  $("export").addEventListener("click", exportNotes);
  document.addEventListener("keydown", onKey);
  window.addEventListener("beforeunload", (e) => {
    if (state.dirty) { e.preventDefault(); e.returnValue = ""; }
  });
  loadInfo();
});
