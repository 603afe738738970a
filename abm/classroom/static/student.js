"use strict";
// A student's page: join with a name, then each cycle set the pledges (and whom to punish)
// and submit; see payoff, burden and the trust the others place in you. The token stays in
// this browser, so a reload (or a lost connection) comes back to the same nation.
const KEY = `coalition:student:${CODE}`;
const CAPABILITY_NAMES = {funds: "Money", troops: "Troops", enablers: "Enablers (specialised units)"};
let current = null, touched = false;

setText("join-code", CODE);
byId("punish-share").oninput = () => setText("punish-share-value", pct(byId("punish-share").value));
setText("punish-share-value", pct(0.5));

function showJoin(message) {
  localStorage.removeItem(KEY);
  byId("game").hidden = true;
  byId("join").hidden = false;
  showError(message || "");
  api(`/api/rooms/${CODE}`).then((room) => {
    setText("join-lesson", `Lesson: ${room.lesson}`);
    const choice = byId("nation-choice");
    choice.replaceChildren(el("option", {value: "", text: "any free nation"}),
      ...room.free.map((f) => el("option", {value: f.index, text: f.nation})));
  }).catch((error) => showError(error.message));
}

byId("join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  showError("");
  try {
    const seat = await api(`/api/rooms/${CODE}/join`, {name: byId("name").value,
      nation: byId("nation-choice").value || null});
    localStorage.setItem(KEY, seat.token);
    start(seat.token);
  } catch (error) { showError(error.message); }
});

function sliders(view) {
  const box = byId("sliders");
  if (box.dataset.built === String(view.cycle)) return;
  box.dataset.built = String(view.cycle);
  const decision = view.decision;
  box.replaceChildren(...view.required.map((c) => {
    const value = decision ? decision[c] : 0.5;
    const input = el("input", {type: "range", id: `share-${c}`, min: 0, max: 1, step: 0.05,
      value, oninput: () => { touched = true; setText(`share-${c}-value`, pct(input.value)); }});
    const capacity = view.you.capacity[c];
    return el("div", {}, el("label", {for: `share-${c}`},
      `${CAPABILITY_NAMES[c]}: `, el("span", {id: `share-${c}-value`, text: pct(value)}),
      el("span", {class: "muted", text: ` of ${num(capacity, c === "funds" ? 2 : 0)}${c === "funds" ? " bn USD" : ""}`})), input);
  }));
  touched = false;
}

function targets(view) {
  const box = byId("targets");
  const chosen = new Set(view.decision ? view.decision.punish : []);
  box.replaceChildren(...view.others.map((o) => el("label", {style: "font-weight: normal; display: inline-block; margin-right: 1em"},
    el("input", {type: "checkbox", value: o.index, checked: chosen.has(o.index) ? "" : false,
      "data-nation": o.nation}),
    ` ${o.nation} (${o.ratio === null ? "–" : pct(o.ratio)})`)));
}

byId("submit").onclick = async () => {
  showError("");
  const body = {token: localStorage.getItem(KEY), funds: 0, troops: 0, enablers: 0, punish: [],
    punish_share: Number(byId("punish-share").value)};
  for (const c of current.required) body[c] = Number(byId(`share-${c}`).value);
  if (current.rules.peer_punishment) {
    body.punish = [...byId("targets").querySelectorAll("input:checked")].map((i) => Number(i.value));
  }
  try { await api(`/api/rooms/${CODE}/submit`, body); touched = false; }
  catch (error) { showError(error.message); }
};

function row(label, value) { return el("tr", {}, el("th", {text: label}), el("td", {text: value})); }

function render(view) {
  current = view;
  byId("join").hidden = true;
  byId("game").hidden = false;
  setText("title", `Coalition game · room ${view.code}`);
  setText("cycle", view.cycle);
  setText("status", view.status === "open" ? `deciding cycle ${view.deciding}` : view.status);
  setText("deciding", view.deciding);
  showClock("clock", view);
  setText("you-nation", view.you.nation);
  setText("you-name", `(${view.you.name})`);
  setText("you-capacity", "Your capacity per cycle: " + view.required.map((c) =>
    `${c} ${num(view.you.capacity[c], c === "funds" ? 2 : 0)}`).join(", ") + ".");
  const ended = view.status === "ended";
  byId("choices").hidden = ended;
  setText("notice", ended ? "" : view.status === "paused" ? "The teacher has paused the game."
    : view.decision ? "" : "Set your pledges and submit before the cycle closes.");
  sliders(view);
  byId("punishment").hidden = !view.rules.peer_punishment || !view.others.length;
  if (!byId("punishment").hidden && !touched) targets(view);
  byId("submit").disabled = view.status !== "open";
  setText("submitted", view.decision ? "Submitted: you can change it until the cycle closes." : "");
  const last = view.last;
  byId("results").hidden = !last;
  if (last) {
    setText("last-cycle", last.cycle);
    const moved = last.trust_change > 0.005 ? `up ${num(last.trust_change)}`
      : last.trust_change < -0.005 ? `down ${num(-last.trust_change)}` : "steady";
    byId("last").replaceChildren(
      row("Decided by", last.decided_by === "you" ? "you" : "the model (you had not submitted)"),
      row("Delivered", last.delivered_all ? "all you pledged"
        : "less than you pledged: political will at home fell short"),
      row("Your contribution", `${num(last.contribution)} (fair share ${num(last.fair_share)}: ${last.ratio === null ? "–" : pct(last.ratio)})`),
      row("Your burden", `${num(last.burden_pct, 3)} % of GDP`),
      row("Your payoff", `${num(last.payoff)} (in all: ${num(last.payoff_total)})`),
      row("Sanctions and punishment you received", num(last.sanction)),
      row("The others' trust in you", `${num(last.trust.at(-1))} (${moved})`),
      ...(last.participating ? [] : [row("Note", "your nation took part in no mission this cycle")]));
  }
  byId("summary-section").hidden = !view.summary;
  if (view.summary) {
    const s = view.summary;
    byId("summary").replaceChildren(
      row("Cycles you decided", `${s.cycles_submitted} of ${s.cycles}`),
      row("Your contribution / fair share", `${num(s.contribution_ratio)} (the others: ${num(s.others_contribution_ratio)})`),
      row("Your burden", `${num(s.burden_pct_gdp, 3)} % of GDP`),
      row("Your payoff", `${num(s.payoff_total)}: rank ${s.payoff_rank} of ${view.n}`),
      row("The others' trust in you", `${num(s.trust_received_first)} → ${num(s.trust_received_last)}`));
  }
}

function start(token) { watch("student", token, render, showJoin); }

const saved = localStorage.getItem(KEY);
if (saved) start(saved); else showJoin();
