// The studio's pages: a client of the studio's own API (see /api/openapi.json). Plain JavaScript, no
// build step. Every text from a bulletin is put in the page with textContent, never as HTML.
"use strict";

const KIND_NAMES = { intro: "Opening", lead: "Hoofdbericht", brief: "Kort bericht", outro: "Afsluiting" };
const STATE_NAMES = { draft: "Concept", approved: "Goedgekeurd", published: "Gepubliceerd" };
const PREPARE_DELAY_MS = 400; // after the last keystroke, before asking how a text will be read
const EDITED_FIELDS = ["kind", "title", "place"];

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
const $ = (selector, root = document) => root.querySelector(selector);

class Problem extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// One call to the API; a Problem (with the server's one-line reason) for anything but 2xx.
async function api(method, url, { json, body, headers = {} } = {}) {
  const sent = { method, headers: { ...headers }, credentials: "same-origin" };
  if (method !== "GET") sent.headers["X-CSRF-Token"] = csrf();
  if (json !== undefined) {
    sent.headers["Content-Type"] = "application/json";
    sent.body = JSON.stringify(json);
  } else if (body !== undefined) {
    sent.headers["Content-Type"] = "application/json";
    sent.body = body;
  }
  let response;
  try {
    response = await fetch(url, sent);
  } catch (error) {
    throw new Problem(0, "De studio is niet bereikbaar. Draait `bulletin studio` nog?");
  }
  if (!response.ok) {
    let reason = response.statusText;
    try {
      const detail = (await response.json()).detail;
      reason = typeof detail === "string" ? detail : JSON.stringify(detail);
    } catch (error) { /* not JSON: keep the status text */ }
    throw new Problem(response.status, reason);
  }
  return response;
}

function notice(text, kind = "info") {
  const box = $("#melding");
  box.textContent = text;
  box.className = `notice ${kind}`;
  box.hidden = false;
  clearTimeout(notice.timer);
  if (kind === "info") notice.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

function clock(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function number(value, unit) {
  return value === null || value === undefined ? "—" : `${value.toLocaleString("nl-NL")} ${unit}`;
}

function lufs(value) {
  return number(value, "LUFS");
}

// A moment as the bulletin itself names it: its own date and clock time, in its own time zone
// (an ISO-8601 text with an offset), whatever zone the editor's browser is in.
function when(iso) {
  const [date, time] = iso.split("T");
  const [year, month, day] = date.split("-").map(Number);
  const named = new Date(Date.UTC(year, month - 1, day)).toLocaleDateString("nl-NL", {
    weekday: "short", day: "numeric", month: "short", timeZone: "UTC",
  });
  return `${named}, ${time.slice(0, 5)}`;
}

// A moment of the editor's own (a version saved): in the browser's time zone.
function localTime(iso) {
  return new Date(iso).toLocaleString("nl-NL", {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });
}

// A segment's words as the editor writes them: its text (in a script of version 1, its written
// form, where it has one). The build reads them with the voice's lexicons.
function words(segment) {
  return segment.written ?? segment.text;
}

function element(tag, text, className) {
  const made = document.createElement(tag);
  if (text !== undefined && text !== null) made.textContent = text;
  if (className) made.className = className;
  return made;
}

function stateLabel(bulletin) {
  return element("span", STATE_NAMES[bulletin.state] || bulletin.state, `state ${bulletin.state}`);
}

// --- the desk --------------------------------------------------------------------------------

async function loadDesk() {
  const [bulletins, runs] = await Promise.all([
    api("GET", "/api/bulletins").then((r) => r.json()),
    api("GET", "/api/runs").then((r) => r.json()),
  ]);
  const waiting = bulletins.filter((b) => b.state === "draft" || b.correction);
  fillList($("#wacht"), waiting, $("#wacht-leeg"));
  fillList($("#alle"), bulletins, $("#alle-leeg"));
  const list = $("#runs");
  list.replaceChildren(...runs.map((run) => {
    const item = element("li");
    item.append(element("time", run.time ? when(run.time) : "?"), " ", element("span", run.error, "reason"));
    return item;
  }));
  $("#runs-leeg").hidden = runs.length > 0;
}

function fillList(list, bulletins, empty) {
  list.replaceChildren(...bulletins.map((b) => {
    const item = element("li", null, "bulletin");
    const link = element("a", b.title);
    link.href = b.page;
    const facts = element("span", `${when(b.at)} · ${clock(b.duration)} · ${lufs(b.loudness)}`, "facts");
    item.append(link, " ", stateLabel(b), " ", facts);
    if (b.correction) item.append(" ", element("span", "correctie wacht", "state draft"));
    if (b.passed === false) item.append(" ", element("span", "QA afgekeurd", "state failed"));
    return item;
  }));
  empty.hidden = bulletins.length > 0;
}

// --- a bulletin -------------------------------------------------------------------------------

const desk = {
  id: null,
  details: null, // the listing of the bulletin, with chapters, QA and voices of what is shown
  script: null, // the script being edited (the newest saved version, with the editor's changes)
  etag: null, // of the saved version the edits are made on
  built: null, // the script the shown audio was built from
  dirty: false,
  busy: false,
  loaded: 0,
};

function shown() {
  return desk.details.correction || desk.details;
}

async function loadBulletin() {
  const id = document.body.dataset.bulletin;
  desk.id = id;
  const details = await api("GET", `/api/bulletins/${id}/details`).then((r) => r.json());
  const saved = await api("GET", `/api/bulletins/${id}`);
  desk.details = details;
  desk.loaded = Date.now(); // in the files' addresses: they keep their names when rebuilt
  desk.etag = saved.headers.get("ETag");
  desk.script = await saved.json();
  desk.built = await api("GET", shown().built_script).then((r) => r.json());
  setDirty(false);
  renderBulletin();
  await Promise.all([prepareAll(), loadVersions()]);
}

function renderBulletin() {
  const details = desk.details;
  const now = shown();
  $("#titel").textContent = details.title;
  const status = $("#status");
  status.textContent = details.correction ? "Correctie: concept" : STATE_NAMES[details.state] || details.state;
  status.className = `state ${details.correction ? "draft" : details.state}`;
  $("#correctie").hidden = !details.correction;
  $("#verwerpen").hidden = !details.correction;
  const stamp = desk.loaded;
  const player = $("#speler");
  player.src = `${now.audio}?v=${stamp}`;
  $("#beeld").src = `${now.picture}${now.picture.includes("?") ? "&" : "?"}v=${stamp}`;
  renderChapters();
  renderQA();
  renderSegments();
}

function renderChapters() {
  const list = $("#hoofdstukken");
  list.replaceChildren(...desk.details.chapter_list.map((chapter) => {
    const item = element("li");
    const jump = element("button", `${clock(chapter.startTime)} ${chapter.title}`, "link");
    jump.type = "button";
    jump.addEventListener("click", () => {
      const player = $("#speler");
      player.currentTime = chapter.startTime;
      player.play().catch(() => {});
    });
    item.append(jump);
    return item;
  }));
}

function renderQA() {
  const qa = desk.details.qa;
  const box = $("#qa");
  if (!qa) {
    box.replaceChildren(element("p", "Geen QA-rapport."));
    return;
  }
  const facts = element("dl");
  const add = (term, value) => facts.append(element("dt", term), element("dd", value));
  add("Profiel", `${qa.profile} (doel ${lufs(qa.target_lufs)}, plafond ${number(qa.ceiling_dbtp, "dBTP")})`);
  add("Luidheid", lufs(qa.integrated));
  add("True peak", number(qa.true_peak, "dBTP"));
  add("Luidheidsbereik", number(qa.loudness_range, "LU"));
  add("Langste stilte", number(qa.longest_silence, "s"));
  add("Oordeel", qa.passed ? "In orde" : `Afgekeurd: ${qa.problems.join("; ")}`);
  box.replaceChildren(element("h3", "QA-rapport"), facts);
}

// Where a segment of the edited script is in the shown audio: the same segment (kind and words)
// in the script the audio was built from, whose chapter it is.
function builtRange(segment) {
  const index = desk.built.segments.findIndex((b) => b.kind === segment.kind && words(b) === words(segment));
  const chapter = index >= 0 ? desk.details.chapter_list[index] : undefined;
  return chapter ? { number: index + 1, start: chapter.startTime, end: chapter.endTime } : null;
}

function clipUrl(number) {
  const of = desk.details.correction ? "&correction=true" : "";
  return `/api/bulletins/${desk.id}/segments/${number}.mp3?v=${desk.loaded}${of}`;
}

function renderSegments() {
  const list = $("#segmenten");
  const template = $("#segment-sjabloon");
  const segments = desk.script.segments;
  list.replaceChildren(...segments.map((segment, index) => {
    const item = template.content.firstElementChild.cloneNode(true);
    item.dataset.index = String(index);
    item.dataset.kind = segment.kind;
    $(".kind", item).textContent = KIND_NAMES[segment.kind] || segment.kind;
    const agencies = (segment.agencies || []).join("/");
    const dateline = segment.place ? `${segment.place.toUpperCase()}${agencies ? ` (${agencies})` : ""}` : agencies;
    $(".dateline", item).textContent = dateline;
    const isBrief = segment.kind === "brief";
    const story = segment.kind === "lead" || isBrief;
    $(".moves", item).hidden = !isBrief;
    $(".up", item).disabled = !isBrief || segments[index - 1]?.kind !== "brief";
    $(".down", item).disabled = !isBrief || segments[index + 1]?.kind !== "brief";
    $(".title-field", item).hidden = !story;
    $(".title", item).value = segment.title || "";
    $(".text", item).value = words(segment);
    const range = builtRange(segment);
    const clip = $(".clip", item);
    if (range) {
      clip.src = clipUrl(range.number);
      $(".length", item).textContent = clock(range.end - range.start);
    } else {
      clip.hidden = true;
      $(".changed", item).hidden = false;
      $(".length", item).textContent = "nieuw";
    }
    bindSegment(item, index);
    return item;
  }));
  list.querySelectorAll("textarea").forEach(fit); // once shown: a hidden element has no height
}

// A text field as tall as its text: an editor reads the whole segment without scrolling in it.
function fit(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = `${textarea.scrollHeight + 2}px`;
}

function bindSegment(item, index) {
  const segment = () => desk.script.segments[index];
  const edited = (field, value) => {
    segment()[field] = value;
    setDirty(true);
  };
  $(".title", item).addEventListener("input", (event) => edited("title", event.target.value));
  const text = $(".text", item);
  text.addEventListener("input", () => {
    delete segment().written; // a version-1 script's written form: the text is the words now
    edited("text", text.value); // the build (and the server, when it saves) reads it for the voice
    fit(text);
    const changed = !builtRange(segment());
    $(".changed", item).hidden = !changed;
    $(".clip", item).hidden = changed;
    clearTimeout(item.prepareTimer);
    item.prepareTimer = setTimeout(() => prepareOne(item, index), PREPARE_DELAY_MS);
  });
  text.addEventListener("select", () => pickWord(text));
  text.addEventListener("mouseup", () => pickWord(text));
  $(".up", item).addEventListener("click", () => move(index, -1));
  $(".down", item).addEventListener("click", () => move(index, +1));
  $(".remove", item).addEventListener("click", () => removeSegment(index));
  $(".try", item).addEventListener("click", () => trySegment(item, index));
}

function setDirty(dirty) {
  desk.dirty = dirty;
  $("#gewijzigd").hidden = !dirty;
  $("#opslaan").disabled = !dirty || desk.busy;
}

function move(index, step) {
  const segments = desk.script.segments;
  const other = index + step;
  [segments[index], segments[other]] = [segments[other], segments[index]];
  setDirty(true);
  renderSegments();
  prepareAll();
  $(`#segmenten li[data-index="${other}"] ${step < 0 ? ".up" : ".down"}`)?.focus();
}

function removeSegment(index) {
  const [gone] = desk.script.segments.splice(index, 1);
  setDirty(true);
  renderSegments();
  prepareAll();
  notice(`Verwijderd: “${gone.title}”. Sla op om het te bewaren; herlaad de pagina om het terug te halen.`);
}

function addBrief() {
  const segments = desk.script.segments;
  const outro = segments.findIndex((s) => s.kind === "outro");
  const at = outro >= 0 ? outro : segments.length;
  segments.splice(at, 0, { kind: "brief", title: "", place: null, agencies: [], published: null, text: "" });
  setDirty(true);
  renderSegments();
  $(`#segmenten li[data-index="${at}"] .title`).focus();
}

// --- how it will be read, and hearing it ------------------------------------------------------

async function prepareLines(segments) {
  const lines = segments.map((s) => ({ text: words(s), kind: s.kind }));
  return api("POST", "/api/prepare", { json: { lines } }).then((r) => r.json());
}

async function prepareAll() {
  try {
    const spoken = await prepareLines(desk.script.segments);
    document.querySelectorAll("#segmenten li.segment").forEach((item, index) => {
      $(".spoken", item).textContent = spoken[index]?.spoken ?? "";
    });
  } catch (problem) {
    notice(`Uitspraak niet op te halen: ${problem.message}`, "error");
  }
}

async function prepareOne(item, index) {
  try {
    const [spoken] = await prepareLines([desk.script.segments[index]]);
    $(".spoken", item).textContent = spoken.spoken;
  } catch (problem) {
    notice(`Uitspraak niet op te halen: ${problem.message}`, "error");
  }
}

async function hear(player, request, button) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = "Bezig…";
  try {
    const response = await api("POST", "/api/say", { json: request });
    const audio = await response.blob();
    if (player.src.startsWith("blob:")) URL.revokeObjectURL(player.src);
    player.src = URL.createObjectURL(audio);
    player.hidden = false;
    player.play().catch(() => {}); // the editor asked to hear it; a browser may still refuse
  } catch (problem) {
    notice(`Niet uit te spreken: ${problem.message}`, "error");
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

function trySegment(item, index) {
  const segment = desk.script.segments[index];
  if (!words(segment).trim()) {
    notice("Er is nog geen tekst om te beluisteren.", "error");
    return;
  }
  // Prepared by the segment's voice, as the build will: what is heard now is what is built.
  hear($(".trial", item), { text: words(segment), kind: segment.kind }, $(".try", item));
}

function pickWord(textarea) {
  const picked = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd).trim();
  if (picked && picked.length <= 100 && !/\s/.test(picked)) {
    $("#woord").value = picked.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    $("#lezing").focus();
  }
}

async function saveWord(event) {
  event.preventDefault();
  const word = $("#woord").value.trim();
  const reading = $("#lezing").value.trim();
  if (!word || !reading) return;
  try {
    const current = await api("GET", "/api/lexicon");
    const tables = await current.json();
    tables.words = { ...(tables.words || {}), [word]: reading };
    await api("PUT", "/api/lexicon", { json: tables, headers: { "If-Match": current.headers.get("ETag") } });
    notice(`“${word}” wordt voortaan gelezen als “${reading}”. Bouw opnieuw om het te horen in dit bulletin.`);
    await prepareAll();
  } catch (problem) {
    notice(`Niet opgeslagen: ${problem.message}`, "error");
  }
}

// --- saving, building, approving --------------------------------------------------------------

function setBusy(busy, what) {
  desk.busy = busy;
  for (const id of ["#bouwen", "#goedkeuren", "#verwerpen"]) $(id).disabled = busy;
  $("#opslaan").disabled = busy || !desk.dirty;
  if (busy) notice(what, "busy");
}

async function save() {
  try {
    const response = await api("PUT", `/api/bulletins/${desk.id}/script`, {
      json: desk.script,
      headers: { "If-Match": desk.etag },
    });
    desk.etag = response.headers.get("ETag");
    desk.script = await response.json();
    setDirty(false);
    renderSegments();
    await Promise.all([prepareAll(), loadVersions()]);
    notice("Opgeslagen.");
    return true;
  } catch (problem) {
    if (problem.status === 412) {
      notice("Iemand anders heeft dit script intussen opgeslagen. Uw tekst staat nog hieronder: neem uw wijzigingen over, herlaad de pagina en breng ze opnieuw aan.", "error conflict");
    } else {
      const where = /segments\[(\d+)\]/.exec(problem.message);
      if (where) $(`#segmenten li[data-index="${where[1]}"]`)?.classList.add("invalid");
      notice(`Niet opgeslagen: ${problem.message}`, "error");
    }
    return false;
  }
}

async function rebuild() {
  if (desk.dirty && !(await save())) return;
  setBusy(true, "Bezig met bouwen… onveranderde segmenten komen uit de cache.");
  try {
    const result = await api("POST", `/api/bulletins/${desk.id}/build`).then((r) => r.json());
    await loadBulletin();
    notice(`Opnieuw gebouwd in ${result.seconds.toLocaleString("nl-NL")} s: ${result.synthesised} van ${result.segments} segmenten opnieuw ingesproken.`);
  } catch (problem) {
    notice(`Niet gebouwd: ${problem.message}`, "error");
  } finally {
    setBusy(false);
  }
}

function sameSegments(a, b) {
  return a.length === b.length && a.every(
    (s, i) => words(s) === words(b[i]) && EDITED_FIELDS.every((f) => (s[f] ?? null) === (b[i][f] ?? null)),
  );
}

async function approve() {
  if (desk.dirty) {
    notice("Sla eerst op en bouw opnieuw: goedgekeurd wordt wat u hoort.", "error");
    return;
  }
  if (!sameSegments(desk.script.segments, desk.built.segments)) {
    notice("Het opgeslagen script is nog niet gebouwd: bouw eerst opnieuw, dan keurt u goed wat u hoort.", "error");
    return;
  }
  setBusy(true, "Bezig met goedkeuren en publiceren…");
  try {
    // Only what this editor heard: another editor's rebuild meanwhile makes it 412.
    const result = await api("POST", `/api/bulletins/${desk.id}/approve`, { headers: { "If-Match": desk.details.heard } })
      .then((r) => r.json());
    await loadBulletin();
    notice(result.published ? "Goedgekeurd en gepubliceerd: de feed en latest.* volgen." : "Goedgekeurd; het gaat mee met de volgende publicatie (stel [publish] base_url in).");
  } catch (problem) {
    if (problem.status === 412) {
      notice("Niet goedgekeurd: iemand heeft het bulletin intussen opnieuw gebouwd. Herlaad de pagina en luister opnieuw.", "error conflict");
    } else {
      // Approved here but not published (a bucket that did not answer)? Then the page says so.
      await loadBulletin().catch(() => {});
      const approved = desk.details && !desk.details.correction && desk.details.state !== "draft";
      notice(approved ? `Goedgekeurd, maar niet gepubliceerd: ${problem.message}` : `Niet goedgekeurd: ${problem.message}`, "error");
    }
  } finally {
    setBusy(false);
  }
}

async function discard() {
  setBusy(true, "Correctie weggooien…");
  try {
    await api("DELETE", `/api/bulletins/${desk.id}/correction`);
    await loadBulletin();
    notice("Correctie weggegooid: de uitgezonden versie blijft.");
  } catch (problem) {
    notice(`Niet gelukt: ${problem.message}`, "error");
  } finally {
    setBusy(false);
  }
}

async function loadVersions() {
  const versions = await api("GET", `/api/bulletins/${desk.id}/versions`).then((r) => r.json());
  $("#versies-leeg").hidden = versions.length > 0;
  $("#versies").replaceChildren(...versions.slice().reverse().map((version) => {
    const item = element("li");
    const back = element("button", "Terugzetten", "link");
    back.type = "button";
    back.addEventListener("click", () => restore(version.number));
    item.append(element("span", `Versie ${version.number} · ${localTime(version.saved)}`), " ", back);
    return item;
  }));
}

async function restore(number) {
  try {
    desk.script = await api("GET", `/api/bulletins/${desk.id}?version=${number}`).then((r) => r.json());
    setDirty(true);
    renderSegments();
    await prepareAll();
    notice(`Versie ${number} staat in het formulier; sla op om ernaar terug te gaan.`);
  } catch (problem) {
    notice(`Niet te laden: ${problem.message}`, "error");
  }
}

// --- start ------------------------------------------------------------------------------------

async function logout() {
  try {
    await api("POST", "/logout");
  } finally {
    window.location.href = "/login";
  }
}

function start() {
  $("#logout")?.addEventListener("click", logout);
  const page = document.body.dataset.page;
  const failed = (problem) => notice(problem.message, "error");
  if (page === "desk") loadDesk().catch(failed);
  if (page === "bulletin") {
    $("#opslaan").addEventListener("click", save);
    $("#bouwen").addEventListener("click", rebuild);
    $("#goedkeuren").addEventListener("click", approve);
    $("#verwerpen").addEventListener("click", discard);
    $("#toevoegen").addEventListener("click", addBrief);
    $("#uitspraak").addEventListener("submit", saveWord);
    $("#beluister-woord").addEventListener("click", () => {
      const reading = $("#lezing").value.trim();
      if (reading) hear($("#woord-speler"), { text: reading, raw: true }, $("#beluister-woord"));
    });
    window.addEventListener("beforeunload", (event) => {
      if (desk.dirty) event.preventDefault(); // unsaved edits: the browser asks before leaving
    });
    loadBulletin().catch(failed);
  }
}

document.addEventListener("DOMContentLoaded", start);
