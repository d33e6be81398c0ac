// fairdeid review page. No framework, no external asset: the note never leaves this origin.
// Offsets from the API are Python code-point indices; JS strings are UTF-16, so text is split
// into code points (Array.from) before slicing, or emoji and rare CJK would shift highlights.
"use strict";

const COARSE = ["NAME", "PROFESSION", "LOCATION", "AGE", "DATE", "CONTACT", "ID", "OTHER"];
const KIND_NAMES = { rule: "rule", model: "model", llm: "LLM", peer: "peer tool",
                     deny: "deny list", gold: "gold", other: "other" };
const EXAMPLE =
  "Discharge summary\n" +
  "Patient: Maria Gonzalez, 67 y/o, MRN 00482913.\n" +
  "Admitted 2021-03-04 to St. Anne Hospital, seen by Dr. Wei Zhang.\n" +
  "Follow-up call 555-123-4567 or maria.g@example.org.";

const $ = (id) => document.getElementById(id);
let info = null;

function setStatus(text, isError = false) {
  const el = $("status");
  el.textContent = text;
  el.classList.toggle("error", isError);
}

function setReady(state, text) {
  const pill = $("ready");
  pill.className = "pill " + { ok: "pill-ok", wait: "pill-wait", bad: "pill-bad" }[state];
  pill.textContent = text;
}

function headers() {
  const h = { "Content-Type": "application/json" };
  const token = $("token").value.trim();
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

function tip(span) {
  const kind = KIND_NAMES[span.kind] || span.kind;
  let t = `${span.label} (${span.coarse}) · ${kind} · ${span.source} · score ${span.score.toFixed(2)}`;
  if (span.also && span.also.length) t += ` · also ${span.also.join(", ")}`;
  return t;
}

// Fill `container` with `text`, wrapping each span in a <mark>. Text nodes only, never parsed as HTML:
// the note is untrusted input.
function renderHighlighted(container, text, spans) {
  container.replaceChildren();
  const cps = Array.from(text);
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let cursor = 0;
  for (const span of sorted) {
    if (span.start < cursor) continue;
    if (span.start > cursor) {
      container.append(document.createTextNode(cps.slice(cursor, span.start).join("")));
    }
    const mark = document.createElement("mark");
    const coarse = COARSE.includes(span.coarse) ? span.coarse : "OTHER";
    mark.className = `phi c-${coarse} k-${span.kind}`;
    mark.tabIndex = 0;
    mark.dataset.label = span.label;
    mark.dataset.kind = span.kind;
    mark.dataset.source = span.source;
    mark.dataset.tip = tip(span);
    mark.setAttribute("aria-label", `${cps.slice(span.start, span.end).join("")}: ${tip(span)}`);
    // The small label after the text is CSS-generated (::after), so copying the output
    // copies the output only.
    mark.append(document.createTextNode(cps.slice(span.start, span.end).join("")));
    container.append(mark);
    cursor = span.end;
  }
  if (cursor < cps.length) container.append(document.createTextNode(cps.slice(cursor).join("")));
}

function renderLegend(spans) {
  const legend = $("legend");
  legend.replaceChildren();
  const counts = new Map();
  for (const s of spans) counts.set(s.coarse, (counts.get(s.coarse) || 0) + 1);
  for (const coarse of COARSE) {
    const chip = document.createElement("span");
    chip.className = `chip phi-chip c-${coarse}`;
    chip.dataset.coarse = coarse;
    const name = document.createElement("b");
    name.textContent = coarse;
    chip.append(name, document.createTextNode(String(counts.get(coarse) || 0)));
    legend.append(chip);
  }
}

function renderTable(text, spans) {
  const table = $("spans");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  const cps = Array.from(text);
  spans.forEach((s, i) => {
    const tr = document.createElement("tr");
    const cells = [String(i + 1), cps.slice(s.start, s.end).join(""), s.label,
                   KIND_NAMES[s.kind] || s.kind, s.source, s.score.toFixed(2)];
    cells.forEach((value, j) => {
      const td = document.createElement("td");
      td.textContent = value;
      if (j === 1 || j === 4) td.className = "mono";
      tr.append(td);
    });
    body.append(tr);
  });
  table.hidden = spans.length === 0;
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join("; ");
  } catch (e) { /* not JSON */ }
  return response.statusText || "request failed";
}

async function run() {
  const text = $("note").value;
  if (!text.trim()) { setStatus("Paste a note first.", true); return; }
  const mode = $("mode").value;
  $("run").disabled = true;
  setStatus("De-identifying…");
  const started = performance.now();
  try {
    const response = await fetch("/v1/deidentify", {
      method: "POST", headers: headers(), body: JSON.stringify({ text, mode }),
      cache: "no-store", credentials: "same-origin",
    });
    if (!response.ok) {
      setStatus(`Error ${response.status}: ${await errorMessage(response)}`, true);
      return;
    }
    const result = await response.json();
    renderHighlighted($("original"), text, result.spans);
    renderHighlighted($("output"), result.text, result.output_spans);
    renderLegend(result.spans);
    renderTable(text, result.spans);
    $("out-mode").textContent = `(${result.mode})`;
    $("count").textContent = `${result.spans.length} span${result.spans.length === 1 ? "" : "s"}`;
    $("copy").disabled = false;
    $("copy").dataset.text = result.text;
    document.body.dataset.done = "1";
    setStatus(`Done in ${Math.round(performance.now() - started)} ms.`);
  } catch (e) {
    setStatus("Could not reach the server.", true);
  } finally {
    $("run").disabled = false;
  }
}

async function loadInfo() {
  try {
    const response = await fetch("/v1/info", { cache: "no-store" });
    info = await response.json();
    $("mode").value = info.default_mode;
    $("token-field").hidden = !info.auth;
    const detectors = Object.entries(info.detectors)
      .map(([name, kind]) => `${name} (${KIND_NAMES[kind] || kind})`).join(", ");
    if (info.ready) setReady("ok", `ready · ${detectors}`);
    else { setReady("wait", "loading models…"); setTimeout(loadInfo, 1000); }
  } catch (e) {
    setReady("bad", "server unreachable");
    setTimeout(loadInfo, 3000);
  }
}

// One floating tooltip for every highlight (hover or keyboard focus). Fixed positioning keeps
// it out of the scrolling panels' layout.
function showTip(event) {
  const mark = event.target.closest && event.target.closest("mark.phi");
  const tipEl = $("tip");
  if (!mark) { tipEl.hidden = true; return; }
  tipEl.textContent = mark.dataset.tip;
  tipEl.hidden = false;
  const box = mark.getBoundingClientRect();
  const top = box.top - tipEl.offsetHeight - 6;
  tipEl.style.top = `${top < 4 ? box.bottom + 6 : top}px`;
  tipEl.style.left = `${Math.max(4, Math.min(box.left, window.innerWidth - tipEl.offsetWidth - 4))}px`;
}

function hideTip() { $("tip").hidden = true; }

document.addEventListener("DOMContentLoaded", () => {
  for (const id of ["original", "output"]) {
    $(id).addEventListener("mouseover", showTip);
    $(id).addEventListener("focusin", showTip);
    $(id).addEventListener("mouseleave", hideTip);
    $(id).addEventListener("focusout", hideTip);
  }
  window.addEventListener("scroll", hideTip, true);
  renderLegend([]);
  $("run").addEventListener("click", run);
  $("note").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run();
  });
  $("example").addEventListener("click", () => { $("note").value = EXAMPLE; $("note").focus(); });
  $("clear").addEventListener("click", () => {
    $("note").value = "";
    for (const id of ["original", "output", "count", "out-mode"]) $(id).replaceChildren();
    renderLegend([]);
    renderTable("", []);
    $("copy").disabled = true;
    setStatus("");
  });
  $("copy").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText($("copy").dataset.text || ""); setStatus("Copied."); }
    catch (e) { setStatus("Copy failed (clipboard needs https or localhost).", true); }
  });
  loadInfo();
});
