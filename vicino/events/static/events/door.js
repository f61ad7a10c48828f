// The door's phone page: scan a ticket (camera, or a photo of it), or check a guest in from the list.
// Each scan gets a small JSON answer shown at once; without a connection the scan waits in the
// phone (localStorage) and is sent when the connection returns: the server tolerates a double scan.
(function () {
  "use strict";
  const door = document.getElementById("door");
  if (!door) return;
  const scanUrl = door.dataset.scanUrl;
  const result = document.getElementById("scan-result");
  const queuedNote = document.getElementById("queued");
  const queueKey = "vicino.door." + scanUrl;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  let lastCode = "", lastAt = 0;

  function show(kind, message) {
    result.hidden = false;
    result.className = "door-result is-" + kind;
    result.textContent = message;
  }

  function counts(arrivals) {
    if (!arrivals) return;
    const arrived = document.getElementById("arrived"), expected = document.getElementById("expected");
    if (arrived) arrived.textContent = arrivals.arrived;
    if (expected) expected.textContent = arrivals.expected;
  }

  function queued() { try { return JSON.parse(localStorage.getItem(queueKey) || "[]"); } catch (e) { return []; } }
  function keep(codes) {
    localStorage.setItem(queueKey, JSON.stringify(codes));
    queuedNote.hidden = codes.length === 0;
  }

  async function post(url, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 8000);
    try {
      const response = await fetch(url, { method: "POST", body: body, headers: { "X-CSRFToken": csrf }, signal: controller.signal, credentials: "same-origin" });
      return await response.json();
    } finally {
      clearTimeout(timer);
    }
  }

  function answer(data) {
    counts(data.arrivals);
    if (!data.ok) show("refused", data.message);
    else show(data.first_time ? "ok" : "again", data.message + (data.dietary_notes ? " · " + data.dietary_notes : ""));
    if (navigator.vibrate) navigator.vibrate(data.ok && data.first_time ? 80 : [60, 60, 60]);
  }

  async function send(code) {
    const body = new FormData();
    body.append("code", code);
    try {
      answer(await post(scanUrl, body));
      return true;
    } catch (e) {
      return false;
    }
  }

  async function scanned(code) {
    code = code.trim();
    const now = Date.now();
    if (!code || (code === lastCode && now - lastAt < 3000)) return;  // the camera sees the same code many times a second
    lastCode = code; lastAt = now;
    if (!(await send(code))) {
      keep(queued().concat([code]));
      show("again", door.dataset.offline);
    }
  }

  // One flush at a time; a code leaves the queue only once sent, and codes queued meanwhile stay.
  let flushing = false;
  async function flush() {
    if (flushing || !queued().length) return;
    flushing = true;
    try {
      for (const code of queued()) {
        if (!(await send(code))) break;
        const rest = queued();
        rest.splice(rest.indexOf(code), 1);
        keep(rest);
      }
    } finally {
      flushing = false;
    }
  }
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  keep(queued());

  function decode(source, width, height) {
    const canvas = document.createElement("canvas");
    canvas.width = width; canvas.height = height;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(source, 0, 0, width, height);
    const found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height);
    return found ? found.data : "";
  }

  document.getElementById("camera-start").addEventListener("click", async function () {
    const video = document.getElementById("camera");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      show("refused", door.dataset.noCamera);
      return;
    }
    video.srcObject = stream; video.hidden = false; this.hidden = true;
    await video.play();
    const detector = "BarcodeDetector" in window ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    async function frame() {
      if (video.readyState >= 2) {
        let code = "";
        if (detector) {
          const codes = await detector.detect(video).catch(() => []);
          code = codes.length ? codes[0].rawValue : "";
        } else {
          code = decode(video, video.videoWidth, video.videoHeight);
        }
        if (code) scanned(code);
      }
      setTimeout(frame, 200);
    }
    frame();
  });

  // A photo of the ticket: read as a bitmap (no blob: address, which the page's security policy does not allow).
  document.getElementById("photo-scan").addEventListener("change", async function () {
    const file = this.files && this.files[0];
    this.value = "";
    if (!file) return;
    let image;
    try {
      image = await createImageBitmap(file);
    } catch (e) {
      show("refused", door.dataset.noCode);
      return;
    }
    const scale = Math.min(1, 1600 / Math.max(image.width, image.height));
    const code = decode(image, Math.round(image.width * scale), Math.round(image.height * scale));
    if (code) { lastCode = ""; scanned(code); } else show("refused", door.dataset.noCode);
  });

  document.getElementById("code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const input = document.getElementById("code");
    lastCode = "";
    scanned(input.value);
    input.value = "";
  });

  door.addEventListener("click", async function (event) {
    const button = event.target.closest("[data-check-in]");
    if (!button) return;
    button.disabled = true;
    try {
      const data = await post(button.dataset.checkIn, new FormData());
      answer(data);
      if (data.ok) button.replaceWith(Object.assign(document.createElement("span"), { className: "badge badge-success", textContent: data.at }));
    } catch (e) {
      button.disabled = false;
      show("refused", door.dataset.offline);
    }
  });
})();
