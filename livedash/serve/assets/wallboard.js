// The wallboard page: keeps a viewer on screen for as long as the page is open.
// A wall has nobody to click "Restart": when the connection drops or the viewer ends,
// the last picture stays, dimmed and marked as not live, under a "Reconnecting…" banner,
// and the page reconnects by itself with backoff (1 s doubling to 30 s, jittered). A new
// viewer loads in a hidden iframe and replaces the old picture once it has drawn.
"use strict";
(() => {
  const FIRST_DELAY_MS = 1000;
  const MAX_DELAY_MS = 30000;
  const START_TIMEOUT_MS = 30000; // a viewer that shows nothing by then is tried again
  const STABLE_MS = 60000; // connected this long: the next drop starts backoff afresh

  const boards = document.getElementById("boards");
  const overlay = document.getElementById("overlay");
  const heading = document.getElementById("overlay-title");
  const detail = document.getElementById("overlay-detail");
  const fontSize = new URLSearchParams(location.search).get("fontsize");

  let current = null; // the iframe on screen: live, or frozen and marked stale
  let pending = null; // the iframe of the viewer being started
  let staleSince = null; // when the board on screen stopped being live
  let failures = 0;
  let connectedAt = 0;
  let timers = [];

  function clearTimers() {
    timers.forEach((id) => clearTimeout(id)); // one pool for timeouts and intervals
    timers = [];
  }

  function newFrame() {
    const frame = document.createElement("iframe");
    frame.title = "livedash";
    frame.tabIndex = -1;
    frame.className = "board pending";
    boards.appendChild(frame);
    return frame;
  }

  function show(title, text, state) {
    heading.textContent = title;
    detail.textContent = text;
    overlay.classList.toggle("-banner", current !== null); // a stale board stays visible
    overlay.hidden = false;
    document.body.dataset.state = state;
  }

  function retry(title, why, state = "reconnecting") {
    clearTimers();
    if (pending) pending.remove(); // removing an iframe closes its connection
    pending = null;
    if (current && !staleSince) {
      staleSince = new Date();
      current.classList.add("stale");
    }
    if (connectedAt && Date.now() - connectedAt > STABLE_MS) failures = 0;
    connectedAt = 0;
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** failures);
    const wait = base * (0.75 + Math.random() * 0.25);
    failures += 1;
    const due = Date.now() + wait;
    const stale = staleSince
      ? ` NOT LIVE since ${staleSince.toLocaleTimeString()}: the board above is from then.`
      : "";
    const render = () => {
      const seconds = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      show(title, `${why}${stale} Trying again in ${seconds} s (attempt ${failures}).`, state);
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
        `This server shows the board on at most ${status.max_viewers} ` +
        `screen${status.max_viewers === 1 ? "" : "s"} at a time ` +
        "(--max-viewers): each is a livedash process polling the recording server.", "full");
    }
    connect();
  }

  function connect() {
    if (!current) show("Connecting…", "Starting a viewer.", "connecting");
    pending = newFrame();
    pending.src = `terminal${fontSize ? `?fontsize=${encodeURIComponent(fontSize)}` : ""}`;
    timers.push(setTimeout(
      () => retry("Reconnecting…", "The viewer did not start."), START_TIMEOUT_MS));
  }

  function live() {
    clearTimers();
    if (current) current.remove();
    current = pending;
    pending = null;
    current.classList.remove("pending");
    staleSince = null;
    connectedAt = Date.now();
    overlay.hidden = true;
    document.body.dataset.state = "live";
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== location.origin) return;
    const from = [current, pending].find((frame) => frame && frame.contentWindow === event.source);
    if (!from) return;
    if (event.data === "livedash:first-byte" && from === pending) {
      live();
    } else if (event.data === "livedash:closed") {
      if (from === pending) retry("Reconnecting…", "The viewer ended before it drew.");
      else if (!staleSince) retry("Reconnecting…", "The connection to the viewer was lost.");
    }
  });

  probe();
})();
