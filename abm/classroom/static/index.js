"use strict";
// The front page: a student types the code; a teacher starts a room (and keeps its token).
byId("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  location.href = `/s/${encodeURIComponent(byId("join-code").value.trim().toUpperCase())}`;
});

let lessons = [];
api("/api/lessons").then((data) => {
  lessons = data.lessons;
  for (const lesson of lessons) byId("lesson").append(el("option", {value: lesson.name, text: lesson.name}));
  byId("seed").value = Math.floor(Math.random() * 1000);
  describe();
}).catch((error) => showError(error.message));

function describe() {
  const lesson = lessons.find((l) => l.name === byId("lesson").value);
  if (!lesson) return;
  setText("lesson-description", lesson.description);
  byId("nations").disabled = lesson.fixed;
  byId("nations").value = lesson.fixed ? "" : lesson.nations;
}
byId("lesson").addEventListener("change", describe);

byId("create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  showError("");
  try {
    const room = await api("/api/rooms", {
      lesson: byId("lesson").value, n_nations: byId("nations").value || null,
      seed: byId("seed").value, time_limit: byId("time-limit").value || 0,
      auto_advance: byId("auto-advance").checked});
    localStorage.setItem(`coalition:teacher:${room.code}`, room.teacher_token);
    location.href = `${room.teacher_url}#token=${room.teacher_token}`;
  } catch (error) { showError(error.message); }
});
