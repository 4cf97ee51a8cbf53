/* Live events: connect to the user's event stream, announce each event, reload the page when asked.
 * Progressive enhancement only: every page works without it. The browser's EventSource resends
 * Last-Event-ID on reconnect; the first connection resumes from the id the page was rendered with.
 * Events are delivered at least once, so ids already seen are ignored. The stream opens a moment after
 * the page has loaded, so that it never competes with the page's own requests. */
(function () {
  "use strict";
  var region = document.getElementById("live-status");
  if (!region || typeof window.EventSource === "undefined") {
    return;
  }
  var CONNECT_DELAY_MS = 1500;
  var seen = Object.create(null); /* ids from the server: no prototype to pollute */
  var last = region.getAttribute("data-last-event-id") || "0";
  var url = region.getAttribute("data-stream-url") + "?last_event_id=" + encodeURIComponent(last);
  var reload = region.getAttribute("data-reload");
  var source = null;

  function announce(data) {
    var payload = data.payload || {};
    var text = region.getAttribute("data-text-new") + " " + data.kind + (payload.reference ? " " + payload.reference : "");
    var item = document.createElement("p");
    item.className = "message message-success";
    item.textContent = text;
    region.appendChild(item);
    /* data-reload: "any", "<key>:<id>" (e.g. "channel_id:7": reload for events about that object), or a
     * bare id, which names a cable. */
    var key = "cable_id";
    var wanted = reload;
    if (reload && reload.indexOf(":") > 0) {
      key = reload.slice(0, reload.indexOf(":"));
      wanted = reload.slice(reload.indexOf(":") + 1);
    }
    var shouldReload = reload === "any" || (reload && String(payload[key]) === wanted);
    if (shouldReload) {
      window.setTimeout(function () { window.location.reload(); }, 800);
    }
  }

  function handle(event) {
    if (!event.lastEventId || seen[event.lastEventId]) {
      return;
    }
    seen[event.lastEventId] = true;
    try {
      announce(JSON.parse(event.data));
    } catch (error) {
      /* a malformed frame is ignored */
    }
  }

  function connect() {
    source = new EventSource(url);
    source.onmessage = handle;
    KINDS.forEach(function (kind) {
      source.addEventListener(kind, handle);
    });
  }

  var KINDS = ["cable.delivered", "cable.released", "cable.acknowledged", "cable.clearance_requested",
   "cable.clearance_given", "cable.cleared", "cable.returned", "cable.escalated", "cable.search_match",
   "chat.message", "chat.mention", "notification"];

  function start() {
    window.setTimeout(connect, CONNECT_DELAY_MS);
  }

  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
})();
