// The pipeline board: drag a card onto another column and htmx posts the move; the server
// answers with the board as it now is (counts included), or with the reason it refused.
(function () {
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".board-card[draggable=true]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.lead);
    card.classList.add("is-dragging");
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    document.querySelectorAll(".board-column.is-target").forEach((c) => c.classList.remove("is-target"));
  });
  document.addEventListener("dragover", (event) => {
    const column = event.target.closest && event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("is-target");
  });
  document.addEventListener("dragleave", (event) => {
    const column = event.target.closest && event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("is-target");
  });
  document.addEventListener("drop", (event) => {
    const column = event.target.closest && event.target.closest(".board-column");
    if (!column || !dragged) return;
    event.preventDefault();
    if (dragged.closest(".board-column") === column) return;
    const query = new URLSearchParams(window.location.search);
    const board = document.getElementById("board");
    const url = board.dataset.moveUrl.replace("/0/", "/" + dragged.dataset.lead + "/");
    htmx.ajax("POST", url + "?" + query.toString(), {
      target: "#board", swap: "outerHTML", values: { stage: column.dataset.stage },
    });
  });
  // A refusal (422) still carries the board with its message: show it.
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422 && event.detail.target.id === "board") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
