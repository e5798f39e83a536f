// The viewer page, inside the wallboard page. Runs after textual.js (from textual-serve):
// points it at this server's /ws, waits for the font, and tells the wallboard page when
// the first screen arrives and when the connection closes (textual.js would only show
// "Session ended" and wait for a click).
"use strict";
(() => {
  const terminal = document.getElementById("terminal");
  const size = parseInt(new URLSearchParams(location.search).get("fontsize"), 10);
  if (size >= 8 && size <= 96) terminal.dataset.fontSize = String(size);

  // Relative to this page, so a proxy's path prefix is kept; ws: or wss: as the page.
  const socket = new URL("ws", location.href);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  socket.search = "";
  socket.hash = "";
  terminal.dataset.sessionWebsocketUrl = socket.href;

  const start = window.onload; // set by textual.js
  window.onload = async (event) => {
    try {
      // xterm.js measures its cells once: with the real font, not a fallback
      await document.fonts.load(`${terminal.dataset.fontSize}px "Roboto Mono"`);
    } catch (error) { /* measure with a fallback font then */ }
    start(event);
  };

  let told = "";
  const tell = (what) => {
    if (what === told || window.parent === window) return;
    told = what;
    window.parent.postMessage(what, location.origin);
  };
  new MutationObserver(() => {
    const classes = document.body.classList;
    if (classes.contains("-closed")) tell("livedash:closed");
    else if (classes.contains("-first-byte")) tell("livedash:first-byte");
  }).observe(document.body, { attributes: true, attributeFilter: ["class"] });
})();
