// The wallboard page: keeps a viewer on screen for as long as the page is open.
// A wall has nobody to click "Restart": when the connection drops or the viewer ends,
// the page says so and reconnects by itself, with backoff (1 s doubling to 30 s, jittered).
"use strict";
(() => {
  const FIRST_DELAY_MS = 1000;
  const MAX_DELAY_MS = 30000;
  const START_TIMEOUT_MS = 30000; // a viewer that shows nothing by then is tried again
  const STABLE_MS = 60000; // connected this long: the next drop starts backoff afresh

  const frame = document.getElementById("viewer");
  const overlay = document.getElementById("overlay");
  const heading = document.getElementById("overlay-title");
  const detail = document.getElementById("overlay-detail");
  const fontSize = new URLSearchParams(location.search).get("fontsize");

  let failures = 0;
  let connectedAt = 0;
  let timers = [];

  function clearTimers() {
    timers.forEach((id) => clearTimeout(id)); // one pool for timeouts and intervals
    timers = [];
  }

  function show(title, text, state) {
    heading.textContent = title;
    detail.textContent = text;
    overlay.hidden = false;
    document.body.dataset.state = state;
  }

  function retry(title, why, state = "reconnecting") {
    clearTimers();
    frame.src = "about:blank"; // ends the old viewer's connection, if any
    if (connectedAt && Date.now() - connectedAt > STABLE_MS) failures = 0;
    connectedAt = 0;
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** failures);
    const wait = base * (0.75 + Math.random() * 0.25);
    failures += 1;
    const due = Date.now() + wait;
    const render = () => {
      const seconds = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      show(title, `${why} Trying again in ${seconds} s (attempt ${failures}).`, state);
    };
    render();
    timers.push(setInterval(render, 1000));
    timers.push(setTimeout(probe, wait));
  }

  async function probe() {
    clearTimers();
    let response;
    try {
      response = await fetch("status", { cache: "no-store", credentials: "same-origin" });
    } catch (error) {
      return retry("Reconnecting…", "The wallboard server does not answer.");
    }
    if (response.status === 401) {
      return retry("Access token not accepted",
        "Open the full URL printed by livedash serve again (without LIVEDASH_SERVE_TOKEN " +
        "a restart makes a new token).", "unauthorized");
    }
    if (!response.ok) {
      return retry("Reconnecting…", `The wallboard server answered ${response.status}.`);
    }
    let status;
    try {
      status = await response.json();
    } catch (error) {
      return retry("Reconnecting…", "The wallboard server sent an unreadable answer.");
    }
    if (typeof status.title === "string") document.title = status.title;
    if (status.viewers >= status.max_viewers) {
      return retry("All viewers in use",
        `This server shows the board on at most ${status.max_viewers} screens at a time ` +
        "(--max-viewers): each is a livedash process polling the recording server.", "full");
    }
    connect();
  }

  function connect() {
    show("Connecting…", "Starting a viewer.", "connecting");
    const query = fontSize ? `?fontsize=${encodeURIComponent(fontSize)}` : "";
    frame.src = `terminal${query}`;
    timers.push(setTimeout(
      () => retry("Reconnecting…", "The viewer did not start."), START_TIMEOUT_MS));
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== location.origin || event.source !== frame.contentWindow) return;
    if (event.data === "livedash:first-byte") {
      clearTimers();
      connectedAt = Date.now();
      overlay.hidden = true;
      document.body.dataset.state = "live";
    } else if (event.data === "livedash:closed") {
      retry("Reconnecting…", "The connection to the viewer was lost.");
    }
  });

  probe();
})();
