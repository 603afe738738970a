"use strict";
// A student's page: join with a name, then each cycle set the pledges (and whom to punish)
// and submit; see payoff, burden and the trust the others place in you. The token stays in
// this browser, so a reload (or a lost connection) comes back to the same nation.
const KEY = `coalition:student:${CODE}`;
const CAPABILITY_NAMES = {funds: "Money", troops: "Troops", enablers: "Enablers (specialised units)"};
let current = null;

setText("join-code", CODE);
for (const id of ["punish-share", "punish-below"]) {
  byId(id).oninput = () => setText(`${id}-value`, pct(byId(id).value));
  setText(`${id}-value`, pct(byId(id).value));
}

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

// The choices are built once a cycle: a page update (someone joined, someone submitted)
// must not undo what the student is setting. A new cycle starts from the last choices.
function sliders(view) {
  const box = byId("sliders");
  if (box.dataset.built === String(view.cycle)) return;
  box.dataset.built = String(view.cycle);
  const previous = Object.fromEntries(view.required.map((c) => {
    const input = byId(`share-${c}`);
    return [c, view.decision ? view.decision[c] : input ? Number(input.value)
      : view.last?.shares ? view.last.shares[c] : 0.5];
  }));
  box.replaceChildren(...view.required.map((c) => {
    const value = previous[c];
    const input = el("input", {type: "range", id: `share-${c}`, min: 0, max: 1, step: 0.05,
      value, oninput: () => setText(`share-${c}-value`, pct(input.value))});
    const capacity = view.you.capacity[c];
    return el("div", {}, el("label", {for: `share-${c}`},
      `${CAPABILITY_NAMES[c]}: `, el("span", {id: `share-${c}-value`, text: pct(value)}),
      el("span", {class: "muted", text: ` of ${num(capacity, c === "funds" ? 2 : 0)}${c === "funds" ? " bn USD" : ""}`})), input);
  }));
}

function targets(view) {
  const box = byId("targets");
  if (box.dataset.built === String(view.cycle)) return;
  box.dataset.built = String(view.cycle);
  if (view.decision) {
    for (const id of ["punish-share", "punish-below"]) {
      byId(id).value = view.decision[id === "punish-share" ? "punish_share" : "punish_below"];
      setText(`${id}-value`, pct(byId(id).value));
    }
  }
  const chosen = new Set(view.decision ? view.decision.punish
    : [...box.querySelectorAll("input:checked")].map((i) => Number(i.value)));
  box.replaceChildren(...view.others.map((o) => el("label", {style: "font-weight: normal; display: inline-block; margin-right: 1em"},
    el("input", {type: "checkbox", value: o.index, checked: chosen.has(o.index) ? "" : false,
      "data-nation": o.nation}),
    ` ${o.nation} (${o.ratio === null ? "–" : pct(o.ratio)})`)));
}

byId("submit").onclick = async () => {
  showError("");
  const body = {token: localStorage.getItem(KEY), funds: 0, troops: 0, enablers: 0, punish: [],
    punish_share: 0};
  for (const c of current.required) body[c] = Number(byId(`share-${c}`).value);
  if (current.rules.peer_punishment) {
    body.punish = [...byId("targets").querySelectorAll("input:checked")].map((i) => Number(i.value));
    body.punish_share = Number(byId("punish-share").value);
    body.punish_below = Number(byId("punish-below").value);
  }
  try { await api(`/api/rooms/${CODE}/submit`, body); }
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
  const left = view.you.member === false;
  byId("choices").hidden = ended || left;
  setText("notice", ended ? "" : left
    ? `${view.you.nation} has left the coalition: its government lost patience with it (the model's exit rule), so its pledges no longer count.`
    : view.status === "paused" ? "The teacher has paused the game."
    : view.decision?.rules_changed ? "The teacher changed the rules after you submitted: check your choices and submit again if you wish."
    : view.decision ? "" : "Set your pledges and submit before the cycle closes.");
  const r = view.rules;
  setText("rules", `Rules this cycle: ${r.burden_rule} shares; a shortfall is seen with chance ${pct(r.monitoring)}` +
    (r.sanction_rate ? `, sanctioned at ${r.sanction_rate} per unit` : ", no sanction") +
    (r.peer_punishment ? "; partners may punish each other." : "."));
  sliders(view);
  byId("punishment").hidden = !view.rules.peer_punishment || !view.others.length;
  if (!byId("punishment").hidden) targets(view);
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
      row("Your contribution", `${num(last.contribution)} bn USD (fair share ${num(last.fair_share)}: ${last.ratio === null ? "–" : pct(last.ratio)})`),
      row("Your burden", `${num(last.burden_pct, 3)} % of GDP`),
      row("Your payoff", `${num(last.payoff)} bn USD (in all: ${num(last.payoff_total)})`),
      row("Sanctions and punishment you received", `${num(last.sanction)} bn USD`),
      ...(view.rules.peer_punishment || last.spent_punishing ? [row("You spent punishing others", `${num(last.spent_punishing)} bn USD`)] : []),
      row("The others' trust in you", `${num(last.trust.at(-1))} (${moved})`),
      ...(last.participating ? [] : [row("Note", "your nation took part in no mission this cycle")]));
  }
  byId("summary-section").hidden = !ended;
  if (ended && !view.summary) {
    byId("summary").replaceChildren(row("", view.cycle
      ? "The game has ended: your summary is on its way." : "The game ended before its first cycle was played."));
  }
  if (view.summary) {
    const s = view.summary;
    byId("summary").replaceChildren(
      row("Cycles you decided", `${s.cycles_submitted} of ${s.cycles}`),
      row("Your contribution / fair share", `${num(s.contribution_ratio)} (the others: ${num(s.others_contribution_ratio)})`),
      row("Your burden", `${num(s.burden_pct_gdp, 3)} % of GDP`),
      row("Your payoff", `${num(s.payoff_total)}: rank ${s.payoff_rank} of ${view.n}`),
      row("The others' trust in you", `${num(s.trust_received_first)} → ${num(s.trust_received_last)}`),
      ...(s.left_in_cycle ? [row("Your nation", `left the coalition before cycle ${s.left_in_cycle}`)] : []));
  }
}

// A refusal: a token this room does not know asks the student to join; a room or server
// that is gone says so (the join form would offer a room that no longer exists).
function refused(message) {
  if (/no room|server has stopped|cannot be reached/.test(message || "")) {
    byId("join").hidden = true;
    showError(`${message}. Ask your teacher for the code of the next game.`);
  } else {
    showJoin(message);
  }
}

function start(token) { watch("student", token, render, refused); }

// A shared computer: the next student leaves the last one's seat to them and joins anew.
byId("not-me").onclick = () => {
  if (confirm("Join as someone else on this computer? The nation stays with its player.")) {
    localStorage.removeItem(KEY);
    location.reload();
  }
};

const saved = localStorage.getItem(KEY);
if (saved) start(saved); else showJoin();
