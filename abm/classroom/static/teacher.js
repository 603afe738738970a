"use strict";
// The teacher's dashboard: who has joined and submitted, the cycle, the rules, the debrief.
const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromLink) localStorage.setItem(`coalition:teacher:${CODE}`, fromLink);
const TOKEN = fromLink || localStorage.getItem(`coalition:teacher:${CODE}`);
history.replaceState(null, "", location.pathname);  // the token leaves the address bar

async function act(action, extra = {}) {
  showError("");
  try { await api(`/api/rooms/${CODE}/teacher`, {token: TOKEN, action, ...extra}); }
  catch (error) {
    showError(error.message);
    if (current) render(current);  // the controls show what holds, not what was refused
  }
}

// The teacher's link opens this dashboard on another device (keep it private).
byId("show-link").onclick = () => {
  setText("teacher-link", `${location.origin}/t/${CODE}#token=${TOKEN}`);
  byId("teacher-link").hidden = false;
};

for (const action of ["advance", "pause", "resume"]) byId(action).onclick = () => act(action);
byId("end").onclick = () => {
  if (confirm("End the game for everyone and show the debrief?")) act("end");
};
for (const rule of ["monitoring", "sanction_rate"]) {
  byId(rule).oninput = () => setText(`${rule}-value`, Number(byId(rule).value).toFixed(2));
  byId(rule).onchange = () => act("rules", {[rule]: Number(byId(rule).value)});
}
byId("burden_rule").onchange = () => act("rules", {burden_rule: byId("burden_rule").value});
byId("peer_punishment").onchange = () => act("rules", {peer_punishment: byId("peer_punishment").checked});
byId("time_limit").onchange = () => act("timing", {time_limit: Number(byId("time_limit").value)});
byId("auto_advance").onchange = () => act("timing", {auto_advance: byId("auto_advance").checked});
byId("csv").href = `/api/rooms/${CODE}/decisions.csv?token=${encodeURIComponent(TOKEN || "")}`;
byId("parquet").href = `/api/rooms/${CODE}/decisions.parquet?token=${encodeURIComponent(TOKEN || "")}`;
byId("zip").href = `/api/rooms/${CODE}/decisions.zip?token=${encodeURIComponent(TOKEN || "")}`;
byId("projector-link").href = `/p/${CODE}`;
setText("join-code", CODE);
api(`/api/rooms/${CODE}`).then((room) => setText("join-url", room.join_url))
  .catch((error) => showError(error.message));

function shares(decision) {
  if (!decision) return "";
  const parts = ["funds", "troops", "enablers"].filter((c) => current.required.includes(c))
    .map((c) => `${c} ${pct(decision[c])}`);
  if (decision.punish_below) parts.push(`punishes partners below ${pct(decision.punish_below)}`);
  if (decision.punish.length) parts.push(`punishes ${decision.punish.join(", ")}`);
  return parts.join(" · ");
}

let current = null;
function render(view) {
  current = view;
  setText("code", view.code);
  setText("lesson", view.lesson);
  setText("cycle", view.cycle);
  setText("status", view.status === "open" ? `deciding cycle ${view.deciding}` : view.status);
  showClock("clock", view);
  const ended = view.status === "ended";
  setText("progress", ended ? "The game has ended."
    : `${view.submitted} of ${view.students} students have submitted`);
  setText("model-seats", ended ? "" : `(the model plays the other ${view.model_seats} of ${view.n} nations)`);
  byId("advance").disabled = ended || view.status === "paused";
  byId("pause").disabled = view.status !== "open";
  byId("resume").disabled = view.status !== "paused";
  byId("end").disabled = ended;
  const last = Object.fromEntries(view.decided_by.map((d) => [d.student, d.by]));
  byId("seats").replaceChildren(...view.seats.map((seat) => el("tr", {"data-student": seat.name},
    el("td", {}, el("span", {class: seat.connected ? "dot on" : "dot", title: seat.connected ? "connected" : "not connected"}), seat.name),
    el("td", {text: seat.nation}),
    el("td", {class: seat.submitted ? "ok" : "waiting", text: !seat.member ? "left the coalition"
      : ended ? "" : seat.submitted ? "submitted" : "waiting"}),
    el("td", {class: "pledge", text: shares(seat.decision)}),
    el("td", {class: "decided-by", text: last[seat.name] ? `decided by ${last[seat.name] === "model" ? "the model" : "the student"}` : ""}))));
  for (const rule of ["monitoring", "sanction_rate"]) {
    if (document.activeElement !== byId(rule)) byId(rule).value = view.rules[rule];
    setText(`${rule}-value`, Number(view.rules[rule]).toFixed(2));
  }
  byId("burden_rule").value = view.rules.burden_rule;
  byId("peer_punishment").checked = view.rules.peer_punishment;
  if (document.activeElement !== byId("time_limit")) byId("time_limit").value = view.time_limit;
  byId("auto_advance").checked = view.auto_advance;
  for (const input of document.querySelectorAll("section input, section select")) input.disabled = ended;
  if (view.debrief) {
    byId("debrief-section").hidden = false;
    debriefCharts(byId("debrief"), view.debrief);
    byId("summaries").replaceChildren(...view.debrief.students.map((s) => el("tr", {},
      el("td", {text: s.student}), el("td", {text: s.nation}),
      el("td", {text: `${s.cycles_submitted} of ${s.cycles}`}),
      el("td", {text: num(s.contribution_ratio)}), el("td", {text: num(s.others_contribution_ratio)}),
      el("td", {text: num(s.burden_pct_gdp)}), el("td", {text: num(s.payoff_total)}),
      el("td", {text: `${s.payoff_rank} of ${view.n}`}),
      el("td", {text: `${num(s.trust_received_first)} → ${num(s.trust_received_last)}` +
        (s.left_in_cycle ? ` (left before cycle ${s.left_in_cycle})` : "")}))));
    setText("saved", view.debrief.saved ? `Saved on the server in ${view.debrief.saved}`
      : view.failure ? `Not saved: ${view.failure}` : "");
  } else if (ended) {
    setText("progress", view.failure ? `The game has ended; ${view.failure}.`
      : "The game has ended: simulating 100 classes for the debrief…");
  }
  liveCharts(view, {series: "series", burden: "burden", network: "network"});
}

if (!TOKEN) {
  showError("This page needs the teacher's link (the one given when the room was made).");
  for (const control of document.querySelectorAll("button, input, select")) control.disabled = true;
} else watch("teacher", TOKEN, render);
