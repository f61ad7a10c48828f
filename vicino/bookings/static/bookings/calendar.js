// The diary: drag a booking onto another time and htmx posts the move; the server answers with
// the diary as it now is, or with the reason it refused (taken, closed, a holiday) above it.
(function () {
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".diary-booking[draggable=true]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.booking);
  });
  document.addEventListener("dragend", () => {
    dragged = null;
    document.querySelectorAll(".diary-cell.is-target").forEach((c) => c.classList.remove("is-target"));
  });
  document.addEventListener("dragover", (event) => {
    const cell = event.target.closest && event.target.closest(".diary-cell");
    if (!cell || !dragged) return;
    event.preventDefault();
    cell.classList.add("is-target");
  });
  document.addEventListener("dragleave", (event) => {
    const cell = event.target.closest && event.target.closest(".diary-cell");
    if (cell && !cell.contains(event.relatedTarget)) cell.classList.remove("is-target");
  });
  document.addEventListener("drop", (event) => {
    const cell = event.target.closest && event.target.closest(".diary-cell");
    if (!cell || !dragged) return;
    event.preventDefault();
    if (dragged.closest(".diary-cell") === cell) return;
    const diary = document.getElementById("calendar");
    const url = diary.dataset.moveUrl.replace("/0/", "/" + dragged.dataset.booking + "/");
    htmx.ajax("POST", url + "?" + diary.dataset.query, {
      target: "#calendar", swap: "outerHTML", values: { starts_at: cell.dataset.startsAt },
    });
  });
  // A refusal (409, 422) still carries the diary with its message: show it.
  document.addEventListener("htmx:beforeSwap", (event) => {
    if ([409, 422].includes(event.detail.xhr.status) && ["calendar", "checklist"].includes(event.detail.target.id)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
