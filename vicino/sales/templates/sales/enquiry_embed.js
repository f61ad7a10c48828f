(function () {
  var script = document.currentScript;
  var params = new URLSearchParams(window.location.search);
  var query = new URLSearchParams();
  ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"].forEach(function (key) {
    if (params.get(key)) query.set(key, params.get(key));
  });
  var frame = document.createElement("iframe");
  frame.src = "{{ form_url|escapejs }}" + (query.toString() ? "?" + query.toString() : "");
  frame.title = "Vicino";
  frame.style.width = "100%";
  frame.style.minHeight = "46rem";
  frame.style.border = "0";
  frame.setAttribute("loading", "lazy");
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
