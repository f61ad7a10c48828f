// The home page's team chart: people by role, from the JSON the page embeds.
(function () {
  const data = JSON.parse(document.getElementById("team-chart-data").textContent);
  const accent = getComputedStyle(document.documentElement).getPropertyValue("--color-accent").trim() || "#0f5c6e";
  new Chart(document.getElementById("team-chart"), {
    type: "bar",
    data: { labels: data.labels, datasets: [{ data: data.values, backgroundColor: accent, borderRadius: 4 }] },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { x: { ticks: { precision: 0 } } },
    },
  });
})();
